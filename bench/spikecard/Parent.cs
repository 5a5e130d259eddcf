using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrisisBot.Bench.SpikeCard;

/// <summary>What one child process measured (one JSON line).</summary>
internal sealed record ChildResult(
    bool WarmUp,
    double? WarmUpMs,
    double? WarmUpCpuMs,
    long? WarmUpJitMethods,
    double? ColdMs,
    long ColdJitMethods,
    double ColdJitMs,
    List<double> SteadyMs,
    int Missed,
    double Seconds);

/// <summary>
/// Runs fresh child processes alternating the warm-up off and on (same minutes, so the load is shared alike) and prints
/// the first (cold) card of each process apart from the steady-state cards.
/// </summary>
internal static class Parent
{
    public static async Task<int> RunAsync(string[] args)
    {
        var inv = CultureInfo.InvariantCulture;
        var smoke = args.Contains("--smoke");
        string? Arg(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
        var runs = int.Parse(Arg("--runs") ?? (smoke ? "1" : "3"), inv);
        var spikes = int.Parse(Arg("--spikes") ?? (smoke ? "3" : "40"), inv);
        var self = typeof(Parent).Assembly.Location;
        var loadBefore = LoadAverage();
        var results = new List<ChildResult>();
        var total = Stopwatch.StartNew();
        // Smoke (inside bench/run.sh --smoke, which must stay short): the default variant only.
        bool[] variants = smoke ? [true] : [false, true];
        for (var run = 0; run < runs; run++)
        {
            foreach (var warm in variants)
            {
                var result = await ChildAsync(self, spikes, warm);
                if (result is null)
                {
                    Console.Error.WriteLine($"run {run + 1} (warm-up {(warm ? "on" : "off")}): the child printed no result");
                    return 2;
                }

                results.Add(result);
            }
        }

        total.Stop();
        var loadAfter = LoadAverage();
        var sb = new StringBuilder();
        sb.AppendLine("### Spike-to-card latency");
        sb.AppendLine();
        sb.AppendLine(inv, $"{runs} run(s) per variant, alternating, each a fresh process (SQLite, real pipeline + publisher + flusher + outbox worker → fake Connector on loopback), {spikes} spikes per run (one new topic each, posts ingested one call at a time); {total.Elapsed.TotalSeconds:F0} s in all; load average before {loadBefore}, after {loadAfter}.");
        sb.AppendLine("The first card of a process (cold: it pays the JIT and query compilation of the card path) is shown apart from the later ones (steady); p99 over all cards includes it.");
        sb.AppendLine();
        sb.AppendLine("| Variant | First card (cold), median (min–max) | Methods JIT-compiled during it | Steady p50 | p90 | p99 | max | All cards p99 | Missed |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        var met = true;
        foreach (var warm in variants)
        {
            var mine = results.Where(r => r.WarmUp == warm).ToList();
            var cold = mine.Where(r => r.ColdMs is not null).Select(r => r.ColdMs!.Value).ToList();
            var steady = mine.SelectMany(r => r.SteadyMs).ToList();
            var all = steady.Concat(cold).ToList();
            var missed = mine.Sum(r => r.Missed);
            var name = warm ? "warm-up on (default)" : "warm-up off (before this change)";
            sb.AppendLine(inv, $"| {name} | {Median(cold):F0} ms ({Min(cold):F0}–{Max(cold):F0}) | {Median(mine.Select(r => (double)r.ColdJitMethods).ToList()):F0} ({Median(mine.Select(r => r.ColdJitMs).ToList()):F0} ms of JIT) | {Pct(steady, 0.5):F0} ms | {Pct(steady, 0.9):F0} ms | {Pct(steady, 0.99):F0} ms | {Max(steady):F0} ms | **{Pct(all, 0.99):F0} ms** | {missed} |");
            if (warm)
            {
                met = missed == 0 && Pct(all, 0.99) <= 2000;
            }
        }

        var warmups = results.Where(r => r.WarmUpMs is not null).ToList();
        if (warmups.Count > 0)
        {
            sb.AppendLine();
            sb.AppendLine(inv, $"Warm-up cost (in the background after start, before any spike): {Median(warmups.Select(r => r.WarmUpMs!.Value).ToList()):F0} ms wall, {Median(warmups.Select(r => r.WarmUpCpuMs!.Value).ToList()):F0} ms CPU of the process, {Median(warmups.Select(r => (double)r.WarmUpJitMethods!.Value).ToList()):F0} methods compiled (medians).");
        }

        sb.AppendLine();
        sb.AppendLine("Per run (first card / steady p50 / steady max, ms): " + string.Join("; ", results.Select((r, i) => string.Create(inv,
            $"{(r.WarmUp ? "on" : "off")} {r.ColdMs:F0}/{Pct(r.SteadyMs, 0.5):F0}/{Max(r.SteadyMs):F0}"))));
        sb.AppendLine();
        sb.AppendLine(inv, $"Target p99 ≤ 2 s over all cards with the default (warm-up on): **{(met ? "met" : "not met")}**.");
        Console.WriteLine(sb.ToString());
        return met ? 0 : 1;
    }

    private static async Task<ChildResult?> ChildAsync(string self, int spikes, bool warm)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = false,
            UseShellExecute = false,
        };
        foreach (var a in new[] { self, "--child", "--spikes", spikes.ToString(CultureInfo.InvariantCulture), "--warmup", warm ? "on" : "off" })
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        var output = await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        var line = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault(l => l.StartsWith('{'));
        return line is null ? null : JsonSerializer.Deserialize<ChildResult>(line);
    }

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static double Median(List<double> values) => Pct(values, 0.5);

    private static double Min(List<double> values) => values.Count == 0 ? double.NaN : values.Min();

    private static double Max(List<double> values) => values.Count == 0 ? double.NaN : values.Max();

    private static double Pct(List<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToList();
        return sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
    }
}
