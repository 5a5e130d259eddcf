namespace CrisisBot.Features.HotTopics.Text;

/// <summary>
/// Incremental document frequencies over the hashed feature space (a fixed 4 MB table), giving smoothed IDF
/// weights: idf(f) = ln((1 + N) / (1 + df(f))) + 1. Each post counts once per distinct feature.
/// </summary>
public sealed class DocumentFrequencies
{
    private readonly int[] _df = new int[FeatureHasher.Dimensions];

    // ln(1 + df) for small df, computed once: the same doubles Math.Log gives, without a logarithm per feature per post.
    private static readonly double[] LogOnePlus = BuildLogTable(1 << 16);

    public long Documents { get; private set; }

    public int this[int feature] => _df[feature];

    /// <summary>Counts the post's distinct features, then turns <paramref name="vector"/> into unit-length TF-IDF.</summary>
    public void AddAndWeight(FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(vector);
        if (vector.Count == 0)
        {
            return;
        }

        Documents++;
        var logN = Math.Log(1 + Documents);
        var indices = vector.Indices;
        var values = vector.MutableValues;
        for (var i = 0; i < indices.Length; i++)
        {
            var df = ++_df[indices[i]];
            var logDf = df < LogOnePlus.Length ? LogOnePlus[df] : Math.Log(1 + df);
            values[i] *= (float)(logN - logDf + 1);
        }

        vector.Normalize();
    }

    /// <summary>Weights without counting (for query-like uses: routing profiles, merge checks).</summary>
    public float Idf(int feature) => (float)(Math.Log((1.0 + Documents) / (1.0 + _df[feature])) + 1);

    private static double[] BuildLogTable(int size)
    {
        var table = new double[size];
        for (var i = 0; i < size; i++)
        {
            table[i] = Math.Log(1 + i);
        }

        return table;
    }
}
