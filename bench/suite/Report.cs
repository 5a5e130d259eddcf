using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrisisBot.Bench.Suite;

/// <summary>
/// Turns the raw results of one bench/run.sh run (a folder) into the markdown of the generated RESULTS.md part:
/// machine facts, commands, the invoke table (median with min–max over the rounds), ratios computed round by round
/// between targets measured in the same round, the targets, cold start and idle RSS, and the other benchmarks' output.
/// With <c>--smoke</c> it only checks that every piece produced a number (exit 1 naming what is missing).
/// </summary>
internal static class Report
{
    /// <summary>The invoke targets in table order: key, label.</summary>
    public static readonly (string Key, string Label)[] Targets =
    [
        ("a", "(a) CrisisBot, full JWT validation (default: token cache 300 s)"),
        ("as", "(as) = (a) with server GC (DOTNET_gcServer=1; the default is workstation GC, for memory)"),
        ("a0", "(a0) CrisisBot, full JWT validation of every request (Bot:TokenCacheSeconds=0)"),
        ("b", "(b) CrisisBot, local mode (no auth)"),
        ("c1", "(c) botbuilder 4.23.3, 1 process"),
        ("c2", "(c) botbuilder 4.23.3, 2 workers (node:cluster)"),
        ("d", "(d) bare ASP.NET Core"),
        ("djwt", "(d+jwt) bare ASP.NET Core + RS256 JWT check"),
        ("am", "(a-msg) = (a) posting a channel message activity instead (stored before the 200; not an issue-8 target)"),
    ];

    /// <summary>Pairs compared round by round: numerator, denominator, what it shows, target (minimum ratio) if any.</summary>
    private static readonly (string Num, string Den, string Meaning, double? Target)[] Ratios =
    [
        ("a", "djwt", "CrisisBot with auth ÷ authenticated ceiling", 0.6),
        ("a0", "djwt", "CrisisBot validating every token ÷ authenticated ceiling (like for like)", 0.6),
        ("a", "c2", "CrisisBot with auth ÷ botbuilder 2 workers", 5.0),
        ("a", "c1", "CrisisBot with auth ÷ botbuilder 1 process", null),
        ("b", "d", "CrisisBot local ÷ bare ceiling", null),
        ("a", "b", "CrisisBot: auth ÷ local (cost of our JWT path)", null),
        ("a", "as", "CrisisBot: workstation GC (default) ÷ server GC (what the lower memory costs)", null),
        ("a0", "b", "CrisisBot: auth without token cache ÷ local", null),
        ("djwt", "d", "bare: JWT ÷ no JWT (cost of one RS256 check)", null),
        ("c2", "c1", "botbuilder: 2 workers ÷ 1 process", null),
        ("am", "a", "CrisisBot: message activity (stored before the 200) ÷ invoke", null),
    ];

    public const double P99TargetMs = 20;
    public const double ColdStartTargetMs = 2000;
    public const double IdleRssTargetMb = 150;

    public static int Run(Options options)
    {
        var dir = options.Required("--results");
        var invoke = ReadJsonLines(Path.Combine(dir, "invoke.jsonl")).Select(InvokeRun.From).ToList();
        var cold = ReadJsonLines(Path.Combine(dir, "coldstart.jsonl")).Select(ColdRun.From).ToList();
        if (options.Flag("--smoke"))
        {
            return SmokeCheck(invoke, cold, SmokeTargets(options.Required("--targets")));
        }

        Console.Write(Render(dir, invoke, cold));
        return 0;
    }

    /// <summary>
    /// The targets the smoke run measured, as <c>bench/run.sh</c> passes them (<c>--targets a,b,…</c>, its
    /// <c>SMOKE_TARGETS</c>): the one list of smoke targets. Unknown keys are a usage error.
    /// </summary>
    internal static string[] SmokeTargets(string list)
    {
        var keys = list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var unknown = keys.Where(k => !Targets.Any(t => t.Key == k)).ToList();
        if (keys.Length == 0 || unknown.Count > 0)
        {
            throw new UsageException($"--targets: give a comma-separated list of {string.Join(", ", Targets.Select(t => t.Key))}" +
                                     (unknown.Count > 0 ? $" (unknown: {string.Join(", ", unknown)})" : ""));
        }

        return keys;
    }

    private static int SmokeCheck(List<InvokeRun> invoke, List<ColdRun> cold, string[] smokeTargets)
    {
        var problems = new List<string>();
        foreach (var (key, label) in Targets.Where(t => smokeTargets.Contains(t.Key)))
        {
            var runs = invoke.Where(r => r.Target == key).ToList();
            // A non-2xx answer means the target is broken; a socket error or timeout can be load on a shared machine
            // (reported, not a failure: benchmark numbers never fail the test command).
            if (runs.Count == 0 || runs.Any(r => r.Requests <= r.Errors || r.Rps <= 0))
            {
                problems.Add($"{label}: no requests/s figure");
            }
            else
            {
                // (a-msg): message activities are stored before the 200; when the stored-but-unprocessed turns reach
                // Bot:TurnQueueCapacity the bot answers 503 + Retry-After on purpose (back-pressure, nothing stored).
                // wrk sends far faster than Teams ever does, so there non-2xx answers are the design working and are reported.
                var statusErrors = runs.Sum(r => r.StatusErrors);
                if (statusErrors > 0 && key != "am")
                {
                    problems.Add($"{label}: {statusErrors} non-2xx answers");
                    continue;
                }

                var socketErrors = runs.Sum(r => r.Errors) - statusErrors;
                Console.WriteLine($"smoke: {label}: {runs[0].Rps:F0} req/s at {runs[0].Connections} connections, p99 {runs[0].P99Ms:F2} ms" +
                                  (socketErrors > 0 ? $" ({socketErrors} socket errors/timeouts)" : "") +
                                  (statusErrors > 0 ? $", {statusErrors} of {runs.Sum(r => r.Requests)} answered 503 (back-pressure: turn queue full)" : ""));
            }
        }

        if (cold.Count == 0 || cold.Any(c => c.ReadyMs <= 0 || c.RssIdleMb <= 0))
        {
            problems.Add("cold start: no figure");
        }
        else
        {
            Console.WriteLine($"smoke: cold start {cold[0].ReadyMs:F0} ms (bot CPU {cold[0].CpuReadyMs:F0} ms, restart {cold[0].RestartReadyMs:F0} ms), idle RSS {cold[0].RssIdleMb:F0} MB");
        }

        foreach (var problem in problems)
        {
            Console.Error.WriteLine($"smoke: MISSING {problem}");
        }

        return problems.Count == 0 ? 0 : 1;
    }

    private static string Render(string dir, List<InvokeRun> invoke, List<ColdRun> cold)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine("### Machine and load during this run").AppendLine();
        foreach (var line in ReadLines(Path.Combine(dir, "machine.txt")))
        {
            md.AppendLine(inv, $"- {line}");
        }

        md.AppendLine();
        md.AppendLine("Commands (as run by `bench/run.sh`; `$R` is the results folder, every server on 127.0.0.1 inside a");
        md.AppendLine("loopback-only network namespace):").AppendLine();
        md.AppendLine("```bash");
        foreach (var line in ReadLines(Path.Combine(dir, "commands.txt")))
        {
            md.AppendLine(line);
        }

        md.AppendLine("```").AppendLine();

        var rounds = invoke.Select(r => r.Round).Distinct().Count();
        var connections = invoke.Select(r => r.Connections).Distinct().Order().ToList();
        md.AppendLine(inv, $"### /api/messages invoke (`adaptiveCard/action` help.refresh): {rounds} rounds, median (min–max)").AppendLine();
        md.AppendLine("Each round measures every target at every connection count, one after the other, so the ratios below");
        md.AppendLine("compare figures taken minutes apart at most. Latency from wrk (`--latency`, corrected for coordinated omission");
        md.AppendLine("only as far as wrk does). Errors = non-2xx answers + socket errors over all rounds.").AppendLine();
        md.AppendLine("| Target | Connections | Requests/s | p50 (ms) | p99 (ms) | Errors | RSS after load (MB) |");
        md.AppendLine("|---|---|---|---|---|---|---|");
        var rss = ReadJsonLines(Path.Combine(dir, "servers.jsonl"))
            .ToDictionary(e => e.GetProperty("target").GetString()!, e => e.GetProperty("rss_mb").GetDouble());
        foreach (var (key, label) in Targets)
        {
            foreach (var c in connections)
            {
                var runs = invoke.Where(r => r.Target == key && r.Connections == c).ToList();
                if (runs.Count == 0)
                {
                    continue;
                }

                md.AppendLine(inv,
                    $"| {label} | {c} | {Stat(runs.Select(r => r.Rps), "N0")} | {Stat(runs.Select(r => r.P50Ms), "F2")} | {Stat(runs.Select(r => r.P99Ms), "F2")} | {runs.Sum(r => r.Errors)} | {(rss.TryGetValue(key, out var m) ? m.ToString("F0", inv) : "")} |");
            }
        }

        md.AppendLine().AppendLine("**Ratios of requests/s, computed round by round (same round, same connections), median (min–max):**").AppendLine();
        md.Append("| Pair | What it shows |");
        foreach (var c in connections)
        {
            md.Append(inv, $" {c} conn. |");
        }

        md.AppendLine().Append("|---|---|").AppendLine(string.Concat(connections.Select(_ => "---|")));
        foreach (var (num, den, meaning, _) in Ratios)
        {
            md.Append(inv, $"| {num} ÷ {den} | {meaning} |");
            foreach (var c in connections)
            {
                var ratios = PairRatios(invoke, num, den, c);
                md.Append(inv, $" {(ratios.Count == 0 ? "–" : Stat(ratios, "F2") + "×")} |");
            }

            md.AppendLine();
        }

        var top = connections.Count == 0 ? 0 : connections.Max();
        md.AppendLine().AppendLine(inv, $"**Targets (issue 8), at {top} connections:**").AppendLine();
        md.AppendLine("| Target | Result | Met? |").AppendLine("|---|---|---|");
        foreach (var (num, den, meaning, target) in Ratios.Where(r => r.Target is not null))
        {
            var ratios = PairRatios(invoke, num, den, top);
            var median = ratios.Count == 0 ? double.NaN : Median(ratios);
            md.AppendLine(inv, $"| {num} ≥ {target:0.##}× {den} ({meaning}) | {median:F2}× (median of {ratios.Count} rounds at {top} conn.) | {Met(median >= target!.Value)} |");
        }

        var p99 = invoke.Where(r => r.Target == "a" && r.Connections == top).Select(r => r.P99Ms).ToList();
        var p99Median = p99.Count == 0 ? double.NaN : Median(p99);
        md.AppendLine(inv, $"| (a) p99 ≤ {P99TargetMs:0} ms at {top} conn. | {p99Median:F2} ms (median; max {(p99.Count == 0 ? double.NaN : p99.Max()):F2} ms) | {Met(p99Median <= P99TargetMs)} |");

        var gc = ReadJsonLines(Path.Combine(dir, "gc.jsonl"));
        if (gc.Count > 0)
        {
            md.AppendLine().AppendLine("**Garbage collector and thread pool under load** (`Suite gcprobe`: an EventPipe session on the bot during one");
            md.AppendLine("measurement at the highest connection count of each round; allocations from the runtime's `alloc-rate` counter,");
            md.AppendLine("pauses = suspend → restart of every GC):").AppendLine();
            md.AppendLine("| Target, connections, round | Bytes allocated per request | GCs gen0/gen1/gen2 | GC pause per request (µs) | Pause p50 / p99 / max (ms) | Thread-pool queue max |");
            md.AppendLine("|---|---|---|---|---|---|");
            foreach (var e in gc)
            {
                string Num(string name) => e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble().ToString("0.##", inv) : "–";
                md.AppendLine(inv,
                    $"| {e.GetProperty("label").GetString()} | {Num("bytes_per_request")} | {Num("gen0")}/{Num("gen1")}/{Num("gen2")} | {Num("pause_us_per_request")} | {Num("pause_p50_ms")} / {Num("pause_p99_ms")} / {Num("pause_max_ms")} | {Num("threadpool_queue_max")} |");
            }
        }

        md.AppendLine().AppendLine(inv, $"### Cold start and idle memory ({cold.Count} runs, median (min–max))").AppendLine();
        md.AppendLine("Fresh `dotnet Bot.dll` process, fresh empty SQLite folder (migrations run), local mode; time from process start");
        md.AppendLine("to the first 200 on `/healthz` (polled every 5 ms); RSS (VmRSS) after the warm-up invokes and the idle wait. The bot's");
        md.AppendLine("CPU time (all threads) at that moment is the steadier figure on a shared machine. Restart: the same folder again");
        md.AppendLine("(database already migrated).").AppendLine();
        md.AppendLine("| Metric | Target | Result | Met? |").AppendLine("|---|---|---|---|");
        if (cold.Count > 0)
        {
            md.AppendLine(inv, $"| Process start → first 200 on /healthz (ms) | ≤ {ColdStartTargetMs:0} | {Stat(cold.Select(c => c.ReadyMs), "N0")} | {Met(Median(cold.Select(c => c.ReadyMs).ToList()) <= ColdStartTargetMs)} |");
            md.AppendLine(inv, $"| Bot CPU time until then (ms) | | {Stat(cold.Select(c => c.CpuReadyMs), "N0")} | |");
            md.AppendLine(inv, $"| Restart on the migrated database → first 200 (ms) | | {Stat(cold.Select(c => c.RestartReadyMs), "N0")} | |");
            md.AppendLine(inv, $"| Restart: bot CPU time until then (ms) | | {Stat(cold.Select(c => c.RestartCpuReadyMs), "N0")} | |");
            md.AppendLine(inv, $"| RSS when ready (MB) | | {Stat(cold.Select(c => c.RssReadyMb), "F0")} | |");
            if (cold.All(c => !double.IsNaN(c.RssLoadedMb)))
            {
                md.AppendLine(inv, $"| RSS right after the warm-up invokes (MB) | | {Stat(cold.Select(c => c.RssLoadedMb), "F0")} | |");
            }

            md.AppendLine(inv, $"| Idle RSS after warm-up (MB) | ≤ {IdleRssTargetMb:0} | {Stat(cold.Select(c => c.RssIdleMb), "F0")} | {Met(Median(cold.Select(c => c.RssIdleMb).ToList()) <= IdleRssTargetMb)} |");
            if (cold.All(c => !double.IsNaN(c.IdleSplit.Anon)))
            {
                md.AppendLine(inv, $"| … of which anonymous (GC heap, native heaps, stacks) (MB) | | {Stat(cold.Select(c => c.IdleSplit.Anon), "F0")} | |");
                md.AppendLine(inv, $"| … of which mapped files (assemblies, native libraries) (MB) | | {Stat(cold.Select(c => c.IdleSplit.File), "F0")} | |");
                md.AppendLine(inv, $"| … of which shared memory (the runtime's executable memory, memfd:doublemapper) (MB) | | {Stat(cold.Select(c => c.IdleSplit.Shmem), "F0")} | |");
            }

            md.AppendLine(inv, $"| Peak RSS (VmHWM, MB) | | {Stat(cold.Select(c => c.HwmMb), "F0")} | |");
            md.AppendLine().AppendLine("The bot's own start-up trace (log event 1950; each phase's wall time and CPU time), per run:").AppendLine();
            foreach (var (c, i) in cold.Select((c, i) => (c, i + 1)))
            {
                md.AppendLine(inv, $"- run {i}, fresh: {c.Trace}");
                md.AppendLine(inv, $"- run {i}, restart: {c.RestartTrace}");
            }
        }

        foreach (var line in ReadLines(Path.Combine(dir, "notes.txt")))
        {
            md.AppendLine().AppendLine(line);
        }

        var others = Directory.Exists(Path.Combine(dir, "other"))
            ? Directory.GetFiles(Path.Combine(dir, "other"), "*.md").Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var file in others)
        {
            md.AppendLine().AppendLine(inv, $"### Output of `bench/{Path.GetFileNameWithoutExtension(file)}` in this run").AppendLine();
            md.AppendLine(File.ReadAllText(file).Trim());
        }

        return md.ToString();
    }

    private static List<double> PairRatios(List<InvokeRun> invoke, string num, string den, int connections)
    {
        var ratios = new List<double>();
        foreach (var round in invoke.Select(r => r.Round).Distinct().Order())
        {
            var n = invoke.FirstOrDefault(r => r.Target == num && r.Connections == connections && r.Round == round);
            var d = invoke.FirstOrDefault(r => r.Target == den && r.Connections == connections && r.Round == round);
            if (n is not null && d is not null && d.Rps > 0)
            {
                ratios.Add(n.Rps / d.Rps);
            }
        }

        return ratios;
    }

    private static string Met(bool met) => met ? "yes" : "**NO**";

    public static double Median(IReadOnlyList<double> values)
    {
        var sorted = values.Order().ToArray();
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }

    private static string Stat(IEnumerable<double> values, string format)
    {
        var list = values.ToList();
        var inv = CultureInfo.InvariantCulture;
        return list.Count == 1
            ? list[0].ToString(format, inv)
            : $"{Median(list).ToString(format, inv)} ({list.Min().ToString(format, inv)}–{list.Max().ToString(format, inv)})";
    }

    private static string[] ReadLines(string path) => File.Exists(path) ? File.ReadAllLines(path) : [];

    private static List<JsonElement> ReadJsonLines(string path) =>
        ReadLines(path).Where(l => l.TrimStart().StartsWith('{')).Select(l => JsonDocument.Parse(l).RootElement.Clone()).ToList();

    private sealed record InvokeRun(string Target, int Connections, int Round, long Requests, double Rps, double P50Ms, double P99Ms, long Errors, long StatusErrors)
    {
        public static InvokeRun From(JsonElement e) => new(
            e.GetProperty("target").GetString()!,
            e.GetProperty("conns").GetInt32(),
            e.GetProperty("round").GetInt32(),
            e.GetProperty("requests").GetInt64(),
            e.GetProperty("rps").GetDouble(),
            e.GetProperty("p50_us").GetDouble() / 1000,
            e.GetProperty("p99_us").GetDouble() / 1000,
            e.GetProperty("errors_connect").GetInt64() + e.GetProperty("errors_read").GetInt64() + e.GetProperty("errors_write").GetInt64() +
            e.GetProperty("errors_status").GetInt64() + e.GetProperty("errors_timeout").GetInt64(),
            e.GetProperty("errors_status").GetInt64());
    }

    private sealed record ColdRun(double ReadyMs, double CpuReadyMs, double RestartReadyMs, double RestartCpuReadyMs, double RssReadyMb,
        double RssIdleMb, double HwmMb, string Trace, string RestartTrace)
    {
        /// <summary>RSS right after the warm-up invokes, before the idle wait (NaN in results of older suites).</summary>
        public double RssLoadedMb { get; init; } = double.NaN;

        /// <summary>Idle RSS split: anonymous, file-backed, shared (RssAnon/RssFile/RssShmem; NaN in older results).</summary>
        public (double Anon, double File, double Shmem) IdleSplit { get; init; } = (double.NaN, double.NaN, double.NaN);

        public static ColdRun From(JsonElement e) => new(
            e.GetProperty("ready_ms").GetDouble(),
            e.GetProperty("cpu_ready_ms").GetDouble(),
            e.GetProperty("restart_ready_ms").GetDouble(),
            e.GetProperty("restart_cpu_ready_ms").GetDouble(),
            e.GetProperty("rss_ready_mb").GetDouble(),
            e.GetProperty("rss_idle_mb").GetDouble(),
            e.GetProperty("hwm_mb").GetDouble(),
            e.GetProperty("trace").GetString() ?? "",
            e.GetProperty("restart_trace").GetString() ?? "")
        {
            RssLoadedMb = Optional(e, "rss_loaded_mb"),
            IdleSplit = (Optional(e, "rss_idle_anon_mb"), Optional(e, "rss_idle_file_mb"), Optional(e, "rss_idle_shmem_mb")),
        };

        private static double Optional(JsonElement e, string name) => e.TryGetProperty(name, out var v) ? v.GetDouble() : double.NaN;
    }
}
