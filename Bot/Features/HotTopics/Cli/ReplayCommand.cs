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
        var window = new Option<string>("--reorder-window")
        {
            Description = "The file is streamed, not loaded: posts up to this much out of createdAt order are put back in order (e.g. 30m, 6h, 1d, 00:45:00). Later ones are sent at once and counted as late.",
            DefaultValueFactory = _ => DefaultReorderWindow,
        };
        var maxBuffered = new Option<int>("--max-buffered")
        {
            Description = "At most this many posts wait for reordering (the oldest leaves first beyond it): bounds memory.",
            DefaultValueFactory = _ => DefaultMaxBuffered,
        };
        var command = new Command("replay", "Replay a post file in event-time order through the hot-topic pipeline, for demos and tests.")
        {
            file,
            speed,
            url,
            window,
            maxBuffered,
        };
        command.SetAction((parseResult, ct) => RunAsync(
            host, parseResult, parseResult.GetRequiredValue(file), parseResult.GetRequiredValue(speed), parseResult.GetValue(url),
            parseResult.GetValue(window) ?? DefaultReorderWindow, parseResult.GetValue(maxBuffered), ct));
        return command;
    }

    public const string DefaultReorderWindow = "6h";
    public const int DefaultMaxBuffered = 50_000;

    /// <summary>Parses a window: "90s", "30m", "6h", "1d", or a TimeSpan ("00:45:00"). False for anything else or negative.</summary>
    public static bool TryParseWindow(string raw, out TimeSpan window)
    {
        window = default;
        var s = raw.Trim().ToLowerInvariant();
        if (s.Length >= 2 && "smhd".Contains(s[^1], StringComparison.Ordinal)
            && double.TryParse(s[..^1], NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && v >= 0 && double.IsFinite(v) && v < 1e6)
        {
            window = s[^1] switch
            {
                's' => TimeSpan.FromSeconds(v),
                'm' => TimeSpan.FromMinutes(v),
                'h' => TimeSpan.FromHours(v),
                _ => TimeSpan.FromDays(v),
            };
            return true;
        }

        return TimeSpan.TryParse(s, CultureInfo.InvariantCulture, out window) && window >= TimeSpan.Zero;
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

    private static async Task<int> RunAsync(
        CliHost host, ParseResult parseResult, string path, string rawSpeed, string? rawUrl, string rawWindow, int maxBuffered, CancellationToken ct)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        if (!TryParseSpeed(rawSpeed, out var speed))
        {
            await error.WriteLineAsync($"error: --speed must be a positive multiple like 60x, or max (got '{rawSpeed}')");
            return CliExitCodes.UsageError;
        }

        if (!TryParseWindow(rawWindow, out var window))
        {
            await error.WriteLineAsync($"error: --reorder-window must be a duration like 30m, 6h, 1d or 00:45:00 (got '{rawWindow}')");
            return CliExitCodes.UsageError;
        }

        if (maxBuffered < 1)
        {
            await error.WriteLineAsync($"error: --max-buffered must be at least 1 (got {maxBuffered})");
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

        // Streamed: the file is read as it is sent, through a bounded reorder window (memory does not grow with the file).
        var counts = new ImportCounts();
        var reorder = new ReorderBuffer(window, maxBuffered);
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

        var progress = new ImportProgress(error, ImportProgress.IsInteractive(error), stream.Length, "bytes read");
        DateTimeOffset? first = null;
        DateTimeOffset? last = null;
        try
        {
            await using (stream)
            {
                var ordered = reorder.Order(ReadPosts(new PostReader(host.TimeProvider).Read(stream, format), counts));
                await PaceAsync(ordered, speed, options.BatchSize, host.TimeProvider, async batch =>
                {
                    first ??= batch[0].CreatedAt;
                    foreach (var p in batch)
                    {
                        last = last is { } l && l > p.CreatedAt ? l : p.CreatedAt;
                    }

                    var (accepted, duplicates, rejected) = await send(batch);
                    counts.Accepted += accepted;
                    counts.Duplicates += duplicates;
                    counts.Rejected += rejected;
                    progress.Report(stream.Position, counts.Total);
                }, ct);
                progress.Report(stream.Length, counts.Total, final: true);
            }
        }
        catch (ReplayException ex)
        {
            progress.Break();
            await error.WriteLineAsync($"error: {ex.Message}");
            return CliExitCodes.Failure;
        }
        catch (IOException ex)
        {
            progress.Break();
            await error.WriteLineAsync($"error: reading {path} failed after {counts.Accepted + counts.Duplicates:N0} posts: {ex.Message}");
            return CliExitCodes.Failure;
        }
        catch (OperationCanceledException)
        {
            progress.Break();
            await error.WriteLineAsync($"replay cancelled after {counts.Accepted + counts.Duplicates:N0} posts");
            return CliExitCodes.Failure;
        }
        finally
        {
            http?.Dispose();
            pipeline?.Dispose();
        }

        foreach (var e in counts.Errors)
        {
            await error.WriteLineAsync($"rejected {IntakeCli.Describe(e)}");
        }

        if (counts.Rejected > counts.Errors.Count)
        {
            await error.WriteLineAsync($"… and {counts.Rejected - counts.Errors.Count:N0} more rejected items");
        }

        if (reorder.Late > 0)
        {
            await error.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"warning: {reorder.Late:N0} posts were more than --reorder-window ({window}) out of createdAt order and were sent late; use a larger window for an exact replay"));
        }

        var span = first is { } f && last is { } l2 ? $" (event time {f:u} → {l2:u})" : string.Empty;
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
        IEnumerable<SocialPost> ordered, double? speed, int batchSize, TimeProvider time, Func<List<SocialPost>, Task> send, CancellationToken ct)
    {
        using var posts = ordered.GetEnumerator();
        if (!posts.MoveNext())
        {
            return;
        }

        var next = posts.Current;
        var more = true;
        var t0 = next.CreatedAt;
        var start = time.GetTimestamp();
        while (more)
        {
            if (speed is { } s)
            {
                var due = (next.CreatedAt - t0) / s;
                var elapsed = time.GetElapsedTime(start);
                if (due > elapsed)
                {
                    await Task.Delay(due - elapsed, time, ct);
                }
            }

            var now = time.GetElapsedTime(start);
            var batch = new List<SocialPost>();
            while (more && batch.Count < batchSize && (speed is not { } sp || (next.CreatedAt - t0) / sp <= now))
            {
                batch.Add(next);
                more = posts.MoveNext();
                if (more)
                {
                    next = posts.Current;
                }
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

    /// <summary>The valid posts of a parse, counting the rejected items into <paramref name="counts"/>.</summary>
    private static IEnumerable<SocialPost> ReadPosts(IEnumerable<PostParseResult> items, ImportCounts counts)
    {
        foreach (var item in items)
        {
            if (item.Post is { } post)
            {
                yield return post;
            }
            else if (item.Error is { } e)
            {
                counts.Rejected++;
                if (counts.Errors.Count < ImportCommand.MaxListedErrors)
                {
                    counts.Errors.Add(e);
                }
            }
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
