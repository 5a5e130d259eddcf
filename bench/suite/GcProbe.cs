using System.Globalization;
using System.Text.Json;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Diagnostics.Tracing.Parsers.Clr;

namespace CrisisBot.Bench.Suite;

/// <summary>
/// Attaches to a running .NET process over its diagnostics port (EventPipe, the channel dotnet-trace/dotnet-counters use)
/// for <c>--seconds</c> and reports what the garbage collector and the thread pool did meanwhile: bytes allocated (the
/// runtime's own <c>alloc-rate</c> counter, summed), collections per generation, every stop-the-world pause (suspend →
/// restart, so p50/p99/max pause), the thread-pool queue length and thread count, and the top allocating types from the
/// runtime's allocation sampling (one <c>GCAllocationTick</c> per ~100 KB). With <c>--requests-from WRK_OUTPUT</c> (a wrk
/// run the window lies inside; waited for) it divides by the requests (its mean rate × the window): bytes and GC pause per request.
/// One JSON line to stdout (and <c>--out</c>), a readable summary to stderr.
/// </summary>
internal static class GcProbe
{
    public static async Task<int> RunAsync(Options options)
    {
        var pid = options.Int("--pid");
        var seconds = options.Int("--seconds", 10);
        var label = options.Optional("--label") ?? pid.ToString(CultureInfo.InvariantCulture);
        var requestsFile = options.Optional("--requests-from");
        var outFile = options.Optional("--out");

        var providers = new List<EventPipeProvider>
        {
            // GC keyword at Verbose: GCStart/GCEnd, SuspendEE/RestartEE, and GCAllocationTick (allocation sampling).
            new("Microsoft-Windows-DotNETRuntime", System.Diagnostics.Tracing.EventLevel.Verbose, (long)ClrTraceEventParser.Keywords.GC),
            new("System.Runtime", System.Diagnostics.Tracing.EventLevel.Informational, 0,
                new Dictionary<string, string> { ["EventCounterIntervalSec"] = "1" }),
        };

        var client = new DiagnosticsClient(pid);
        using var session = client.StartEventPipeSession(providers, requestRundown: false);
        var stats = new ProbeStats();
        var source = new EventPipeEventSource(session.EventStream);
        double? suspendStart = null;
        source.Clr.GCStart += e => stats.Collections[Math.Min(e.Depth, 2)]++;
        source.Clr.GCSuspendEEStart += e => suspendStart = e.TimeStampRelativeMSec;
        source.Clr.GCRestartEEStop += e =>
        {
            if (suspendStart is { } start)
            {
                stats.Pauses.Add(e.TimeStampRelativeMSec - start);
                suspendStart = null;
            }
        };
        source.Clr.GCAllocationTick += e =>
        {
            var type = e.TypeName ?? "?";
            stats.AllocTicks[type] = stats.AllocTicks.GetValueOrDefault(type) + e.AllocationAmount64;
        };
        source.Dynamic.All += e =>
        {
            if (e.EventName != "EventCounters" || e.PayloadValue(0) is not IDictionary<string, object> outer ||
                outer["Payload"] is not IDictionary<string, object> payload)
            {
                return;
            }

            var name = payload["Name"] as string;
            switch (name)
            {
                case "alloc-rate":
                    stats.AllocatedBytes += Convert.ToDouble(payload["Increment"], CultureInfo.InvariantCulture);
                    break;
                case "threadpool-queue-length":
                    stats.QueueLength.Add(Convert.ToDouble(payload["Mean"], CultureInfo.InvariantCulture));
                    break;
                case "threadpool-thread-count":
                    stats.Threads.Add(Convert.ToDouble(payload["Mean"], CultureInfo.InvariantCulture));
                    break;
            }
        };

        var stop = Task.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromSeconds(seconds));
            await session.StopAsync(CancellationToken.None);
        });
        await Task.Run(source.Process);
        await stop;

        long? requests = null;
        if (requestsFile is not null)
        {
            // The output of the wrk run this window lies inside (bench/invoke/post.lua's BENCH_JSON line, written when wrk
            // ends, shortly after this session): requests in the window = its mean rate × the window.
            for (var i = 0; i < 300 && requests is null; i++)
            {
                var line = File.Exists(requestsFile)
                    ? File.ReadLines(requestsFile).LastOrDefault(l => l.StartsWith("BENCH_JSON ", StringComparison.Ordinal))
                    : null;
                if (line is null)
                {
                    await Task.Delay(100);
                    continue;
                }

                using var doc = JsonDocument.Parse(line["BENCH_JSON ".Length..]);
                requests = (long)(doc.RootElement.GetProperty("rps").GetDouble() * seconds);
            }
        }

        var pauses = stats.Pauses.Order().ToArray();
        var totalTicks = stats.AllocTicks.Values.Sum();
        var top = stats.AllocTicks.OrderByDescending(kv => kv.Value).Take(12)
            .Select(kv => new { type = kv.Key, share = Math.Round(100.0 * kv.Value / Math.Max(1, totalTicks), 1) }).ToArray();
        var result = new Dictionary<string, object?>
        {
            ["label"] = label,
            ["seconds"] = seconds,
            ["requests"] = requests,
            ["allocated_mb"] = Math.Round(stats.AllocatedBytes / 1048576.0, 1),
            ["bytes_per_request"] = requests is > 0 ? Math.Round(stats.AllocatedBytes / requests.Value, 0) : null,
            ["allocated_sampled_mb"] = Math.Round(totalTicks / 1048576.0, 1),
            ["gen0"] = stats.Collections[0],
            ["gen1"] = stats.Collections[1],
            ["gen2"] = stats.Collections[2],
            ["pauses"] = pauses.Length,
            ["pause_total_ms"] = Math.Round(pauses.Sum(), 1),
            ["pause_p50_ms"] = Percentile(pauses, 0.50),
            ["pause_p99_ms"] = Percentile(pauses, 0.99),
            ["pause_max_ms"] = pauses.Length == 0 ? 0 : Math.Round(pauses[^1], 2),
            ["pause_us_per_request"] = requests is > 0 ? Math.Round(pauses.Sum() * 1000 / requests.Value, 1) : null,
            ["threadpool_queue_max"] = stats.QueueLength.Count == 0 ? 0 : Math.Round(stats.QueueLength.Max(), 1),
            ["threadpool_threads_max"] = stats.Threads.Count == 0 ? 0 : Math.Round(stats.Threads.Max(), 1),
            ["top_allocations_pct"] = top,
        };
        var json = JsonSerializer.Serialize(result);
        Console.WriteLine(json);
        if (outFile is not null)
        {
            await File.AppendAllTextAsync(outFile, json + Environment.NewLine);
        }

        await Console.Error.WriteLineAsync(
            $"gcprobe {label}: {stats.AllocatedBytes / 1048576.0:F1} MB allocated in {seconds} s" +
            (requests is > 0 ? $" = {stats.AllocatedBytes / requests.Value:F0} bytes per request ({requests} requests)" : "") +
            $"; GCs gen0 {stats.Collections[0]}, gen1 {stats.Collections[1]}, gen2 {stats.Collections[2]}; " +
            $"pauses {pauses.Length}, total {pauses.Sum():F1} ms, p50 {Percentile(pauses, 0.5)} ms, p99 {Percentile(pauses, 0.99)} ms, " +
            $"max {(pauses.Length == 0 ? 0 : pauses[^1]):F2} ms; thread-pool queue max {result["threadpool_queue_max"]}, threads max {result["threadpool_threads_max"]}\n" +
            "  top allocating types (sampled): " + string.Join(", ", top.Select(t => $"{t.type} {t.share}%")));
        return 0;
    }

    private static double Percentile(double[] sorted, double p) =>
        sorted.Length == 0 ? 0 : Math.Round(sorted[Math.Min(sorted.Length - 1, (int)Math.Ceiling(p * sorted.Length) - 1)], 2);

    private sealed class ProbeStats
    {
        public readonly int[] Collections = new int[3];
        public readonly List<double> Pauses = [];
        public readonly Dictionary<string, long> AllocTicks = new(StringComparer.Ordinal);
        public readonly List<double> QueueLength = [];
        public readonly List<double> Threads = [];
        public double AllocatedBytes;
    }
}
