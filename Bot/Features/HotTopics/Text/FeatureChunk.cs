namespace CrisisBot.Features.HotTopics.Text;

/// <summary>
/// The normalised tokens and raw (not yet IDF-weighted) feature vectors of a run of posts, computed ahead of the engine
/// on another thread: <see cref="TextNormalizer.Normalize"/> and <see cref="FeatureHasher.Extract"/> depend only on the
/// post's text, so they can run in parallel with the engine, whose order-dependent steps (document frequencies,
/// routing, clustering, spikes) stay sequential. <see cref="Load"/> copies one post back into the engine's scratch, so
/// the engine sees exactly what it would have computed itself. Reused across batches (nothing allocated once grown).
/// </summary>
internal sealed class FeatureChunk
{
    private char[] _chars = new char[16 * 1024];
    private Token[] _tokens = new Token[2048];
    private int[] _indices = new int[8 * 1024];
    private float[] _values = new float[8 * 1024];
    private int[] _words = new int[2048];
    private Entry[] _entries = new Entry[128];
    private int _charCount;
    private int _tokenCount;
    private int _featureCount;
    private int _wordCount;

    public int Count { get; private set; }

    public void Clear()
    {
        Count = 0;
        _charCount = _tokenCount = _featureCount = _wordCount = 0;
    }

    /// <summary>Normalises and featurises <paramref name="text"/> with the given scratch and appends the result.</summary>
    public void Add(ReadOnlySpan<char> text, TokenizedText tokens, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(vector);
        TextNormalizer.Normalize(text, tokens);
        FeatureHasher.Extract(tokens, vector);
        var t = tokens.Tokens;
        var charLength = t.Length == 0 ? 0 : t[^1].Start + t[^1].Length;
        var e = new Entry(_charCount, charLength, _tokenCount, t.Length, _featureCount, vector.Count, _wordCount, vector.Words.Count);
        Append(ref _chars, ref _charCount, tokens.Chars.AsSpan(0, charLength));
        Append(ref _tokens, ref _tokenCount, t);
        Append(ref _indices, ref _featureCount, vector.Indices);
        var valueCount = e.FeatureStart;
        Append(ref _values, ref valueCount, vector.Values);
        Append(ref _words, ref _wordCount, System.Runtime.InteropServices.CollectionsMarshal.AsSpan(vector.Words));
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, Count * 2);
        }

        _entries[Count++] = e;
    }

    /// <summary>Copies post <paramref name="index"/> into the scratch objects, as Normalize + Extract would have left them.</summary>
    public void Load(int index, TokenizedText tokens, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        ArgumentNullException.ThrowIfNull(vector);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        var e = _entries[index];
        tokens.Load(_chars.AsSpan(e.CharStart, e.CharLength), _tokens.AsSpan(e.TokenStart, e.TokenCount));
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

    private readonly record struct Entry(
        int CharStart, int CharLength, int TokenStart, int TokenCount, int FeatureStart, int FeatureCount, int WordStart, int WordCount);
}
