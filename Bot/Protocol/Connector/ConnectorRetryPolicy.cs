using System.Net;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace CrisisBot.Protocol.Connector;

/// <summary>
/// The Connector's resilience pipeline (teams-protocol.md §6): retry 429, 412, 502, 504, network errors and attempt
/// timeouts; wait for <c>Retry-After</c> when the response has one, otherwise exponential backoff with ±20% jitter
/// kept between <see cref="ConnectorOptions.BaseDelay"/> and <see cref="ConnectorOptions.MaxDelay"/>.
/// Built on Polly through Microsoft.Extensions.Http.Resilience; the pieces that decide are pure and tested directly.
/// </summary>
internal static class ConnectorRetryPolicy
{
    public const string PipelineName = "connector";
    private const double Jitter = 0.2;

    /// <summary>
    /// Retry is also applied to POST (send, reply, create conversation). These statuses mean the Connector throttled or a
    /// gateway failed; a 502/504 can still hide a message that was posted, so a retry may rarely duplicate a post. We
    /// accept that: a lost crisis alert is worse than a duplicate one, and the Connector has no idempotency key.
    /// </summary>
    public static bool IsRetryableStatus(HttpStatusCode status) => status is
        HttpStatusCode.TooManyRequests or HttpStatusCode.PreconditionFailed or HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout;

    /// <summary>Reads <c>Retry-After</c> as delta-seconds or an HTTP date (relative to <paramref name="now"/>; a past date is zero).</summary>
    public static TimeSpan? GetRetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(response);
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            var wait = date - now;
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    /// <summary>
    /// Backoff for retry number <paramref name="attempt"/> (0 = first retry): <c>baseDelay · 2^attempt</c>, ±20% jitter from
    /// <paramref name="random01"/> (0..1), clamped to [<paramref name="baseDelay"/>, <paramref name="maxDelay"/>].
    /// </summary>
    public static TimeSpan Backoff(int attempt, TimeSpan baseDelay, TimeSpan maxDelay, double random01)
    {
        var exponent = Math.Clamp(attempt, 0, 30);
        var raw = baseDelay.TotalMilliseconds * Math.Pow(2, exponent);
        var jittered = raw * (1 - Jitter + (2 * Jitter * Math.Clamp(random01, 0, 1)));
        var clamped = Math.Clamp(jittered, baseDelay.TotalMilliseconds, maxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(clamped);
    }

    /// <summary>Adds retry (outer) and per-attempt timeout (inner) to the HTTP pipeline.</summary>
    public static void Configure(ResiliencePipelineBuilder<HttpResponseMessage> builder, ConnectorOptions options, TimeProvider time, ILogger logger)
    {
        if (options.MaxRetries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                Name = "connector-retry",
                MaxRetryAttempts = options.MaxRetries,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, options, time, logger)),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(NextDelay(args.Outcome, args.AttemptNumber, options, time)),
                OnRetry = args =>
                {
                    LogRetry(args.Outcome, args.AttemptNumber, args.RetryDelay, logger);
                    return ValueTask.CompletedTask;
                },
            });
        }

        builder.AddTimeout(new TimeoutStrategyOptions { Name = "connector-attempt-timeout", Timeout = options.AttemptTimeout });
    }

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ConnectorOptions options, TimeProvider time, ILogger logger)
    {
        if (outcome.Exception is not null)
        {
            // Network failures and our own attempt timeout. A cancelled caller token is an OperationCanceledException: not retried.
            return outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        var response = outcome.Result;
        if (response is null || !IsRetryableStatus(response.StatusCode))
        {
            return false;
        }

        if (GetRetryAfter(response, time.GetUtcNow()) is { } retryAfter && retryAfter > options.MaxRetryAfter)
        {
            var request = response.RequestMessage;
            ConnectorLog.RetryAfterTooLong(logger, request?.Method.Method ?? "?", request?.RequestUri?.Host ?? "?",
                request?.RequestUri?.AbsolutePath ?? "", retryAfter, options.MaxRetryAfter, CorrelationVector(response));
            return false;
        }

        return true;
    }

    private static TimeSpan NextDelay(Outcome<HttpResponseMessage> outcome, int attempt, ConnectorOptions options, TimeProvider time)
    {
        if (outcome.Result is { } response && GetRetryAfter(response, time.GetUtcNow()) is { } retryAfter)
        {
            return retryAfter;
        }

#pragma warning disable CA5394 // Jitter, not security.
        return Backoff(attempt, options.BaseDelay, options.MaxDelay, Random.Shared.NextDouble());
#pragma warning restore CA5394
    }

    private static void LogRetry(Outcome<HttpResponseMessage> outcome, int attempt, TimeSpan delay, ILogger logger)
    {
        var response = outcome.Result;
        var request = response?.RequestMessage;
        var what = response is not null ? ConnectorLog.StatusText(response.StatusCode) : outcome.Exception?.GetType().Name ?? "unknown outcome";
        ConnectorLog.Retrying(logger, request?.Method.Method ?? "request", request?.RequestUri?.Host ?? "",
            request?.RequestUri?.AbsolutePath ?? "", what, response is null ? null : CorrelationVector(response), attempt + 1, delay);
    }

    public static string? CorrelationVector(HttpResponseMessage response) =>
        response.Headers.TryGetValues("MS-CV", out var values) ? string.Join(",", values) : null;
}
