using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Features.HotTopics.Text;

/// <summary>
/// The raw (not yet IDF-weighted) feature vectors, routing rule scores and abuse flags of a run of posts, computed ahead of the engine
/// on another thread: <see cref="TextNormalizer.Normalize"/> and <see cref="FeatureHasher.Extract"/> depend only on the
/// post's text, so they can run in parallel with the engine, whose order-dependent steps (document frequencies,
/// routing, clustering, spikes) stay sequential. The text-only parts of routing (<see cref="ProductRouter.ScoreRules"/>)
/// and the abuse flag are computed here too. <see cref="Load"/> copies one post's vector back into the engine's scratch,
/// so the engine sees exactly what it would have computed itself. Reused across batches (nothing allocated once grown).
/// </summary>
internal sealed class FeatureChunk
{
    private int[] _indices = new int[8 * 1024];
    private float[] _values = new float[8 * 1024];
    private int[] _words = new int[2048];
    private Entry[] _entries = new Entry[128];
    private float[] _ruleScores = new float[128 * 8];
    private bool[] _abusive = new bool[128];
    private readonly OnePostTitles _titles = new();
    private int _products = -1;
    private int _featureCount;
    private int _wordCount;

    public int Count { get; private set; }

    /// <summary>The posts' title candidates (<see cref="OnePostTitles"/>), entry per post as added.</summary>
    public OnePostTitles Titles => _titles;

    public void Clear()
    {
        Count = 0;
        _titles.Clear();
        _featureCount = _wordCount = 0;
    }

    /// <summary>
    /// Normalises and featurises <paramref name="text"/> with the given scratch, scores it against
    /// <paramref name="router"/>'s rules (any router of the same catalog; only read) and flags abuse, and appends the result.
    /// </summary>
    public void Add(ReadOnlySpan<char> text, TokenizedText tokens, FeatureVector vector, ProductRouter router)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentNullException.ThrowIfNull(router);
        if (Count == 0)
        {
            _products = router.ProductCount;
        }

        ArgumentOutOfRangeException.ThrowIfNotEqual(router.ProductCount, _products);
        TextNormalizer.Normalize(text, tokens);
        FeatureHasher.Extract(tokens, vector);
        _titles.Add(tokens, keep: text.Length <= Topic.MaxExemplarLength);
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
            Array.Resize(ref _abusive, Count * 2);
        }

        if ((Count + 1) * _products > _ruleScores.Length)
        {
            Array.Resize(ref _ruleScores, Math.Max(_ruleScores.Length * 2, (Count + 1) * _products));
        }

        router.ScoreRules(tokens, _ruleScores.AsSpan(Count * _products, _products));
        _abusive[Count] = AbuseLexicon.IsAbusive(tokens);
        var e = new Entry(_featureCount, vector.Count, _wordCount, vector.Words.Count);
        Append(ref _indices, ref _featureCount, vector.Indices);
        var valueCount = e.FeatureStart;
        Append(ref _values, ref valueCount, vector.Values);
        Append(ref _words, ref _wordCount, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(vector.Words));
        _entries[Count++] = e;
    }

    /// <summary>The rule scores of post <paramref name="index"/> (<see cref="ProductRouter.ScoreRules"/>).</summary>
    public ReadOnlySpan<float> RuleScores(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _ruleScores.AsSpan(index * _products, _products);
    }

    /// <summary>The abuse flag of post <paramref name="index"/> (<see cref="AbuseLexicon.IsAbusive(TokenizedText)"/>).</summary>
    public bool IsAbusive(int index)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return _abusive[index];
    }

    /// <summary>Copies post <paramref name="index"/>'s raw vector into <paramref name="vector"/>, as Extract would have left it.</summary>
    public void Load(int index, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var e = _entries[index];
        vector.Load(
            _indices.AsSpan(e.FeatureStart, e.FeatureCount),
            _values.AsSpan(e.FeatureStart, e.FeatureCount),
            _words.AsSpan(e.WordStart, e.WordCount));
    }

    private static void Append<T>(ref T[] array, ref int count, ReadOnlySpan<T> items)
    {
        if (count + items.Length > array.Length)
        {
            Array.Resize(ref array, Math.Max(array.Length * 2, count + items.Length));
        }

        items.CopyTo(array.AsSpan(count));
        count += items.Length;
    }

    private readonly record struct Entry(int FeatureStart, int FeatureCount, int WordStart, int WordCount);
}
