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
/// HTTP intake throughput: the bot (Release build, local mode, fresh SQLite folder) as a child process on 127.0.0.1,
/// and this process as the load generator: 16 connections, each sending signed NDJSON batches of 100 posts.
/// </summary>
internal static class HttpBench
{
    private const string Secret = "bench-secret-0123456789abcdef";
    private const int BatchPosts = 100;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<string> RunAsync(string work, int posts, int connections)
    {
        var bot = BotLocator.Find();
        if (bot is null)
        {
            return "HTTP part skipped: Bot/bin/Release/net10.0/Bot.dll not found (build with -c Release).";
        }

        var port = FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(bot);
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        psi.Environment["Bot__LocalMode"] = "true";
        psi.Environment["Storage__DataDirectory"] = Path.Combine(work, "http-" + Guid.NewGuid().ToString("N")[..8]);
        psi.Environment["Intake__Secrets__0"] = Secret;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        using var child = Process.Start(psi)!;
        var log = new StringBuilder();
        child.OutputDataReceived += (_, e) => log.AppendLine(e.Data);
        child.ErrorDataReceived += (_, e) => log.AppendLine(e.Data);
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        try
        {
            using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = TimeSpan.FromMinutes(10) };
            using var http = new HttpClient(handler) { BaseAddress = new Uri($"http://127.0.0.1:{port}"), Timeout = TimeSpan.FromMinutes(5) };
            await WaitHealthyAsync(http, child);

            var all = PostFiles.Generate(posts, seed: 11);
            var batches = new ConcurrentQueue<byte[]>(all.Chunk(BatchPosts).Select(PostJsonWriter.ToNdjson));
            var latencies = new ConcurrentBag<double>();
            var accepted = 0;
            var failures = 0;
            var cpuBefore = child.TotalProcessorTime;
            var watch = Stopwatch.StartNew();
            var workers = Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
            {
                while (batches.TryDequeue(out var body))
                {
                    var ts = TimeProvider.System.GetUtcNow().ToUnixTimeSeconds();
                    using var content = new ByteArrayContent(body);
                    content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
                    using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = content };
                    request.Headers.Add(PostsSignature.TimestampHeader, ts.ToString(Inv));
                    request.Headers.Add(PostsSignature.SignatureHeader, PostsSignature.Sign(Secret, ts, body));
                    var start = Stopwatch.GetTimestamp();
                    using var response = await http.SendAsync(request);
                    var text = await response.Content.ReadAsStringAsync();
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                    if (response.StatusCode != HttpStatusCode.Accepted)
                    {
                        Interlocked.Increment(ref failures);
                        continue;
                    }

                    using var json = System.Text.Json.JsonDocument.Parse(text);
                    Interlocked.Add(ref accepted, json.RootElement.GetProperty("accepted").GetInt32());
                }
            })).ToArray();
            await Task.WhenAll(workers);
            watch.Stop();
            child.Refresh();
            var botCpu = (child.TotalProcessorTime - cpuBefore).TotalSeconds;
            var sorted = latencies.Order().ToList();
            var sb = new StringBuilder();
            sb.AppendLine(Inv, $"### HTTP intake (POST /api/posts, {connections} connections, {BatchPosts} posts per signed NDJSON request, bot = separate Release process on 127.0.0.1, fresh SQLite)");
            sb.AppendLine();
            sb.AppendLine("| Posts | Requests | Failed | Wall s | posts/s | requests/s | latency p50 ms | p99 ms | bot CPU s | posts per bot CPU-s | load average after |");
            sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|");
            sb.AppendLine(Inv, $"| {accepted:N0} | {sorted.Count:N0} | {failures} | {watch.Elapsed.TotalSeconds:F1} | **{accepted / watch.Elapsed.TotalSeconds:N0}** | {sorted.Count / watch.Elapsed.TotalSeconds:N0} | {Pct(sorted, 0.5):F0} | {Pct(sorted, 0.99):F0} | {botCpu:F1} | {accepted / botCpu:N0} | {ImportBench.LoadAverage()} |");
            return sb.ToString();
        }
        finally
        {
            if (!child.HasExited)
            {
                child.Kill(entireProcessTree: true);
                await child.WaitForExitAsync();
            }
        }
    }

    private static double Pct(List<double> sorted, double p) => sorted.Count == 0 ? 0 : sorted[Math.Min(sorted.Count - 1, (int)(p * sorted.Count))];

    private static async Task WaitHealthyAsync(HttpClient http, Process child)
    {
        for (var i = 0; i < 600; i++)
        {
            if (child.HasExited)
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
