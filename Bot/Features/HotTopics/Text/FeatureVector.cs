namespace CrisisBot.Features.HotTopics.Text;

/// <summary>
/// A sparse, L2-normalised feature vector over the hashed feature space: sorted distinct indices and weights.
/// Used as reusable scratch (one per worker), so building a post's vector allocates nothing once grown.
/// </summary>
public sealed class FeatureVector
{
    private int[] _indices = new int[256];
    private float[] _values = new float[256];

    public int Count { get; private set; }

    public ReadOnlySpan<int> Indices => _indices.AsSpan(0, Count);

    public ReadOnlySpan<float> Values => _values.AsSpan(0, Count);

    /// <summary>Hashes of the word unigrams (not stop words) of the post, in order; used for candidate lookup and routing.</summary>
    internal List<int> Words { get; } = new(32);

    internal Span<float> MutableValues => _values.AsSpan(0, Count);

    internal void Clear()
    {
        Count = 0;
        Words.Clear();
    }

    /// <summary>Restores a vector saved by <see cref="FeatureChunk"/> (sorted, merged, not yet weighted).</summary>
    internal void Load(ReadOnlySpan<int> indices, ReadOnlySpan<float> values, ReadOnlySpan<int> words)
    {
        if (_indices.Length < indices.Length)
        {
            _indices = new int[Math.Max(indices.Length, _indices.Length * 2)];
            _values = new float[_indices.Length];
        }

        indices.CopyTo(_indices);
        values.CopyTo(_values);
        Count = indices.Length;
        Words.Clear();
        foreach (var w in words)
        {
            Words.Add(w);
        }
    }

    internal void Add(int index, float weight)
    {
        if (Count == _indices.Length)
        {
            Array.Resize(ref _indices, Count * 2);
            Array.Resize(ref _values, Count * 2);
        }

        _indices[Count] = index;
        _values[Count] = weight;
        Count++;
    }

    /// <summary>Sorts by index and sums duplicates (term frequency).</summary>
    /// <remarks>
    /// The result is defined as <c>Array.Sort(indices, values)</c> followed by summing each run of equal indices in the
    /// order the sort left it (that unstable order decides the last bit of a sum of different weights). A stable
    /// bucket + insertion sort gives the same indices; a run whose weights are all equal sums to the same bits in any order,
    /// so only a post with a run of <em>different</em> weights (a hash collision between feature kinds: rare) takes the
    /// <c>Array.Sort</c> path itself. The fast path runs compiled Bot code; <c>Array.Sort&lt;int, float&gt;</c> runs
    /// unoptimised code for the first seconds of a fresh process (a generic instantiation no precompiled image holds).
    /// </remarks>
    internal void SortAndMerge()
    {
        if (Count <= 1)
        {
            return;
        }

        if (!TrySortAndMergeEqualRuns())
        {
            SortAndMergeWithArraySort();
        }
    }

    /// <summary>The reference definition (and the fallback): <c>Array.Sort</c>, then sum each run in the sorted order.</summary>
    internal void SortAndMergeWithArraySort()
    {
        if (Count <= 1)
        {
            return;
        }

        Array.Sort(_indices, _values, 0, Count);
        Count = MergeRuns(_indices.AsSpan(0, Count), _values.AsSpan(0, Count), _indices, _values);
    }

    /// <summary>
    /// Copies entries sorted by index into <paramref name="indices"/>/<paramref name="values"/>, summing each run of equal
    /// indices in its sorted order; returns the count. The target may be the source itself (it is written at or before
    /// the entry being read).
    /// </summary>
    private static int MergeRuns(ReadOnlySpan<int> sortedIndices, ReadOnlySpan<float> sortedValues, Span<int> indices, Span<float> values)
    {
        indices[0] = sortedIndices[0];
        values[0] = sortedValues[0];
        var w = 0;
        for (var r = 1; r < sortedIndices.Length; r++)
        {
            if (sortedIndices[r] == indices[w])
            {
                values[w] += sortedValues[r];
            }
            else
            {
                w++;
                indices[w] = sortedIndices[r];
                values[w] = sortedValues[r];
            }
        }

        return w + 1;
    }

    private const int BucketBits = 6;
    private int[] _sortedIndices = new int[256];
    private float[] _sortedValues = new float[256];

    /// <summary>
    /// Stable sort by index (counting sort on the top <see cref="BucketBits"/> bits, then insertion sort, which finds the
    /// buckets almost sorted) into scratch, then merges runs. False, with the vector untouched, when a run has different
    /// weights or an index is outside the feature space.
    /// </summary>
    private bool TrySortAndMergeEqualRuns()
    {
        var n = Count;
        if (_sortedIndices.Length < n)
        {
            _sortedIndices = new int[_indices.Length];
            _sortedValues = new float[_indices.Length];
        }

        var indices = _indices.AsSpan(0, n);
        var values = _values.AsSpan(0, n);
        var sortedIndices = _sortedIndices.AsSpan(0, n);
        var sortedValues = _sortedValues.AsSpan(0, n);
        const int Shift = FeatureHasher.Bits - BucketBits;
        Span<int> starts = stackalloc int[(1 << BucketBits) + 1];
        starts.Clear();
        foreach (var index in indices)
        {
            if ((uint)index >= FeatureHasher.Dimensions)
            {
                return false;
            }

            starts[(index >> Shift) + 1]++;
        }

        for (var b = 1; b < starts.Length; b++)
        {
            starts[b] += starts[b - 1];
        }

        for (var i = 0; i < n; i++)
        {
            var at = starts[indices[i] >> Shift]++;
            sortedIndices[at] = indices[i];
            sortedValues[at] = values[i];
        }

        // Insertion sort, stable (equal indices keep their order): entries only move within their bucket.
        for (var i = 1; i < n; i++)
        {
            var key = sortedIndices[i];
            if (sortedIndices[i - 1] <= key)
            {
                continue;
            }

            var value = sortedValues[i];
            var j = i - 1;
            while (j >= 0 && sortedIndices[j] > key)
            {
                sortedIndices[j + 1] = sortedIndices[j];
                sortedValues[j + 1] = sortedValues[j];
                j--;
            }

            sortedIndices[j + 1] = key;
            sortedValues[j + 1] = value;
        }

        // Merge runs into the vector; a run of different weights (by bits) means the order of its sum matters.
        var first = sortedValues[0];
        for (var r = 1; r < n; r++)
        {
            if (sortedIndices[r] == sortedIndices[r - 1])
            {
                if (BitConverter.SingleToInt32Bits(sortedValues[r]) != BitConverter.SingleToInt32Bits(first))
                {
                    return false;
                }
            }
            else
            {
                first = sortedValues[r];
            }
        }

        Count = MergeRuns(sortedIndices, sortedValues, indices, values);
        return true;
    }

    internal void Normalize()
    {
        double sum = 0;
        var values = MutableValues;
        foreach (var v in values)
        {
            sum += v * v;
        }

        if (sum <= 0)
        {
            Count = 0;
            return;
        }

        var inv = (float)(1 / Math.Sqrt(sum));
        for (var i = 0; i < values.Length; i++)
        {
            values[i] *= inv;
        }
    }

    public float Dot(FeatureVector other)
    {
        ArgumentNullException.ThrowIfNull(other);
        float sum = 0;
        int i = 0, j = 0;
        var a = Indices;
        var b = other.Indices;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] == b[j])
            {
                sum += _values[i++] * other._values[j++];
            }
            else if (a[i] < b[j])
            {
                i++;
            }
            else
            {
                j++;
            }
        }

        return sum;
    }
}
