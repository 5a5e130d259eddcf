using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>
/// Readable titles from a topic's top terms: the words of its example posts ranked by their weight in the centroid,
/// shown in their folded surface form ("parcel · delivered · tracking"). Computed on demand, never per post, except
/// once for a topic created from a post (<see cref="BuildOnePost"/>, from the words the post's features were read from).
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
        ArgumentNullException.ThrowIfNull(topic);
        var exemplars = topic.Exemplars;
        if (topic.OnePostTitle is { } early)
        {
            // Titled when the topic was created from its one post (OnePostTitles, from that post's words as the reader
            // normalised them): while it is still that one post with its centroid, this is the title computed below.
            if (topic.Size == 1 && topic.Centroid is not null && exemplars.Count == 1 && ReferenceEquals(exemplars[0], topic.OnePostText))
            {
                return early;
            }

            topic.ForgetOnePostTitle();
        }

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

        Span<int> top = stackalloc int[Terms];
        var n = Rank(terms.Indices, terms.Repeats, topic.Centroid, top);
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

    /// <summary>
    /// The title of a topic whose one post's candidate words are <paramref name="words"/>' entry <paramref name="post"/>
    /// (its text is the topic's only example) ranked by <paramref name="centroid"/>: what <see cref="Build"/> gives for
    /// that topic, without normalising the text again. Null when the words were not kept (<see cref="OnePostTitles"/>).
    /// </summary>
    internal static string? BuildOnePost(OnePostTitles words, int post, CentroidMap centroid, TopicId id)
    {
        ArgumentNullException.ThrowIfNull(words);
        if (!words.Has(post))
        {
            return null;
        }

        Span<int> top = stackalloc int[Terms];
        var n = Rank(words.Indices(post), words.Repeats(post), centroid, top);
        if (n == 0)
        {
            return id.ToString();
        }

        var length = (n - 1) * Separator.Length;
        for (var k = 0; k < n; k++)
        {
            length += words.Surface(post, top[k]).Length;
        }

        var chars = length <= 256 ? stackalloc char[length] : new char[length];
        var at = 0;
        for (var k = 0; k < n; k++)
        {
            if (k > 0)
            {
                Separator.CopyTo(chars[at..]);
                at += Separator.Length;
            }

            var surface = words.Surface(post, top[k]);
            surface.CopyTo(chars[at..]);
            at += surface.Length;
        }

        return new string(chars);
    }

    /// <summary>
    /// The best <see cref="Terms"/> candidates by (score desc, first seen asc), their positions into <paramref name="top"/>;
    /// returns how many. A candidate's score is its centroid weight plus <see cref="RepeatBonus"/> per repeat. Entries
    /// are visited in first-seen order, so a later word only displaces one with a strictly lower score.
    /// </summary>
    private static int Rank(ReadOnlySpan<int> indices, ReadOnlySpan<int> repeats, CentroidMap? centroid, Span<int> top)
    {
        Span<float> topScore = stackalloc float[Terms];
        var n = 0;
        for (var i = 0; i < indices.Length; i++)
        {
            var score = centroid is not null && centroid.TryGetValue(indices[i], out var w) ? w : 0f;
            for (var r = repeats[i]; r > 0; r--)
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

        return n;
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

    /// <summary>The words' stem indices, in first-seen order.</summary>
    public ReadOnlySpan<int> Indices => _index.AsSpan(0, Count);

    /// <summary>How often each word occurred again, in the same order.</summary>
    public ReadOnlySpan<int> Repeats => _repeats.AsSpan(0, Count);

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

    /// <summary>
    /// Whether <paramref name="token"/> can be a title word (not a stop word, 3+ letters), and its stem index: the one
    /// rule for both <see cref="AddExample"/> and <see cref="OnePostTitles.Add"/>, whose titles must be the same.
    /// </summary>
    internal static bool IsCandidate(TokenizedText tokens, in Token token, out int index)
    {
        if (token.IsStopWord || token.Length < 3)
        {
            index = -1;
            return false;
        }

        index = FeatureHasher.WordIndex(tokens.Stem(token));
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
            if (!IsCandidate(tokens, token, out var index))
            {
                continue;
            }

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

/// <summary>
/// The title candidates of a run of posts, read from the tokens their features were computed from (the reader's
/// <see cref="Text.FeatureChunk"/>, or the engine's own when it normalises a post itself): per post, each distinct word
/// (stem index, not a stop word, 3+ letters) with its first surface form and how often it occurred again, in first-seen
/// order, exactly what <see cref="TitleTerms.AddExample"/> reads from the same text. The engine titles a topic created
/// from one of these posts right away (<see cref="TopicTitles.BuildOnePost"/>), so a one-post topic (most topics: each
/// is titled in its first batch and when it retires) does not normalise its text a second time for its title. Posts
/// whose text is not the topic's example as it is (longer than <see cref="Topic.MaxExemplarLength"/>) are left out.
/// Reused across batches (nothing allocated once grown). Not thread-safe.
/// </summary>
internal sealed class OnePostTitles
{
    private int[] _index = new int[1024];
    private int[] _repeats = new int[1024];
    private int[] _surfaceStart = new int[1024];
    private int[] _surfaceLength = new int[1024];
    private char[] _chars = new char[8 * 1024];
    private (int Start, int Count)[] _posts = new (int, int)[128];
    private int _candidates;
    private int _charCount;

    /// <summary>Posts added since the last <see cref="Clear"/>.</summary>
    public int Count { get; private set; }

    public void Clear()
    {
        Count = 0;
        _candidates = 0;
        _charCount = 0;
    }

    /// <summary>
    /// Appends the next post: its candidates from <paramref name="tokens"/> (its text, normalised), or none when
    /// <paramref name="keep"/> is false.
    /// </summary>
    public void Add(TokenizedText tokens, bool keep)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        if (Count == _posts.Length)
        {
            Array.Resize(ref _posts, Count * 2);
        }

        if (!keep)
        {
            _posts[Count++] = (-1, 0);
            return;
        }

        var start = _candidates;
        foreach (var token in tokens.Tokens)
        {
            if (!TitleTerms.IsCandidate(tokens, token, out var index))
            {
                continue;
            }

            var known = _index.AsSpan(start, _candidates - start).IndexOf(index);
            if (known >= 0)
            {
                _repeats[start + known]++;
                continue;
            }

            if (_candidates == _index.Length)
            {
                var size = _candidates * 2;
                Array.Resize(ref _index, size);
                Array.Resize(ref _repeats, size);
                Array.Resize(ref _surfaceStart, size);
                Array.Resize(ref _surfaceLength, size);
            }

            var surface = tokens.Surface(token);
            if (_charCount + surface.Length > _chars.Length)
            {
                Array.Resize(ref _chars, Math.Max(_chars.Length * 2, _charCount + surface.Length));
            }

            surface.CopyTo(_chars.AsSpan(_charCount));
            _index[_candidates] = index;
            _repeats[_candidates] = 0;
            _surfaceStart[_candidates] = _charCount;
            _surfaceLength[_candidates] = surface.Length;
            _charCount += surface.Length;
            _candidates++;
        }

        _posts[Count++] = (start, _candidates - start);
    }

    /// <summary>Whether post <paramref name="post"/>'s candidates were kept.</summary>
    public bool Has(int post)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(post, Count);
        return _posts[post].Start >= 0;
    }

    /// <summary>Post <paramref name="post"/>'s candidates' stem indices, in first-seen order.</summary>
    public ReadOnlySpan<int> Indices(int post)
    {
        var (start, count) = Entry(post);
        return _index.AsSpan(start, count);
    }

    /// <summary>How often each of post <paramref name="post"/>'s candidates occurred again, in the same order.</summary>
    public ReadOnlySpan<int> Repeats(int post)
    {
        var (start, count) = Entry(post);
        return _repeats.AsSpan(start, count);
    }

    /// <summary>The first surface form of candidate <paramref name="i"/> of post <paramref name="post"/>.</summary>
    public ReadOnlySpan<char> Surface(int post, int i)
    {
        var (start, count) = Entry(post);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(i, count);
        return _chars.AsSpan(_surfaceStart[start + i], _surfaceLength[start + i]);
    }

    private (int Start, int Count) Entry(int post)
    {
        if (!Has(post))
        {
            throw new InvalidOperationException($"post {post}'s title candidates were not kept");
        }

        return _posts[post];
    }
}
