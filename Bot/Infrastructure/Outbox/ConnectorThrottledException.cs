namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// The Connector answered 429 on the outbox's own HTTP path. Carries <c>Retry-After</c> (null when absent), which
/// <c>ConnectorException</c> does not, so the worker can hand it to the rate limiter.
/// </summary>
public sealed class ConnectorThrottledException(TimeSpan? retryAfter, string path)
    : Exception($"Connector answered 429 Too Many Requests for {path}" + (retryAfter is { } r ? $" (Retry-After {r.TotalSeconds:0.###} s)" : " (no Retry-After)"))
{
    public TimeSpan? RetryAfter { get; } = retryAfter;
}
