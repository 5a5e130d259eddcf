using System.ComponentModel.DataAnnotations;
using CrisisBot.Protocol.Connector;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// Bot identity and protocol settings. The four <c>MicrosoftApp*</c> values are root configuration keys (Bot Framework
/// naming, same names as environment variables); the rest comes from the <c>Bot</c> section (<c>Bot__LocalMode</c> …).
/// Validated at startup by <see cref="BotOptionsValidator"/>.
/// </summary>
public sealed class BotOptions
{
    public const string SectionName = "Bot";

    public const string DefaultOpenIdMetadataUrl = "https://login.botframework.com/v1/.well-known/openidconfiguration";

    public const string DefaultEntraOpenIdMetadataUrl = "https://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration";

    /// <summary>Root key <c>MicrosoftAppId</c>: the bot's Entra application (client) id, the audience of inbound tokens.</summary>
    public string? MicrosoftAppId { get; set; }

    /// <summary>Root key <c>MicrosoftAppPassword</c>: client secret for outbound tokens (never logged).</summary>
    public string? MicrosoftAppPassword { get; set; }

    /// <summary>Root key <c>MicrosoftAppTenantId</c>: the bot's home tenant (single-tenant bot).</summary>
    public string? MicrosoftAppTenantId { get; set; }

    /// <summary>Root key <c>MicrosoftAppType</c>: SingleTenant (default), MultiTenant or UserAssignedMSI.</summary>
    public string? MicrosoftAppType { get; set; }

    /// <summary>Bot Framework OpenID metadata. <value>Default <see cref="DefaultOpenIdMetadataUrl"/>.</value> https unless loopback.</summary>
    public string OpenIdMetadataUrl { get; set; } = DefaultOpenIdMetadataUrl;

    /// <summary>Entra tenant metadata; <c>{tenantId}</c> is replaced by <see cref="MicrosoftAppTenantId"/>.
    /// <value>Default <see cref="DefaultEntraOpenIdMetadataUrl"/>.</value> https unless loopback.</summary>
    public string EntraOpenIdMetadataUrl { get; set; } = DefaultEntraOpenIdMetadataUrl;

    /// <summary>Tenants whose activities are accepted (<c>channelData.tenant.id</c>). <value>Default: [MicrosoftAppTenantId].</value></summary>
    public string[] AllowedTenants { get; set; } = [];

    /// <summary>Hosts an inbound <c>serviceUrl</c> may point to. <value>Default <see cref="ServiceUrlPolicy.DefaultHosts"/>.</value></summary>
    public string[] AllowedServiceUrlHosts { get; set; } = [];

    /// <summary>Playground/demo mode: unauthenticated requests and loopback service URLs are accepted. Only allowed when
    /// every listening address is loopback. <value>Default false.</value></summary>
    public bool LocalMode { get; set; }

    /// <summary>Queued (non-invoke) turns waiting for processing; a full queue answers 503. <value>Default 1000.</value></summary>
    [Range(1, 100_000)]
    public int TurnQueueCapacity { get; set; } = 1000;

    /// <summary>Turns processed in parallel by the background processor. <value>Default 4.</value></summary>
    [Range(1, 64)]
    public int TurnWorkers { get; set; } = 4;

    /// <summary>Time a queued turn may run before it is cancelled. <value>Default 300 seconds.</value></summary>
    [Range(1, 3600)]
    public int TurnTimeoutSeconds { get; set; } = 300;

    /// <summary>Time an invoke handler may run (Teams gives up after 10–15 s). <value>Default 15 seconds.</value></summary>
    [Range(1, 120)]
    public int InvokeTimeoutSeconds { get; set; } = 15;

    /// <summary>How long a bearer token that passed full validation is remembered, so the same token (the Bot Connector
    /// reuses one for many activities) is not signature-checked again; never past its expiry. The per-activity checks
    /// always run. 0 validates every request in full. <value>Default 300 seconds.</value></summary>
    [Range(0, 3600)]
    public int TokenCacheSeconds { get; set; } = 300;

    /// <summary>Runs of a stored inbound turn (message, conversationUpdate, …) before it is dead-lettered: a handler that
    /// throws is retried with backoff, and a turn cut short by a crash counts as a run. <value>Default 3.</value></summary>
    [Range(1, 100)]
    public int InboundMaxAttempts { get; set; } = 3;

    /// <summary>Wait before the first retry of a failed inbound turn; doubles per attempt. <value>Default 2 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "01:00:00")]
    public TimeSpan InboundRetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest wait between retries of a failed inbound turn. <value>Default 1 minute.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.001", "1.00:00:00")]
    public TimeSpan InboundRetryMaxDelay { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Lease of an instance on the stored turns it holds, renewed while it runs; after a crash the turns run
    /// again when it has run out (at once after a graceful stop). <value>Default 30 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan InboundLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often stored turns that are due (retries, a dead instance's turns) are looked for. <value>Default 2 seconds.</value></summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan InboundPollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Finished inbound turns are kept this long (a re-delivery of the same activity within it is recognised and
    /// not run again), then deleted by the retention job; dead ones are kept. <value>Default 2 days.</value></summary>
    [Range(typeof(TimeSpan), "00:01:00", "365.00:00:00")]
    public TimeSpan InboundRetention { get; set; } = TimeSpan.FromDays(2);

    /// <summary>The Entra metadata URL with the tenant filled in.</summary>
    public string EntraMetadataUrlForTenant =>
        EntraOpenIdMetadataUrl.Replace("{tenantId}", MicrosoftAppTenantId ?? string.Empty, StringComparison.OrdinalIgnoreCase);

    /// <summary>True when an app id is configured (then a present or missing token is always checked against it).</summary>
    public bool HasAppId => !string.IsNullOrWhiteSpace(MicrosoftAppId);
}
