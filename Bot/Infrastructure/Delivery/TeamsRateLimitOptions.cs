namespace CrisisBot.Infrastructure.Delivery;

/// <summary>
/// The <c>Delivery:RateLimits</c> section: Teams' per-bot-per-thread send limits and the per-tenant global limit
/// (teams-protocol.md §6), plus how <see cref="TeamsRateLimiter"/> reacts to a 429. Validated at startup by
/// <see cref="TeamsRateLimitOptionsValidator"/>. The defaults are the published Teams values.
/// </summary>
public sealed class TeamsRateLimitOptions
{
    public const string SectionName = "Delivery:RateLimits";

    /// <summary>Operations per thread in any 1 s window.</summary>
    /// <value>Default 7.</value>
    public int PerThreadPer1Second { get; set; } = 7;

    /// <summary>Operations per thread in any 2 s window.</summary>
    /// <value>Default 8.</value>
    public int PerThreadPer2Seconds { get; set; } = 8;

    /// <summary>Operations per thread in any 30 s window.</summary>
    /// <value>Default 60.</value>
    public int PerThreadPer30Seconds { get; set; } = 60;

    /// <summary>Operations per thread in any 3,600 s window.</summary>
    /// <value>Default 1,800.</value>
    public int PerThreadPerHour { get; set; } = 1800;

    /// <summary>Requests per second for one tenant across all conversations (the per-app-per-tenant global limit).</summary>
    /// <value>Default 50 (current Teams docs; the older docs said 30).</value>
    public int TenantPerSecond { get; set; } = 50;

    /// <summary>
    /// Added to every window length. The Connector sees our requests a little later and with some jitter; a send
    /// scheduled exactly on a window boundary could arrive just inside it. 0 to 1 s.
    /// </summary>
    /// <value>Default 50 ms.</value>
    public TimeSpan SafetyMargin { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>First backoff for a conversation after a 429 without <c>Retry-After</c>; doubles per further 429.</summary>
    /// <value>Default 2 s.</value>
    public TimeSpan BackoffBase { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest backoff for a conversation after repeated 429s without <c>Retry-After</c>.</summary>
    /// <value>Default 60 s.</value>
    public TimeSpan BackoffMax { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Relative jitter applied to the backoff (0.2 = ±20%), 0 to 0.5.</summary>
    /// <value>Default 0.2.</value>
    public double BackoffJitter { get; set; } = 0.2;

    /// <summary>The longest <c>Retry-After</c> honoured; a longer one is clamped to this value.</summary>
    /// <value>Default 10 minutes.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a 429 slows the whole tenant down.</summary>
    /// <value>Default 2 s.</value>
    public TimeSpan GlobalSlowdownDuration { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>During a slow-down the tenant limit is multiplied by this factor (at least 1 request per second remains).</summary>
    /// <value>Default 0.5.</value>
    public double GlobalSlowdownFactor { get; set; } = 0.5;

    /// <summary>How often idle conversations and tenants are dropped from memory.</summary>
    /// <value>Default 1 minute.</value>
    public TimeSpan EvictionInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>The per-thread sliding windows, shortest first.</summary>
    public IReadOnlyList<RateWindow> ThreadWindows =>
    [
        new(PerThreadPer1Second, TimeSpan.FromSeconds(1)),
        new(PerThreadPer2Seconds, TimeSpan.FromSeconds(2)),
        new(PerThreadPer30Seconds, TimeSpan.FromSeconds(30)),
        new(PerThreadPerHour, TimeSpan.FromHours(1)),
    ];

    /// <summary>The per-tenant window.</summary>
    public RateWindow TenantWindow => new(TenantPerSecond, TimeSpan.FromSeconds(1));
}

/// <summary>At most <see cref="Limit"/> operations in any window of length <see cref="Length"/>.</summary>
public readonly record struct RateWindow(int Limit, TimeSpan Length);
