using System.Net;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// Turns a 429 on the outbox's Connector client into <see cref="ConnectorThrottledException"/> with its Retry-After,
/// so the delivery worker (not the HTTP retry pipeline) handles throttling through <c>TeamsRateLimiter.On429</c>.
/// </summary>
internal sealed class OutboxThrottleHandler(TimeProvider time) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.TooManyRequests)
        {
            return response;
        }

        using (response)
        {
            throw new ConnectorThrottledException(RetryAfter(response, time.GetUtcNow()), request.RequestUri?.AbsolutePath ?? "?");
        }
    }

    internal static TimeSpan? RetryAfter(HttpResponseMessage response, DateTimeOffset now)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (header?.Date is { } date)
        {
            return date > now ? date - now : TimeSpan.Zero;
        }

        return null;
    }
}
