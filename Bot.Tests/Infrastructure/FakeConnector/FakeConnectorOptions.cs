namespace CrisisBot.Tests.Infrastructure.FakeConnector;

/// <summary>How a <see cref="FakeConnectorServer"/> behaves. The defaults are Teams' published limits (teams-protocol.md §6).</summary>
public sealed class FakeConnectorOptions
{
    /// <summary>The tenant of conversations the fake knows nothing about.</summary>
    public string DefaultTenantId { get; set; } = "11111111-2222-3333-4444-555555555555";

    /// <summary>Clock for request times and limit windows.</summary>
    public TimeProvider Time { get; set; } = TimeProvider.System;

    /// <summary>
    /// True: a request over a limit gets 429 and is not carried out. False: it is carried out anyway; the violation is
    /// still recorded (to measure a sender without disturbing it).
    /// </summary>
    public bool EnforceLimits { get; set; } = true;

    /// <summary>
    /// False (Teams): sends are counted per thread (<c>19:x@thread.tacv2;messageid=1</c> is its own thread; a new post counts
    /// against the channel). True: every thread of a channel counts against the channel (the bot's own, stricter keying).
    /// </summary>
    public bool CountPerChannel { get; set; }

    /// <summary>Per-thread limits for create/send/reply/update/delete.</summary>
    public IReadOnlyList<FakeLimit> SendLimits { get; set; } =
    [
        new(7, TimeSpan.FromSeconds(1)), new(8, TimeSpan.FromSeconds(2)), new(60, TimeSpan.FromSeconds(30)), new(1800, TimeSpan.FromHours(1)),
    ];

    /// <summary>Per-conversation limits for roster and team reads.</summary>
    public IReadOnlyList<FakeLimit> ReadLimits { get; set; } =
    [
        new(14, TimeSpan.FromSeconds(1)), new(16, TimeSpan.FromSeconds(2)), new(120, TimeSpan.FromSeconds(30)), new(3600, TimeSpan.FromHours(1)),
    ];

    /// <summary>Requests per second per tenant, all operations together.</summary>
    public int TenantPerSecond { get; set; } = 50;

    /// <summary>
    /// <c>Retry-After</c> on the 429 answering a limit violation; null (the default, like the real Connector, which does
    /// not document one) sends none.
    /// </summary>
    public TimeSpan? RetryAfterOnLimit { get; set; }
}

/// <summary>At most <see cref="Limit"/> accepted requests in any window of length <see cref="Window"/>.</summary>
public readonly record struct FakeLimit(int Limit, TimeSpan Window);
