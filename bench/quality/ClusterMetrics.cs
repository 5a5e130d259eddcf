namespace CrisisBot.Bench.Quality;

/// <summary>Purity, NMI (arithmetic normalisation, as scikit-learn's default) and the adjusted Rand index.</summary>
internal static class ClusterMetrics
{
    public static (double Purity, double Nmi, double Ari) Score(IReadOnlyList<int> truth, IReadOnlyList<int> predicted)
    {
        var n = truth.Count;
        var table = new Dictionary<(int, int), long>();
        var rows = new Dictionary<int, long>();
        var cols = new Dictionary<int, long>();
        for (var i = 0; i < n; i++)
        {
            var key = (truth[i], predicted[i]);
            table[key] = table.GetValueOrDefault(key) + 1;
            rows[truth[i]] = rows.GetValueOrDefault(truth[i]) + 1;
            cols[predicted[i]] = cols.GetValueOrDefault(predicted[i]) + 1;
        }

        // Purity: each predicted cluster counts its largest true class.
        var best = new Dictionary<int, long>();
        foreach (var ((_, p), c) in table)
        {
            best[p] = Math.Max(best.GetValueOrDefault(p), c);
        }

        var purity = best.Values.Sum() / (double)n;

        double mi = 0;
        foreach (var ((t, p), c) in table)
        {
            mi += c / (double)n * Math.Log(c * (double)n / (rows[t] * (double)cols[p]));
        }

        static double Entropy(Dictionary<int, long> counts, int n) =>
            -counts.Values.Sum(c => c / (double)n * Math.Log(c / (double)n));

        var hT = Entropy(rows, n);
        var hP = Entropy(cols, n);
        var nmi = hT + hP == 0 ? 1 : 2 * mi / (hT + hP);

        static double C2(long x) => x * (x - 1) / 2.0;
        var index = table.Values.Sum(C2);
        var sumRows = rows.Values.Sum(C2);
        var sumCols = cols.Values.Sum(C2);
        var expected = sumRows * sumCols / C2(n);
        var max = (sumRows + sumCols) / 2;
        var ari = max - expected == 0 ? 1 : (index - expected) / (max - expected);
        return (purity, nmi, ari);
    }
}
