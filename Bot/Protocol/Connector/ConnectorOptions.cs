namespace CrisisBot.Protocol.Connector;

/// <summary>
/// Outbound Connector settings. The keys follow Bot Framework naming: <c>MicrosoftAppId</c>, <c>MicrosoftAppPassword</c>
/// and <c>MicrosoftAppTenantId</c> at the root, <c>Bot:LocalMode</c>, <c>Bot:AllowedServiceUrlHosts</c>, and the
/// <c>Connector</c> section for the retry settings. Bound in <see cref="ConnectorServiceCollectionExtensions.AddBotConnector"/>
/// and validated at startup by <see cref="ConnectorOptionsValidator"/>.
/// </summary>
public sealed class ConnectorOptions
{
    /// <summary>The bot's Entra app (client) id. Required outside local mode.</summary>
    public string? MicrosoftAppId { get; set; }

    /// <summary>The app's client secret. Required outside local mode. Comes from user-secrets or the environment only.</summary>
    public string? MicrosoftAppPassword { get; set; }

    /// <summary>The tenant of the single-tenant registration (GUID or verified domain). Required outside local mode.</summary>
    public string? MicrosoftAppTenantId { get; set; }

    /// <summary><c>Bot:LocalMode</c>: talk to the Agents Playground on loopback, never fetch a token.</summary>
    /// <value>Default <see langword="false"/>.</value>
    public bool LocalMode { get; set; }

    /// <summary><c>Bot:AllowedServiceUrlHosts</c>: the only hosts that ever receive the bot's token.</summary>
    /// <value>Default <see cref="ServiceUrlPolicy.DefaultHosts"/>.</value>
    public IReadOnlyList<string> AllowedServiceUrlHosts { get; set; } = ServiceUrlPolicy.DefaultHosts;

    /// <summary><c>Connector:MaxRetries</c>: retries after the first attempt, 0 to 10.</summary>
    /// <value>Default 4.</value>
    public int MaxRetries { get; set; } = 4;

    /// <summary><c>Connector:BaseDelay</c>: the first backoff delay when no <c>Retry-After</c> is given.</summary>
    /// <value>Default 2 seconds.</value>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary><c>Connector:MaxDelay</c>: the longest backoff delay when no <c>Retry-After</c> is given.</summary>
    /// <value>Default 20 seconds.</value>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary><c>Connector:AttemptTimeout</c>: how long one HTTP attempt may take before it is abandoned (and retried).</summary>
    /// <value>Default 30 seconds; 10 ms to 10 minutes.</value>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// <c>Connector:MaxRetryAfter</c>: the longest <c>Retry-After</c> the client waits for. A longer one is not retried:
    /// the 429 surfaces as a <see cref="ConnectorException"/> so the caller (the outbound queue) can reschedule.
    /// </summary>
    /// <value>Default 60 seconds.</value>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(60);
}
