using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Features.HotTopics.Routing;

/// <summary>The product a post was routed to. <see cref="ProductIndex"/> is -1 for triage.</summary>
public readonly record struct ProductRoute(string ProductKey, int ProductIndex, float Score)
{
    public bool IsTriage => ProductIndex < 0;
}

/// <summary>
/// Routes a normalised post to a product: rules first (phrases as whole word sequences, keywords as whole words,
/// both case- and diacritics-insensitive through <see cref="TextNormalizer"/>; keywords of 5+ letters also match
/// with one typo), plus the cosine similarity between the post and each product's vocabulary profile (word and
/// character n-grams). Score = 3·phrases + 2·keywords + 1.2·typo-keywords + 3·similarity; the best product wins if
/// its score reaches <see cref="MinScore"/>, ties go to the product listed first; otherwise the post goes to triage.
/// </summary>
public sealed class ProductRouter
{
    public const float MinScore = 1.0f;
    private const float PhraseWeight = 3f;
    private const float KeywordWeight = 2f;
    private const float FuzzyWeight = 1.2f;
    private const float SimilarityWeight = 3f;

    private readonly ProductCatalog _catalog;
    private readonly Dictionary<int, List<int>> _keywords = [];            // word index → products
    private readonly List<(int[] Words, int Product)> _phrases = [];        // stem-index sequences
    private readonly List<(string Stem, int Product)> _fuzzy = [];
    private readonly Dictionary<int, int[]> _phraseStarts = [];               // first word index → phrase ids, ascending
    private readonly Dictionary<ulong, int[]> _fuzzyNeighbours = [];          // deletion-neighbourhood key → fuzzy ids, ascending
    private readonly ulong[] _fuzzyFilter = new ulong[FilterBits / 64];       // a bit per key's FilterBit: most stems' keys miss it
    private readonly ulong[] _wordFilter = new ulong[FilterBits / 64];        // a bit per keyword and phrase start word index
    private readonly int _fuzzyMinLength = int.MaxValue;
    private readonly int _fuzzyMaxLength;
    private readonly ProfileTable _profiles;
    private readonly float[] _scores;

    public ProductRouter(ProductCatalog catalog)
    {
        ArgumentNullException.ThrowIfNull(catalog);
        _catalog = catalog;
        _scores = new float[catalog.Products.Count];
        var text = new TokenizedText();
        var vector = new FeatureVector();
        var profiles = new Dictionary<int, List<(int Product, float Weight)>>();
        for (var p = 0; p < catalog.Products.Count; p++)
        {
            var product = catalog.Products[p];
            foreach (var term in product.Keywords.Concat(product.Phrases))
            {
                TextNormalizer.Normalize(term, text);
                var words = new int[text.TokenCount];
                for (var i = 0; i < words.Length; i++)
                {
                    words[i] = FeatureHasher.WordIndex(text.Stem(text.Tokens[i]));
                }

                if (words.Length == 1)
                {
                    if (!_keywords.TryGetValue(words[0], out var list))
                    {
                        _keywords[words[0]] = list = [];
                    }

                    if (!list.Contains(p))
                    {
                        list.Add(p);
                    }

                    var stem = text.Stem(text.Tokens[0]).ToString();
                    if (stem.Length >= 5)
                    {
                        _fuzzy.Add((stem, p));
                    }
                }
                else if (words.Length > 1)
                {
                    _phrases.Add((words, p));
                }
            }

            // Profile: every feature of the product's vocabulary, unit length.
            TextNormalizer.Normalize(string.Join(" . ", product.Keywords.Concat(product.Phrases).Append(product.DisplayName)), text);
            FeatureHasher.Extract(text, vector);
            vector.Normalize();
            for (var i = 0; i < vector.Count; i++)
            {
                if (!profiles.TryGetValue(vector.Indices[i], out var list))
                {
                    profiles[vector.Indices[i]] = list = [];
                }

                list.Add((p, vector.Values[i]));
            }
        }

        _profiles = new ProfileTable(profiles);

        // Word indices that are a keyword or start a phrase: a token whose bit is clear needs no dictionary lookup.
        foreach (var word in _keywords.Keys)
        {
            SetBit(_wordFilter, word & (FilterBits - 1));
        }

        // Phrases by their first word, so scoring looks only at phrases that can start at a token.
        for (var id = 0; id < _phrases.Count; id++)
        {
            var first = _phrases[id].Words[0];
            SetBit(_wordFilter, first & (FilterBits - 1));
            _phraseStarts[first] = _phraseStarts.TryGetValue(first, out var ids) ? [.. ids, id] : [id];
        }

        // One-typo keywords by their deletion neighbourhood (the keyword and each keyword with one letter deleted): a stem
        // within one edit of a keyword (insertion, deletion, substitution, adjacent swap) shares at least one key with it.
        for (var id = 0; id < _fuzzy.Count; id++)
        {
            var keyword = _fuzzy[id].Stem;
            _fuzzyMinLength = Math.Min(_fuzzyMinLength, keyword.Length);
            _fuzzyMaxLength = Math.Max(_fuzzyMaxLength, keyword.Length);
            for (var skip = -1; skip < keyword.Length; skip++)
            {
                var key = NeighbourKey(keyword, skip);
                SetBit(_fuzzyFilter, FilterBit(key));
                if (!_fuzzyNeighbours.TryGetValue(key, out var ids))
                {
                    _fuzzyNeighbours[key] = [id];
                }
                else if (ids[^1] != id)
                {
                    _fuzzyNeighbours[key] = [.. ids, id];
                }
            }
        }
    }

    public ProductCatalog Catalog => _catalog;

    /// <summary>Products this router scores (the length of a <see cref="ScoreRules"/> buffer).</summary>
    public int ProductCount => _scores.Length;

    /// <summary>Routes a post given its normalised text and its (unit-length) feature vector.</summary>
    /// <remarks>Not thread-safe: it reuses a score buffer. Use one router per worker.</remarks>
    public ProductRoute Route(TokenizedText text, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(vector);
        ScoreRules(text, _scores);
        return AddSimilarityAndPick(vector);
    }

    /// <summary>
    /// <see cref="Route(TokenizedText, FeatureVector)"/> with the rule part (<paramref name="ruleScores"/>, from
    /// <see cref="ScoreRules"/> on the same text) computed earlier, possibly on another thread: the same result.
    /// </summary>
    public ProductRoute Route(ReadOnlySpan<float> ruleScores, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfNotEqual(ruleScores.Length, _scores.Length);
        ruleScores.CopyTo(_scores);
        return AddSimilarityAndPick(vector);
    }

    /// <summary>
    /// The rule part of the score (keywords, one-typo keywords, phrases) per product into <paramref name="scores"/>
    /// (length <see cref="ProductCount"/>): a pure function of the normalised text, so it may run on any thread
    /// (it only reads the router's tables).
    /// </summary>
    public void ScoreRules(TokenizedText text, Span<float> scores)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfNotEqual(scores.Length, _scores.Length);
        scores.Clear();
        var tokens = text.Tokens;
        Span<int> stems = tokens.Length <= 256 ? stackalloc int[tokens.Length] : new int[tokens.Length];
        for (var i = 0; i < tokens.Length; i++)
        {
            stems[i] = FeatureHasher.WordIndex(text.Stem(tokens[i]));
            if (tokens[i].IsStopWord)
            {
                continue;
            }

            if (HasBit(_wordFilter, stems[i] & (FilterBits - 1)) && _keywords.TryGetValue(stems[i], out var products))
            {
                foreach (var p in products)
                {
                    scores[p] += KeywordWeight;
                }
            }
            else if (tokens[i].StemLength >= 5)
            {
                var fuzzy = FirstFuzzyMatch(text.Stem(tokens[i]));
                if (fuzzy >= 0)
                {
                    scores[_fuzzy[fuzzy].Product] += FuzzyWeight;
                }
            }
        }

        if (_phrases.Count == 0)
        {
            return;
        }

        // Phrases: mark the ones that occur (looked up by the token they start with), then add their weights in list order,
        // the order the scores were always summed in.
        Span<bool> found = _phrases.Count <= 512 ? stackalloc bool[_phrases.Count] : new bool[_phrases.Count];
        found.Clear();
        var any = false;
        for (var i = 0; i + 1 < stems.Length; i++)
        {
            if (!HasBit(_wordFilter, stems[i] & (FilterBits - 1)) || !_phraseStarts.TryGetValue(stems[i], out var ids))
            {
                continue;
            }

            foreach (var id in ids)
            {
                var words = _phrases[id].Words;
                if (!found[id] && i + words.Length <= stems.Length && stems.Slice(i, words.Length).SequenceEqual(words))
                {
                    found[id] = any = true;
                }
            }
        }

        if (!any)
        {
            return;
        }

        for (var id = 0; id < found.Length; id++)
        {
            if (found[id])
            {
                scores[_phrases[id].Product] += PhraseWeight;
            }
        }
    }

    /// <summary>
    /// The first one-typo keyword (in catalog order) within one edit of <paramref name="stem"/>, or -1: the keywords that
    /// share a deletion-neighbourhood key with the stem, each checked with <see cref="WithinOneEdit"/>.
    /// </summary>
    private int FirstFuzzyMatch(ReadOnlySpan<char> stem)
    {
        if (stem.Length < _fuzzyMinLength - 1 || stem.Length > _fuzzyMaxLength + 1)
        {
            return -1;
        }

        var best = int.MaxValue;
        for (var skip = -1; skip < stem.Length; skip++)
        {
            // A key whose bit is clear is no keyword's key: no dictionary lookup (the usual case).
            var key = NeighbourKey(stem, skip);
            if (!HasBit(_fuzzyFilter, FilterBit(key)) || !_fuzzyNeighbours.TryGetValue(key, out var ids))
            {
                continue;
            }

            foreach (var id in ids)
            {
                if (id >= best)
                {
                    break;
                }

                var keyword = _fuzzy[id].Stem;
                if (Math.Abs(keyword.Length - stem.Length) <= 1 && WithinOneEdit(stem, keyword))
                {
                    best = id;
                    break;
                }
            }
        }

        return best == int.MaxValue ? -1 : best;
    }

    private const int FilterBits = 1 << 16;

    private static int FilterBit(ulong key) => (int)((key ^ (key >> 29)) & (FilterBits - 1));

    private static void SetBit(ulong[] filter, int bit) => filter[bit >> 6] |= 1UL << bit;

    private static bool HasBit(ulong[] filter, int bit) => (filter[bit >> 6] & (1UL << bit)) != 0;

    /// <summary>A 64-bit hash of <paramref name="s"/> without the character at <paramref name="skip"/> (-1: none), with its length.</summary>
    private static ulong NeighbourKey(ReadOnlySpan<char> s, int skip)
    {
        var h = 14695981039346656037UL;
        for (var i = 0; i < s.Length; i++)
        {
            if (i != skip)
            {
                h = unchecked((h ^ s[i]) * 1099511628211UL);
            }
        }

        return unchecked((h ^ (ulong)(skip < 0 ? s.Length : s.Length - 1)) * 1099511628211UL);
    }

    private ProductRoute AddSimilarityAndPick(FeatureVector vector)
    {
        var indices = vector.Indices;
        var values = vector.Values;
        var scores = _scores;
        for (var i = 0; i < indices.Length; i++)
        {
            // Most of a post's features are in no product's vocabulary: one probe of a small table says so.
            foreach (var (p, w) in _profiles.Find(indices[i]))
            {
                scores[p] += SimilarityWeight * w * values[i];
            }
        }

        var best = -1;
        var bestScore = 0f;
        for (var p = 0; p < _scores.Length; p++)
        {
            if (_scores[p] > bestScore)
            {
                best = p;
                bestScore = _scores[p];
            }
        }

        return best >= 0 && bestScore >= MinScore
            ? new ProductRoute(_catalog.Products[best].Key, best, bestScore)
            : new ProductRoute(ProductCatalog.TriageKey, -1, bestScore);
    }

    /// <summary>Convenience for callers without scratch buffers (tests, tools).</summary>
    public ProductRoute Route(string text)
    {
        var tokens = new TokenizedText();
        var vector = new FeatureVector();
        TextNormalizer.Normalize(text, tokens);
        FeatureHasher.Extract(tokens, vector);
        vector.Normalize();
        return Route(tokens, vector);
    }

    /// <summary>Damerau–Levenshtein distance ≤ 1 (one insertion, deletion, substitution or adjacent swap).</summary>
    internal static bool WithinOneEdit(ReadOnlySpan<char> a, ReadOnlySpan<char> b)
    {
        if (a.Length > b.Length)
        {
            var t = a;
            a = b;
            b = t;
        }

        if (b.Length - a.Length > 1)
        {
            return false;
        }

        var i = 0;
        while (i < a.Length && a[i] == b[i])
        {
            i++;
        }

        if (i == a.Length)
        {
            return true; // equal, or b has one extra char at the end
        }

        if (a.Length == b.Length)
        {
            return a[(i + 1)..].SequenceEqual(b[(i + 1)..])
                || (i + 1 < a.Length && a[i] == b[i + 1] && a[i + 1] == b[i] && a[(i + 2)..].SequenceEqual(b[(i + 2)..]));
        }

        return a[i..].SequenceEqual(b[(i + 1)..]);
    }

    /// <summary>
    /// The products' vocabulary profiles (feature → (product, weight) entries, in the order they were built), for the
    /// per-post similarity: an open-addressing table of the few thousand profile features (linear probing, at most a
    /// quarter full, keys are well-mixed feature hashes) over one flat entry array. The engine looks up every feature of
    /// every post here and almost all miss, which a dictionary answered with a bucket, an entry and a comparer call.
    /// </summary>
    private sealed class ProfileTable
    {
        private readonly int[] _keys;
        private readonly int[] _start;
        private readonly int[] _count;
        private readonly (int Product, float Weight)[] _entries;
        private readonly int _mask;

        public ProfileTable(Dictionary<int, List<(int Product, float Weight)>> profiles)
        {
            var size = 64;
            while (size < profiles.Count * 4)
            {
                size <<= 1;
            }

            _mask = size - 1;
            _keys = new int[size];
            Array.Fill(_keys, -1);
            _start = new int[size];
            _count = new int[size];
            var entries = new List<(int Product, float Weight)>();
            foreach (var (feature, list) in profiles)
            {
                var i = feature & _mask;
                while (_keys[i] >= 0)
                {
                    i = (i + 1) & _mask;
                }

                _keys[i] = feature;
                _start[i] = entries.Count;
                _count[i] = list.Count;
                entries.AddRange(list);
            }

            _entries = [.. entries];
        }

        /// <summary>The entries of <paramref name="feature"/> (≥ 0) in insertion order; empty when it is in no profile.</summary>
        public ReadOnlySpan<(int Product, float Weight)> Find(int feature)
        {
            var keys = _keys;
            var i = feature & _mask;
            while (true)
            {
                var key = keys[i];
                if (key == feature)
                {
                    return _entries.AsSpan(_start[i], _count[i]);
                }

                if (key < 0)
                {
                    return [];
                }

                i = (i + 1) & _mask;
            }
        }
    }
}
