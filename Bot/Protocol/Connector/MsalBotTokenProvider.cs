using Microsoft.Extensions.Options;
using Microsoft.Identity.Client;

namespace CrisisBot.Protocol.Connector;

/// <summary>
/// Client-credentials tokens from Entra through MSAL: one confidential client app for the process, authority
/// <c>https://login.microsoftonline.com/{MicrosoftAppTenantId}</c>, scope <c>https://api.botframework.com/.default</c>.
/// MSAL's in-memory app token cache returns the cached token and refreshes it near expiry, so no cache of our own.
/// Nothing is built or fetched until the first call; in local mode a call is a bug and throws. MSAL types appear only
/// inside method bodies that run at the first token request: a field or generic argument of an MSAL type would load the
/// MSAL assembly (1.2 MB of mapped image, and its types) as soon as the Connector client is built, also in local mode.
/// </summary>
public sealed class MsalBotTokenProvider : IBotTokenProvider
{
    public const string Scope = "https://api.botframework.com/.default";
    public const string AuthorityHost = "https://login.microsoftonline.com/";

    private static readonly string[] Scopes = [Scope];

    private readonly ConnectorOptions _options;
    private readonly Lazy<object> _app; // an IConfidentialClientApplication, typed object on purpose (see above)

    public MsalBotTokenProvider(IOptions<ConnectorOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _app = new Lazy<object>(BuildApplication, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    /// <summary>The single MSAL application (built on first use). Internal for tests that check its configuration.</summary>
    internal IConfidentialClientApplication Application => (IConfidentialClientApplication)_app.Value;

    public async Task<string> GetAccessTokenAsync(CancellationToken ct = default)
    {
        if (_options.LocalMode)
        {
            throw new InvalidOperationException("Bot:LocalMode is on: the bot never fetches a Bot Framework token in local mode.");
        }

        try
        {
            var result = await Application.AcquireTokenForClient(Scopes).ExecuteAsync(ct);
            return result.AccessToken;
        }
        catch (MsalException ex)
        {
            throw new InvalidOperationException(
                $"Could not get a Bot Framework token for app '{_options.MicrosoftAppId}' in tenant '{_options.MicrosoftAppTenantId}': {ex.ErrorCode}: {ex.Message}", ex);
        }
    }

    private object BuildApplication()
    {
        if (string.IsNullOrWhiteSpace(_options.MicrosoftAppId)
            || string.IsNullOrWhiteSpace(_options.MicrosoftAppPassword)
            || string.IsNullOrWhiteSpace(_options.MicrosoftAppTenantId))
        {
            throw new InvalidOperationException(
                "MicrosoftAppId, MicrosoftAppPassword and MicrosoftAppTenantId must all be set to fetch a Bot Framework token.");
        }

        return ConfidentialClientApplicationBuilder
            .Create(_options.MicrosoftAppId)
            .WithClientSecret(_options.MicrosoftAppPassword)
            .WithAuthority(AuthorityHost + _options.MicrosoftAppTenantId)
            .Build();
    }
}
