namespace CrisisBot.Infrastructure.Delivery;

/// <summary>
/// A granted operation from <see cref="TeamsRateLimiter.AcquireAsync"/>. Call <see cref="Complete"/> (or dispose) when the
/// Connector's answer arrives: the send is then counted at that moment instead of at the grant. Teams counts when the
/// request reaches it, which lies between the two, so counting at the answer can never under-count a window however
/// slow the request was. Not completing keeps the grant time.
/// </summary>
public sealed class RateLimitLease : IDisposable
{
    private readonly TeamsRateLimiter _limiter;
    private int _completed;

    internal RateLimitLease(TeamsRateLimiter limiter, string tenantId, string conversationKey, TimeSpan grantedAt)
    {
        _limiter = limiter;
        TenantId = tenantId;
        ConversationKey = conversationKey;
        GrantedAt = grantedAt;
    }

    public string TenantId { get; }

    public string ConversationKey { get; }

    /// <summary>When it was granted, on the limiter's monotonic clock.</summary>
    internal TimeSpan GrantedAt { get; }

    public bool IsCompleted => Volatile.Read(ref _completed) != 0;

    /// <summary>Counts the send at the current time (idempotent).</summary>
    public void Complete()
    {
        if (Interlocked.Exchange(ref _completed, 1) == 0)
        {
            _limiter.Complete(this);
        }
    }

    public void Dispose() => Complete();
}
