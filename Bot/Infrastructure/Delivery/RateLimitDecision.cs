namespace CrisisBot.Infrastructure.Delivery;

/// <summary>Why <see cref="TeamsRateLimiter.TryAcquire"/> said "not yet".</summary>
public enum RateLimitReason
{
    /// <summary>Granted: the operation may be sent now (and was counted).</summary>
    None = 0,

    /// <summary>A per-thread window (7/1 s, 8/2 s, 60/30 s, 1,800/h) is full.</summary>
    ConversationWindow = 1,

    /// <summary>The conversation is backing off after a 429.</summary>
    ConversationBackoff = 2,

    /// <summary>The tenant's global requests-per-second limit is reached.</summary>
    TenantLimit = 3,

    /// <summary>The tenant's limit is reduced by the short slow-down that follows a 429, and that reduced limit is reached.</summary>
    TenantSlowdown = 4,
}

/// <summary>
/// The answer of <see cref="TeamsRateLimiter.TryAcquire"/>. When <see cref="Granted"/>, the operation was already recorded
/// against its conversation and tenant; otherwise <see cref="RetryAfter"/> says how long until the binding limit frees up.
/// </summary>
public readonly record struct RateLimitDecision(bool Granted, TimeSpan RetryAfter, RateLimitReason Reason)
{
    public static RateLimitDecision Grant { get; } = new(true, TimeSpan.Zero, RateLimitReason.None);
}
