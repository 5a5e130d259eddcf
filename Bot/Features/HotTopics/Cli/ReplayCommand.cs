using System.CommandLine;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// <c>replay &lt;file&gt; --speed 60x|max [--url http://127.0.0.1:3978]</c>: feeds a post file in event-time order,
/// paced so event time advances <c>speed</c> times faster than wall time (<c>max</c>: no pauses). With <c>--url</c> it
/// POSTs signed NDJSON batches to a running bot's <c>/api/posts</c> (secret <c>Intake:Secrets:0</c> from configuration
/// or the environment); without it, it writes into the configured database through the pipeline.
/// </summary>
public static class ReplayCommand
{
    public const int MaxAttempts = 4;

    public static Command Create(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var file = new Argument<string>("file") { Description = "Posts: .jsonl/.ndjson, .json or .csv." };
        var speed = new Option<string>("--speed")
        {
            Description = "How much faster than real time event time advances: e.g. 60x (one event-time hour per wall minute), 1x, or max (as fast as possible).",
            Required = true,
        };
        var url = new Option<string?>("--url")
        {
            Description = "A running bot (e.g. http://127.0.0.1:3978): send signed batches to its /api/posts. Without it, write into the configured database.",
        };
        var command = new Command("replay", "Replay a post file in event-time order through the hot-topic pipeline, for demos and tests.")
        {
            file,
            speed,
            url,
        };
        command.SetAction((parseResult, ct) => RunAsync(host, parseResult, parseResult.GetRequiredValue(file), parseResult.GetRequiredValue(speed), parseResult.GetValue(url), ct));
        return command;
    }

    /// <summary>Parses "60x", "1.5x", "60" or "max"; null speed means max. Returns false for anything else.</summary>
    public static bool TryParseSpeed(string raw, out double? speed)
    {
        speed = null;
        var s = raw.Trim().ToLowerInvariant();
        if (s == "max")
        {
            return true;
        }

        if (s.EndsWith('x'))
        {
            s = s[..^1];
        }

        if (double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v > 0 && double.IsFinite(v))
        {
            speed = v;
            return true;
        }

        return false;
    }

    private static async Task<int> RunAsync(CliHost host, ParseResult parseResult, string path, string rawSpeed, string? rawUrl, CancellationToken ct)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if (!TryParseSpeed(rawSpeed, out var speed))
        {
            await error.WriteLineAsync($"error: --speed must be a positive multiple like 60x, or max (got '{rawSpeed}')");
            return CliExitCodes.UsageError;
        }

        Uri? endpoint = null;
        if (rawUrl is not null && !TryEndpoint(rawUrl, out endpoint))
        {
            await error.WriteLineAsync($"error: --url must be an absolute http(s) URL like http://127.0.0.1:3978 (got '{rawUrl}')");
            return CliExitCodes.UsageError;
        }

        var (stream, format, openError) = IntakeCli.Open(path);
        if (stream is null)
        {
            await error.WriteLineAsync($"error: {openError}");
            return CliExitCodes.UsageError;
        }

        await using var services = IntakeCli.BuildServices(host, parseResult);
        if (IntakeCli.CheckConfiguration(services) is { } configError)
        {
            await error.WriteLineAsync($"error: {configError}");
            return CliExitCodes.UsageError;
        }

        var options = services.GetRequiredService<IOptions<IntakeOptions>>().Value;
        var secret = options.Secrets.FirstOrDefault();
        if (endpoint is not null && string.IsNullOrEmpty(secret))
        {
            await error.WriteLineAsync("error: replay --url signs its requests with the bot's secret: set Intake:Secrets:0 (environment Intake__Secrets__0 or --set Intake:Secrets:0=…)");
            return CliExitCodes.UsageError;
        }

        // Event-time order needs the whole file: read it first (stable sort keeps file order for equal times).
        var counts = new ImportCounts();
        var posts = new List<SocialPost>();
        await using (stream)
        {
            await ImportCommand.ReadBatchesAsync(stream, format, options.BatchSize, host.TimeProvider, counts, null, batch =>
            {
                posts.AddRange(batch);
                return Task.CompletedTask;
            }, ct);
        }

        var ordered = posts.Select((p, i) => (p, i)).OrderBy(x => x.p.CreatedAt).ThenBy(x => x.i).Select(x => x.p).ToList();
        posts.Clear();
        Func<List<SocialPost>, Task<(int Accepted, int Duplicates, int Rejected)>> send;
        HttpClient? http = null;
        HotTopicPipeline? pipeline = null;
        if (endpoint is not null)
        {
            http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
            send = batch => SendAsync(http, endpoint, secret!, host.TimeProvider, batch, error, ct);
        }
        else
        {
            await services.MigrateStorageAsync(ct);
            pipeline = services.GetRequiredService<HotTopicPipeline>();
            send = async batch =>
            {
                var result = await pipeline.IngestAsync(batch, ct);
                return (result.Accepted, result.Duplicates, 0);
            };
        }

        var progress = new ImportProgress(error, ImportProgress.IsInteractive(error), ordered.Count, "posts sent");
        try
        {
            await PaceAsync(ordered, speed, options.BatchSize, host.TimeProvider, async batch =>
            {
                var (accepted, duplicates, rejected) = await send(batch);
                counts.Accepted += accepted;
                counts.Duplicates += duplicates;
                counts.Rejected += rejected;
                progress.Report(counts.Accepted + counts.Duplicates, counts.Total);
            }, ct);
        }
        catch (ReplayException ex)
        {
            progress.Break();
            await error.WriteLineAsync($"error: {ex.Message}");
            return CliExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            progress.Break();
            await error.WriteLineAsync($"replay cancelled after {counts.Accepted + counts.Duplicates:N0} of {ordered.Count:N0} posts");
            return CliExitCodes.Failure;
        }
        finally
        {
            http?.Dispose();
            pipeline?.Dispose();
        }

        progress.Report(ordered.Count, counts.Total, final: true);
        foreach (var e in counts.Errors)
        {
            await error.WriteLineAsync($"rejected {IntakeCli.Describe(e)}");
        }

        var span = ordered.Count > 0 ? $" (event time {ordered[0].CreatedAt:u} → {ordered[^1].CreatedAt:u})" : string.Empty;
        await output.WriteLineAsync(string.Create(
            CultureInfo.InvariantCulture,
            $"Replayed {path}{span} to {(endpoint is null ? "the database" : endpoint.ToString())}: {counts.Accepted:N0} accepted, {counts.Duplicates:N0} duplicates, {counts.Rejected:N0} rejected in {progress.Elapsed.TotalSeconds:0.0} s"));
        return counts.Rejected > 0 ? CliExitCodes.UsageError : CliExitCodes.Success;
    }

    /// <summary>
    /// Hands out posts (sorted by createdAt) in batches when they are due: post i is due once wall time since the start
    /// reaches (createdAt_i − createdAt_0) / speed. A null speed sends everything at once, in batches.
    /// </summary>
    internal static async Task PaceAsync(
        IReadOnlyList<SocialPost> ordered, double? speed, int batchSize, TimeProvider time, Func<List<SocialPost>, Task> send, CancellationToken ct)
    {
        if (ordered.Count == 0)
        {
            return;
        }

        var t0 = ordered[0].CreatedAt;
        var start = time.GetTimestamp();
        var i = 0;
        while (i < ordered.Count)
        {
            if (speed is { } s)
            {
                var due = (ordered[i].CreatedAt - t0) / s;
                var elapsed = time.GetElapsedTime(start);
                if (due > elapsed)
                {
                    await Task.Delay(due - elapsed, time, ct);
                }
            }

            var now = time.GetElapsedTime(start);
            var batch = new List<SocialPost>();
            while (i < ordered.Count && batch.Count < batchSize
                   && (speed is not { } sp || (ordered[i].CreatedAt - t0) / sp <= now))
            {
                batch.Add(ordered[i++]);
            }

            if (batch.Count == 0)
            {
                // The delay can end a hair before the post's due time on the elapsed-time clock: wait again rather
                // than send an empty batch (the endpoint answers 400 to an empty body).
                continue;
            }

            await send(batch);
        }
    }

    private static bool TryEndpoint(string raw, out Uri? endpoint)
    {
        endpoint = null;
        if (!Uri.TryCreate(raw, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            return false;
        }

        endpoint = uri.AbsolutePath.TrimEnd('/').EndsWith("/api/posts", StringComparison.OrdinalIgnoreCase)
            ? uri
            : new Uri(uri, uri.AbsolutePath.TrimEnd('/') + "/api/posts");
        return true;
    }

    /// <summary>POSTs one signed NDJSON batch; retries connection failures and 5xx (safe: posts are idempotent).</summary>
    private static async Task<(int, int, int)> SendAsync(
        HttpClient http, Uri endpoint, string secret, TimeProvider time, List<SocialPost> batch, TextWriter error, CancellationToken ct)
    {
        var body = PostJsonWriter.ToNdjson(batch);
        for (var attempt = 1; ; attempt++)
        {
            var timestamp = time.GetUtcNow().ToUnixTimeSeconds();
            using var content = new ByteArrayContent(body);
            content.Headers.ContentType = new MediaTypeHeaderValue("application/x-ndjson");
            using var request = new HttpRequestMessage(HttpMethod.Post, endpoint) { Content = content };
            request.Headers.Add(PostsSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
            request.Headers.Add(PostsSignature.SignatureHeader, PostsSignature.Sign(secret, timestamp, body));
            string? failure;
            try
            {
                using var response = await http.SendAsync(request, ct);
                var text = await response.Content.ReadAsStringAsync(ct);
                if ((int)response.StatusCode == StatusCodes.Status202Accepted)
                {
                    using var json = JsonDocument.Parse(text);
                    var root = json.RootElement;
                    return (root.GetProperty("accepted").GetInt32(), root.GetProperty("duplicates").GetInt32(), root.GetProperty("rejected").GetArrayLength());
                }

                failure = $"{endpoint} answered {(int)response.StatusCode}: {Detail(text)}";
                if ((int)response.StatusCode < 500)
                {
                    throw new ReplayException(failure);
                }
            }
            catch (HttpRequestException ex)
            {
                failure = $"cannot reach {endpoint}: {ex.Message}";
            }
            catch (TaskCanceledException ex) when (!ct.IsCancellationRequested)
            {
                failure = $"{endpoint} did not answer in time: {ex.Message}";
            }

            if (attempt >= MaxAttempts)
            {
                throw new ReplayException($"{failure} (gave up after {attempt} attempts)");
            }

            await error.WriteLineAsync($"warning: {failure}; retrying");
            await Task.Delay(TimeSpan.FromSeconds(attempt), time, ct);
        }
    }

    private static string Detail(string body)
    {
        try
        {
            using var json = JsonDocument.Parse(body);
            return json.RootElement.TryGetProperty("detail", out var d) ? d.GetString() ?? body : body;
        }
        catch (JsonException)
        {
            return body.Length > 300 ? body[..300] : body;
        }
    }

    private sealed class ReplayException(string message) : Exception(message);
}
