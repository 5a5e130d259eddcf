using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Intake;

namespace CrisisBot.Bench.Intake;

/// <summary>
/// HTTP intake throughput: the bot (Release build or the published one, local mode, fresh SQLite folder) as a child
/// process on 127.0.0.1, and this process as the load generator: N connections (16), each sending signed NDJSON
/// requests. One bot process serves every round: round 1 is the cold process (JIT, first queries), later rounds the
/// same process warm; each round sends new posts (the generated set split in event-time order, so rounds continue
/// the same 10-day story). Every request size (posts per request) gets its own row per round. The load generator's
/// own CPU is measured during the timed loop (bodies are built and signed before it, so the loop only sends and
/// reads): it shares the 2 cores with the bot.
/// </summary>
internal static class HttpBench
{
    private const string Secret = "bench-secret-0123456789abcdef";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record Settings(int PostsPerRound, int Connections, int Rounds, IReadOnlyList<int> BatchSizes, string? ExternalUrl = null, int Seed = 11);

    private sealed record RoundResult(
        int Round, int BatchPosts, int Accepted, int Duplicates, int Requests, int Failed, double WallSeconds,
        double P50, double P99, double BotCpuSeconds, double LoaderCpuSeconds, string Load);

    public static async Task<string> RunAsync(string work, Settings settings)
    {
        string? bot = null;
        if (settings.ExternalUrl is null && (bot = BotLocator.Find()) is null)
        {
            return "HTTP part skipped: Bot/bin/Release/net10.0/Bot.dll not found (build with -c Release).";
        }

        Process? child = null;
        string? dataDirectory = null;
        var log = new StringBuilder();
        var url = settings.ExternalUrl;
        if (url is null)
        {
            var port = FreePort();
            url = $"http://127.0.0.1:{port}";
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(bot!);
            psi.ArgumentList.Add("--urls");
            psi.ArgumentList.Add(url);
            psi.Environment["Bot__LocalMode"] = "true";
            dataDirectory = Path.Combine(work, "http-" + Guid.NewGuid().ToString("N")[..8]);
            psi.Environment["Storage__DataDirectory"] = dataDirectory;
            psi.Environment["Intake__Secrets__0"] = Secret;
            psi.Environment["Logging__LogLevel__Default"] = "Warning";
            psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
            child = Process.Start(psi)!;
            child.OutputDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            child.ErrorDataReceived += (_, e) => { lock (log) { log.AppendLine(e.Data); } };
            child.BeginOutputReadLine();
            child.BeginErrorReadLine();
        }

        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = settings.Connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
            using var http = new HttpClient(handler) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromMinutes(5) };
            await WaitHealthyAsync(http, child);

            // One generated set for every round and request size, split in event-time order (ids are unique).
            var slots = settings.Rounds * settings.BatchSizes.Count;
            var all = PostFiles.Generate(settings.PostsPerRound * slots, seed: settings.Seed).OrderBy(p => p.CreatedAt)
                .Select(p => settings.Seed == 11 ? p : p with { Id = string.Create(Inv, $"s{settings.Seed}-{p.Id}") }).ToList();
            var per = all.Count / slots;
            var results = new List<RoundResult>();
            var slot = 0;
            for (var round = 1; round <= settings.Rounds; round++)
            {
                foreach (var batch in settings.BatchSizes)
                {
                    var posts = all.GetRange(slot++ * per, per);
                    results.Add(await RunRoundAsync(http, child, posts, batch, settings.Connections, round));
                }
            }

            return Report(settings, results, bot);
        }
        catch (Exception ex) when (child is not null && log.Length > 0)
        {
            throw new InvalidOperationException($"HTTP intake bench failed: {ex.Message}\nbot output:\n{log}", ex);
        }
        finally
        {
            if (child is { HasExited: false })
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }

            child?.Dispose();
            if (dataDirectory is not null)
            {
                ImportBench.TryDelete(dataDirectory); // the bot's database of this run (hundreds of MB)
            }
        }
    }

    private static async Task<RoundResult> RunRoundAsync(HttpClient http, Process? child, List<SocialPost> posts, int batchPosts, int connections, int round)
    {
        // Bodies are built and signed before the clock starts (well inside the 5-minute replay window).
        var ts = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds().ToString(Inv);
        var requests = new ConcurrentQueue<(byte[] Body, string Signature)>(
            posts.Chunk(batchPosts).Select(PostJsonWriter.ToNdjson).Select(b => (b, PostsSignature.Sign(Secret, long.Parse(ts, Inv), b))));
        var latencies = new ConcurrentBag<double>();
        var accepted = 0;
        var duplicates = 0;
        var failures = 0;
        child?.Refresh();
        var botCpuBefore = child?.TotalProcessorTime ?? TimeSpan.Zero;
        var loaderCpuBefore = OwnCpu();
        var watch = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            while (requests.TryDequeue(out var r))
            {
                using var content = new ByteArrayContent(r.Body);
                content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = content };
                request.Headers.Add(PostsSignature.TimestampHeader, ts);
                request.Headers.Add(PostsSignature.SignatureHeader, r.Signature);
                var start = Stopwatch.GetTimestamp();
                using var response = await http.SendAsync(request);
                var answer = await response.Content.ReadAsByteArrayAsync();
                latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref failures);
                    continue;
                }

                using var json = System.Text.Json.JsonDocument.Parse(answer);
                Interlocked.Add(ref accepted, json.RootElement.GetProperty("accepted").GetInt32());
                Interlocked.Add(ref duplicates, json.RootElement.GetProperty("duplicates").GetInt32());
            }
        })).ToArray();
        await Task.WhenAll(workers);
        watch.Stop();
        var loaderCpu = (OwnCpu() - loaderCpuBefore).TotalSeconds;
        child?.Refresh();
        var botCpu = child is null ? double.NaN : (child.TotalProcessorTime - botCpuBefore).TotalSeconds;
        var sorted = latencies.Order().ToList();
        return new RoundResult(round, batchPosts, accepted, duplicates, sorted.Count, failures, watch.Elapsed.TotalSeconds,
            Pct(sorted, 0.5), Pct(sorted, 0.99), botCpu, loaderCpu, ImportBench.LoadAverage());
    }

    private static string Report(Settings settings, List<RoundResult> results, string? bot)
    {
        var sb = new StringBuilder();
        var sizes = string.Join(" / ", settings.BatchSizes.Select(b => b.ToString(Inv)));
        sb.AppendLine(Inv, $"### HTTP intake (POST /api/posts, {settings.Connections} connections, {sizes} posts per signed NDJSON request, bot = separate process on 127.0.0.1, fresh SQLite)");
        sb.AppendLine();
        sb.AppendLine(Inv, $"Bot: {(bot is null ? settings.ExternalUrl : BotLocator.Describe(bot))}, local mode. The first row is the freshly started process (cold: JIT, first queries); every later row is the same process, warmer, with new posts. Load generator: this process (.NET HttpClient, {settings.Connections} pooled connections, bodies built and signed before the clock starts); its CPU during the loop is shown apart (its first row includes its own JIT warm-up).");
        sb.AppendLine();
        sb.AppendLine("| Round | Posts per request | Posts accepted | Requests | Failed | Wall s | posts/s | requests/s | latency p50 ms | p99 ms | bot CPU s | bot CPU µs per post | load generator CPU s | load average after |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        var before = 0;
        foreach (var r in results)
        {
            // Only the first row is the fresh process; every later row runs on the same process after the posts before it.
            // With --http-url the bot was started elsewhere: its first row here is not known to be a fresh process.
            var label = before == 0 ? (settings.ExternalUrl is null ? $"{r.Round} (cold: fresh process)" : $"{r.Round} (first row of this run, external bot)") : string.Create(Inv, $"{r.Round} (warm: {before:N0} posts before)");
            before += r.Accepted + r.Duplicates;
            sb.AppendLine(Inv, $"| {label} | {r.BatchPosts} | {r.Accepted:N0}{(r.Duplicates > 0 ? $" (+{r.Duplicates} dup.)" : "")} | {r.Requests:N0} | {r.Failed} | {r.WallSeconds:F1} | **{r.Accepted / r.WallSeconds:N0}** | {r.Requests / r.WallSeconds:N0} | {r.P50:F0} | {r.P99:F0} | {r.BotCpuSeconds:F1} | {r.BotCpuSeconds * 1e6 / Math.Max(1, r.Accepted):F0} | {r.LoaderCpuSeconds:F1} | {r.Load} |");
        }

        sb.AppendLine();
        AppendSummary(sb, results, settings.ExternalUrl is not null);
        return sb.ToString();
    }

    /// <summary>
    /// The figures the target is about, apart: a server's steady state (per request size, its last row, the most warmed-up
    /// process) with the cold row (the freshly started process: what a sender sees right after a deploy) beside them.
    /// </summary>
    private static void AppendSummary(StringBuilder sb, List<RoundResult> results, bool external)
    {
        if (results.Count == 0)
        {
            return;
        }

        var cold = results[0];
        var warm = results.Skip(1).GroupBy(r => r.BatchPosts).Select(g => g.Last()).OrderBy(r => r.BatchPosts).ToList();
        var before = new Dictionary<RoundResult, int>();
        var seen = 0;
        foreach (var r in results)
        {
            before[r] = seen;
            seen += r.Accepted + r.Duplicates;
        }

        sb.AppendLine("**Warm (steady state) and cold, from the rows above:**");
        sb.AppendLine();
        sb.AppendLine("| | Posts per request | posts/s | bot CPU µs per post | latency p50 / p99 ms |");
        sb.AppendLine("|---|---|---|---|---|");
        foreach (var r in warm)
        {
            sb.AppendLine(Inv, $"| **warm** (round {r.Round}, {before[r]:N0} posts before) | {r.BatchPosts} | **{r.Accepted / r.WallSeconds:N0}** | **{r.BotCpuSeconds * 1e6 / Math.Max(1, r.Accepted):F0}** | {r.P50:F0} / {r.P99:F0} |");
        }

        sb.AppendLine(Inv, $"| {(external ? "first row (external bot, warm-up unknown)" : "cold (fresh process, first row)")} | {cold.BatchPosts} | {cold.Accepted / cold.WallSeconds:N0} | {cold.BotCpuSeconds * 1e6 / Math.Max(1, cold.Accepted):F0} | {cold.P50:F0} / {cold.P99:F0} |");
        sb.AppendLine();
        if (warm.Count == 0)
        {
            sb.AppendLine("Target ≥ 25,000 posts/s (issue 8 §2.2): one row only (smoke), so no warm figure; the full run has them.");
            return;
        }

        var best = warm.MaxBy(r => r.Accepted / r.WallSeconds)!;
        var rate = best.Accepted / best.WallSeconds;
        sb.AppendLine(Inv, $"Target ≥ 25,000 posts/s (issue 8 §2.2) in the steady state: **{(rate >= 25_000 ? "met" : "missed")}** (best warm row {rate:N0} posts/s at {best.BatchPosts} posts per request; cold {cold.Accepted / cold.WallSeconds:N0} posts/s).");
    }

    private static TimeSpan OwnCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static async Task WaitHealthyAsync(HttpClient http, Process? child)
    {
        for (var i = 0; i < 600; i++)
        {
            if (child is { HasExited: true })
            {
                throw new InvalidOperationException($"the bot exited with {child.ExitCode}");
            }

            try
            {
                using var response = await http.GetAsync(new Uri("/healthz", UriKind.Relative));
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the bot did not become healthy in 2 minutes");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
