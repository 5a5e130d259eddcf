namespace CrisisBot.Features.HotTopics.Spikes;

/// <summary>Upper tail of the Poisson distribution, P(X ≥ k | λ), computed in log space so tiny tails stay exact.</summary>
public static class PoissonTail
{
    private static readonly double[] LogFactorials = BuildLogFactorials(1024);

    public static double AtLeast(int k, double lambda)
    {
        if (k <= 0)
        {
            return 1;
        }

        if (lambda <= 0)
        {
            return 0;
        }

        if (k <= lambda)
        {
            return 1; // the body of the distribution: not a spike, exact value irrelevant
        }

        // P(X = k) · Σ_{j≥0} Π_{i=1..j} λ/(k+i); the ratios fall below 1 since k > λ.
        var logTerm = -lambda + (k * Math.Log(lambda)) - LogFactorial(k);
        double sum = 1, term = 1;
        for (var i = 1; i < 10_000; i++)
        {
            term *= lambda / (k + i);
            sum += term;
            if (term < sum * 1e-12)
            {
                break;
            }
        }

        return Math.Min(1, Math.Exp(logTerm + Math.Log(sum)));
    }

    /// <summary>
    /// P(X = k | λ) for k &gt; λ: a lower bound of <see cref="AtLeast"/> (the tail is this term times a sum ≥ 1) that
    /// costs one logarithm, so callers can skip the series when even the bound is too large to matter.
    /// </summary>
    public static double PointMass(int k, double lambda) =>
        k <= 0 || lambda <= 0 ? 0 : Math.Exp(-lambda + (k * Math.Log(lambda)) - LogFactorial(k));

    public static double LogFactorial(int n) =>
        n < LogFactorials.Length ? LogFactorials[n]
        : (n * Math.Log(n)) - n + (0.5 * Math.Log(2 * Math.PI * n)) + (1.0 / (12 * n)); // Stirling

    private static double[] BuildLogFactorials(int size)
    {
        var table = new double[size];
        for (var i = 2; i < size; i++)
        {
            table[i] = table[i - 1] + Math.Log(i);
        }

        return table;
    }
}
