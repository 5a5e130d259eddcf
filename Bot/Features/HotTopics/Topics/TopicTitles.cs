using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>
/// Readable titles from a topic's top terms: the words of its example posts ranked by their weight in the centroid,
/// shown in their folded surface form ("parcel · delivered · tracking"). Computed on demand, never per post.
/// </summary>
/// <remarks>
/// A word's score is its centroid weight plus 0.001 for each further occurrence in the examples (a tie-break towards
/// repeated words); ties go to the word seen first. The example posts' words (stem index, surface form, repeats, in
/// first-seen order) are kept per topic of 2+ posts (<see cref="TitleTerms"/>) and extended when an example is added, so a title
/// costs one centroid lookup per word instead of normalising every example text each time (titles are built for every
/// changed topic of every batch). The result is the same string as ranking the words afresh.
/// </remarks>
internal static class TopicTitles
{
    public const int Terms = 4;
    private const float RepeatBonus = 1e-3f;
    private const string Separator = " · ";

    // Scratch reused per thread (titles are built on the engine thread and by diagnostics).
    [ThreadStatic]
    private static TokenizedText? t_tokens;

    [ThreadStatic]
    private static TitleTerms? t_scratch;

    public static string Build(Topic topic)
    {
        var exemplars = topic.Exemplars;
        if (exemplars.Count == 0)
        {
            return topic.Id.ToString();
        }

        var terms = topic.TitleTerms;
        if (terms is null || !terms.Covers(exemplars))
        {
            // Kept only for topics of 2+ posts (titled again in every batch they change in); a one-post topic is titled
            // about twice (its first batch, its retirement), which does not pay for the memory of holding its words.
            terms = topic.Size >= 2 ? topic.TitleTerms = new TitleTerms() : t_scratch ??= new TitleTerms();
            terms.Clear();
        }

        if (terms.CoveredCount < exemplars.Count)
        {
            var tokens = t_tokens ??= new TokenizedText();
            for (var e = terms.CoveredCount; e < exemplars.Count; e++)
            {
                terms.AddExample(exemplars[e], tokens);
            }
        }

        // The best Terms words by (score desc, first seen asc): entries are visited in first-seen order, so a later word
        // only displaces one with a strictly lower score.
        Span<int> top = stackalloc int[Terms];
        Span<float> topScore = stackalloc float[Terms];
        var n = 0;
        var centroid = topic.Centroid;
        for (var i = 0; i < terms.Count; i++)
        {
            var score = centroid is not null && centroid.TryGetValue(terms.IndexAt(i), out var w) ? w : 0f;
            for (var r = terms.RepeatsAt(i); r > 0; r--)
            {
                score += RepeatBonus;
            }

            var at = n;
            while (at > 0 && score.CompareTo(topScore[at - 1]) > 0)
            {
                at--;
            }

            if (at >= Terms)
            {
                continue;
            }

            var last = Math.Min(n, Terms - 1);
            for (var k = last; k > at; k--)
            {
                top[k] = top[k - 1];
                topScore[k] = topScore[k - 1];
            }

            top[at] = i;
            topScore[at] = score;
            n = Math.Min(n + 1, Terms);
        }

        if (n == 0)
        {
            return topic.Id.ToString();
        }

        var a = terms.SurfaceAt(top[0]);
        return n switch
        {
            1 => a,
            2 => string.Concat(a, Separator, terms.SurfaceAt(top[1])),
            3 => string.Concat([a, Separator, terms.SurfaceAt(top[1]), Separator, terms.SurfaceAt(top[2])]),
            _ => string.Concat([a, Separator, terms.SurfaceAt(top[1]), Separator, terms.SurfaceAt(top[2]), Separator, terms.SurfaceAt(top[3])]),
        };
    }
}

/// <summary>
/// The title candidates of a topic's example posts (<see cref="TopicTitles"/>): each distinct word (stem index, not a
/// stop word, 3+ letters) with its first surface form and how often it occurred again, in first-seen order, and which
/// example texts they were taken from (by reference), so a changed example list is noticed and read afresh.
/// </summary>
internal sealed class TitleTerms
{
    private string[] _covered = [];
    private int[] _index = [];
    private int[] _repeats = [];
    private string[] _surface = [];

    public int CoveredCount { get; private set; }

    public int Count { get; private set; }

    public int IndexAt(int i) => _index[i];

    public int RepeatsAt(int i) => _repeats[i];

    public string SurfaceAt(int i) => _surface[i];

    /// <summary>Forgets every word and text read (keeps the storage).</summary>
    public void Clear()
    {
        Array.Clear(_covered);
        Array.Clear(_surface);
        CoveredCount = 0;
        Count = 0;
    }

    /// <summary>Whether the texts read so far are still the first entries of <paramref name="exemplars"/>.</summary>
    public bool Covers(List<string> exemplars)
    {
        if (CoveredCount > exemplars.Count)
        {
            return false;
        }

        for (var i = 0; i < CoveredCount; i++)
        {
            if (!ReferenceEquals(_covered[i], exemplars[i]))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>Reads one more example text (the next one of the topic's list).</summary>
    public void AddExample(string text, TokenizedText tokens)
    {
        if (CoveredCount == _covered.Length)
        {
            Array.Resize(ref _covered, Math.Max(2, _covered.Length * 2));
        }

        _covered[CoveredCount++] = text;
        TextNormalizer.Normalize(text, tokens);
        foreach (var token in tokens.Tokens)
        {
            if (token.IsStopWord || token.Length < 3)
            {
                continue;
            }

            var index = FeatureHasher.WordIndex(tokens.Stem(token));
            var known = _index.AsSpan(0, Count).IndexOf(index);
            if (known >= 0)
            {
                _repeats[known]++;
                continue;
            }

            if (Count == _index.Length)
            {
                var size = Math.Max(8, Count * 2);
                Array.Resize(ref _index, size);
                Array.Resize(ref _repeats, size);
                Array.Resize(ref _surface, size);
            }

            _index[Count] = index;
            _repeats[Count] = 0;
            _surface[Count] = tokens.Surface(token).ToString();
            Count++;
        }
    }
}
