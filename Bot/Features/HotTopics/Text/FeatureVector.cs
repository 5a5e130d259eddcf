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

    /// <summary>Sorts by index and sums duplicates (term frequency), capping each at <paramref name="maxWeightFactor"/>× its unit.</summary>
    internal void SortAndMerge()
    {
        if (Count <= 1)
        {
            return;
        }

        Array.Sort(_indices, _values, 0, Count);
        var w = 0;
        for (var r = 1; r < Count; r++)
        {
            if (_indices[r] == _indices[w])
            {
                _values[w] += _values[r];
            }
            else
            {
                w++;
                _indices[w] = _indices[r];
                _values[w] = _values[r];
            }
        }

        Count = w + 1;
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
