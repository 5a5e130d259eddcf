namespace CrisisBot.Bench.Quality;

/// <summary>
/// The naive baseline from issue 5 §8: online TF-IDF centroid clustering over lower-cased word unigrams (split on
/// non-letters, no stemming, no n-grams, no typo handling, no merging) with a single cosine threshold.
/// </summary>
internal sealed class NaiveCentroidClusterer(double threshold)
{
    private readonly Dictionary<string, int> _df = new(StringComparer.Ordinal);
    private readonly List<Dictionary<string, double>> _centroids = [];
    private readonly List<double> _norms = [];
    private readonly Dictionary<string, List<int>> _postings = new(StringComparer.Ordinal);
    private long _docs;

    public int Assign(string text)
    {
        var words = text.ToLowerInvariant()
            .Split(Separators, StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 1 && !w.StartsWith("http", StringComparison.Ordinal))
            .ToList();
        if (words.Count == 0)
        {
            return -1;
        }

        _docs++;
        var tf = words.GroupBy(w => w, StringComparer.Ordinal).ToDictionary(g => g.Key, g => (double)g.Count(), StringComparer.Ordinal);
        var vector = new Dictionary<string, double>(StringComparer.Ordinal);
        double norm = 0;
        foreach (var (w, f) in tf)
        {
            var df = _df[w] = _df.GetValueOrDefault(w) + 1;
            var weight = f * (Math.Log((1.0 + _docs) / (1 + df)) + 1);
            vector[w] = weight;
            norm += weight * weight;
        }

        norm = Math.Sqrt(norm);
        var candidates = new HashSet<int>();
        foreach (var w in vector.Keys)
        {
            if (_postings.TryGetValue(w, out var list))
            {
                candidates.UnionWith(list);
            }
        }

        var best = -1;
        var bestSim = 0.0;
        foreach (var c in candidates.Order())
        {
            var centroid = _centroids[c];
            var dot = vector.Sum(kv => kv.Value / norm * centroid.GetValueOrDefault(kv.Key));
            var sim = dot / Math.Sqrt(_norms[c]);
            if (sim > bestSim)
            {
                bestSim = sim;
                best = c;
            }
        }

        if (best < 0 || bestSim < threshold)
        {
            best = _centroids.Count;
            _centroids.Add(new Dictionary<string, double>(StringComparer.Ordinal));
            _norms.Add(0);
        }

        var target = _centroids[best];
        foreach (var (w, v) in vector)
        {
            var old = target.GetValueOrDefault(w);
            var add = v / norm;
            target[w] = old + add;
            _norms[best] += (2 * old * add) + (add * add);
            if (old == 0)
            {
                if (!_postings.TryGetValue(w, out var list))
                {
                    _postings[w] = list = [];
                }

                list.Add(best);
            }
        }

        return best;
    }

    private static readonly char[] Separators = " \t\n.,;:!?\"'()[]{}#@-/_*&%$+=<>|~`^".ToCharArray();
}
