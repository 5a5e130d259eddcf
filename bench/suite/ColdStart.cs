using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;

namespace CrisisBot.Bench.Suite;

/// <summary>
/// Cold start and idle memory of the bot, one fresh process per run: a new empty SQLite folder (so the migrations run),
/// local mode on 127.0.0.1. Measures process start → first 200 on <c>/healthz</c> (polled every 5 ms), then sends
/// <c>--warmup</c> help.refresh invokes (8 at a time, each must answer 200), waits <c>--idle-seconds</c> and reads the
/// resident set (VmRSS) and its peak (VmHWM) from /proc, with the bot's CPU time at ready and its own start-up trace
/// (log event 1950). Stops the process with SIGTERM, then starts it once more on the same (now migrated) folder: the
/// restart figure. One JSON line per run. RSS is also read right after the warm-up (before the idle wait) and split into
/// anonymous, file-backed and shared memory (/proc/PID/status RssAnon/RssFile/RssShmem). <c>--env K=V,K=V</c> adds
/// environment variables to the bot (experiments, e.g. GC settings).
/// </summary>
internal static class ColdStart
{
    public static async Task<int> RunAsync(Options options)
    {
        var botDll = Path.GetFullPath(options.ExistingFile("--bot-dll"));
        var port = options.Int("--port");
        var body = await File.ReadAllTextAsync(options.ExistingFile("--body"));
        var runs = options.Int("--runs", 5);
        var warmup = options.Int("--warmup", 2000);
        var idle = TimeSpan.FromSeconds(options.Int("--idle-seconds", 5));
        var outFile = options.Required("--out");
        var env = ParseEnv(options.Optional("--env"));
        var baseUrl = $"http://127.0.0.1:{port}";

        using var client = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(1) })
        {
            Timeout = TimeSpan.FromSeconds(60),
        };
        await WarmClientAsync(client, baseUrl); // JIT our own HTTP stack before the first timed run

        var lines = new List<string>();
        for (var run = 1; run <= runs; run++)
        {
            var result = await OneRunAsync(client, botDll, baseUrl, port, body, warmup, idle, env);
            var line = JsonSerializer.Serialize(new Dictionary<string, object?>
            {
                ["run"] = run,
                ["ready_ms"] = Math.Round(result.Ready.TotalMilliseconds, 1),
                ["cpu_ready_ms"] = Math.Round(result.CpuReady.TotalMilliseconds, 0),
                ["restart_ready_ms"] = Math.Round(result.RestartReady.TotalMilliseconds, 1),
                ["restart_cpu_ready_ms"] = Math.Round(result.RestartCpuReady.TotalMilliseconds, 0),
                ["rss_ready_mb"] = Math.Round(result.RssReady, 1),
                ["rss_loaded_mb"] = Math.Round(result.RssLoaded, 1),
                ["rss_idle_mb"] = Math.Round(result.RssIdle, 1),
                ["rss_idle_anon_mb"] = Math.Round(result.IdleSplit.Anon, 1),
                ["rss_idle_file_mb"] = Math.Round(result.IdleSplit.File, 1),
                ["rss_idle_shmem_mb"] = Math.Round(result.IdleSplit.Shmem, 1),
                ["hwm_mb"] = Math.Round(result.Peak, 1),
                ["rss_breakdown"] = result.Breakdown,
                ["trace"] = result.Trace,
                ["restart_trace"] = result.RestartTrace,
            });
            Console.WriteLine($"cold start run {run}: first 200 after {result.Ready.TotalMilliseconds:F0} ms (bot CPU {result.CpuReady.TotalMilliseconds:F0} ms); " +
                              $"restart on the migrated database {result.RestartReady.TotalMilliseconds:F0} ms (bot CPU {result.RestartCpuReady.TotalMilliseconds:F0} ms); " +
                              $"RSS {result.RssReady:F0} MB at ready, {result.RssLoaded:F0} MB right after {warmup} invokes, {result.RssIdle:F0} MB after " +
                              $"{idle.TotalSeconds:F0} s idle (anonymous {result.IdleSplit.Anon:F0}, files {result.IdleSplit.File:F0}, shared {result.IdleSplit.Shmem:F0}; " +
                              $"peak {result.Peak:F0} MB)\n  idle RSS: {result.Breakdown}\n  trace: {result.Trace}\n  restart trace: {result.RestartTrace}");
            lines.Add(line);
        }

        await File.AppendAllLinesAsync(outFile, lines);
        return 0;
    }

    private static async Task<RunResult> OneRunAsync(HttpClient client, string botDll, string baseUrl, int port, string body, int warmup, TimeSpan idle,
        IReadOnlyDictionary<string, string> env)
    {
        var dataDir = Directory.CreateTempSubdirectory("crisisbot-coldstart-").FullName;
        try
        {
            var first = await OneStartAsync(client, botDll, baseUrl, port, body, warmup, idle, dataDir, env);
            // The same folder again: the database exists and is migrated (an ordinary restart).
            var restart = await OneStartAsync(client, botDll, baseUrl, port, body, warmup: 0, TimeSpan.Zero, dataDir, env);
            return first with { RestartReady = restart.Ready, RestartCpuReady = restart.CpuReady, RestartTrace = restart.Trace };
        }
        finally
        {
            Directory.Delete(dataDir, recursive: true);
        }
    }

    private static async Task<RunResult> OneStartAsync(HttpClient client, string botDll, string baseUrl, int port, string body, int warmup, TimeSpan idle,
        string dataDir, IReadOnlyDictionary<string, string> env)
    {
        var log = new StringBuilder();
        var psi = new ProcessStartInfo("dotnet", [botDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = dataDir,
        };
        psi.Environment["ASPNETCORE_URLS"] = baseUrl;
        psi.Environment["Bot__LocalMode"] = "true";
        psi.Environment["Storage__DataDirectory"] = dataDir;
        psi.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        foreach (var (key, value) in env)
        {
            psi.Environment[key] = value;
        }

        var clock = Stopwatch.StartNew();
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start dotnet");
        process.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var ready = await WaitForHealthAsync(client, baseUrl, process, clock, log);
            var rssReady = Memory(process.Id, "VmRSS:");
            var cpuReady = CpuTime(process.Id);

            var remaining = warmup;
            var workers = Enumerable.Range(0, 8).Select(async _ =>
            {
                while (Interlocked.Decrement(ref remaining) >= 0)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Post, $"{baseUrl}/api/messages")
                    {
                        Content = new StringContent(body, MediaTypeHeaderValue.Parse("application/json")),
                    };
                    using var response = await client.SendAsync(request);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        throw new InvalidOperationException($"warm-up invoke answered {(int)response.StatusCode}");
                    }
                }
            });
            await Task.WhenAll(workers);
            var rssLoaded = Memory(process.Id, "VmRSS:");
            await Task.Delay(idle);
            var split = (Memory(process.Id, "RssAnon:"), Memory(process.Id, "RssFile:"), Memory(process.Id, "RssShmem:"));
            var result = new RunResult(ready, cpuReady, rssReady, rssLoaded, Memory(process.Id, "VmRSS:"), split, Memory(process.Id, "VmHWM:"), StartupTrace(log))
            {
                Breakdown = warmup > 0 ? RssBreakdown(process.Id) : "",
            };
            return result;
        }
        finally
        {
            await StopAsync(process, port);
        }
    }

    private static async Task<TimeSpan> WaitForHealthAsync(HttpClient client, string baseUrl, Process process, Stopwatch clock, StringBuilder log)
    {
        while (clock.Elapsed < TimeSpan.FromSeconds(180))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"the bot exited with {process.ExitCode} before /healthz answered:\n{log}");
            }

            try
            {
                using var response = await client.GetAsync($"{baseUrl}/healthz");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return clock.Elapsed;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(5);
        }

        throw new TimeoutException($"/healthz did not answer 200 within 180 s:\n{log}");
    }

    private static async Task StopAsync(Process process, int port)
    {
        if (process.HasExited)
        {
            return;
        }

        using (var kill = Process.Start("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        try
        {
            await process.WaitForExitAsync(wait.Token);
        }
        catch (OperationCanceledException)
        {
            Console.Error.WriteLine($"cold start: the bot on port {port} did not stop within 15 s of SIGTERM; killing it");
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static async Task WarmClientAsync(HttpClient client, string baseUrl)
    {
        try
        {
            using var _ = await client.GetAsync($"{baseUrl}/healthz");
        }
        catch (HttpRequestException)
        {
            // expected: nothing listens yet
        }
    }

    /// <summary>The bot's own start-up trace (log event 1950, "Start-up: ready …"): where its start-up time went.</summary>
    private static string StartupTrace(StringBuilder log)
    {
        string text;
        lock (log)
        {
            text = log.ToString();
        }

        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var at = lines[i].IndexOf("Start-up: ready ", StringComparison.Ordinal);
            if (at >= 0)
            {
                return lines[i][(at + "Start-up: ready ".Length)..].Trim();
            }
        }

        return "(no start-up trace in the bot's log)";
    }

    /// <summary>User + system CPU time of a process so far (/proc/PID/stat fields 14 and 15, in clock ticks of 10 ms).</summary>
    public static TimeSpan CpuTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // fields[0] is field 3 (state): utime is field 14, stime field 15.
        var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    /// <summary>A memory line of /proc/PID/status (kB) in MB.</summary>
    public static double Memory(int pid, string field)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith(field, StringComparison.Ordinal))
            {
                var kb = line[field.Length..].Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
                return double.Parse(kb, CultureInfo.InvariantCulture) / 1024.0;
            }
        }

        throw new InvalidOperationException($"/proc/{pid}/status has no {field}");
    }

    /// <summary><c>K=V,K=V</c> → environment variables for the bot.</summary>
    private static Dictionary<string, string> ParseEnv(string? raw)
    {
        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in (raw ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = pair.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0)
            {
                throw new UsageException($"--env: '{pair}' is not KEY=VALUE");
            }

            env[pair[..at]] = pair[(at + 1)..];
        }

        return env;
    }

    private sealed record RunResult(TimeSpan Ready, TimeSpan CpuReady, double RssReady, double RssLoaded, double RssIdle,
        (double Anon, double File, double Shmem) IdleSplit, double Peak, string Trace)
    {
        public TimeSpan RestartReady { get; init; }

        public TimeSpan RestartCpuReady { get; init; }

        public string RestartTrace { get; init; } = "";

        public string Breakdown { get; init; } = "";
    }

    /// <summary>
    /// Where the resident set is, from /proc/PID/smaps: anonymous memory (GC heap, native heaps, stacks, the runtime's
    /// data; the GC's committed regions split its reservation into many mappings, so it is not told apart here), the
    /// runtime's executable memory (memfd:doublemapper) and each mapped file (the largest ones by name).
    /// </summary>
    public static string RssBreakdown(int pid)
    {
        double anon = 0, doubleMapped = 0;
        var files = new Dictionary<string, double>(StringComparer.Ordinal);
        string? name = null;
        foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
        {
            var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (parts.Length >= 5 && parts[0].Contains('-', StringComparison.Ordinal) && !parts[0].EndsWith(':'))
            {
                name = parts.Length >= 6 ? string.Join(' ', parts[5..]) : null;
                continue;
            }

            if (parts.Length < 2 || parts[0] != "Rss:")
            {
                continue;
            }

            var mb = double.Parse(parts[1], CultureInfo.InvariantCulture) / 1024.0;
            if (name is null || name.StartsWith('['))
            {
                anon += mb;
            }
            else if (name.StartsWith("/memfd:doublemapper", StringComparison.Ordinal))
            {
                doubleMapped += mb;
            }
            else
            {
                var file = Path.GetFileName(name.Replace(" (deleted)", "", StringComparison.Ordinal));
                files[file] = files.GetValueOrDefault(file) + mb;
            }
        }

        var inv = CultureInfo.InvariantCulture;
        var top = files.OrderByDescending(f => f.Value).Take(12).Select(f => string.Create(inv, $"{f.Key} {f.Value:F1}"));
        return string.Create(inv,
            $"anonymous {anon:F1} MB, runtime code (doublemapper) {doubleMapped:F1} MB, mapped files {files.Values.Sum():F1} MB ({string.Join(", ", top)}, …)");
    }
}
