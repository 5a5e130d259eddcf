using CrisisBot.Protocol.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;

namespace CrisisBot.Protocol.Auth;

/// <summary>
/// Cached OpenID configurations (keys) for both issuer paths, plus the raw-JWKS endorsements of the Bot Framework keys.
/// Each is a <see cref="ConfigurationManager{T}"/>, which refreshes periodically and on request (unknown <c>kid</c>).
/// </summary>
internal sealed class OpenIdMetadataCache
{
    public OpenIdMetadataCache(IOptions<BotOptions> options, OpenIdDocumentRetriever documents)
    {
        ArgumentNullException.ThrowIfNull(options);
        var o = options.Value;
        BotFramework = new ConfigurationManager<OpenIdConnectConfiguration>(
            o.OpenIdMetadataUrl, new OpenIdConnectConfigurationRetriever(), documents);
        BotFrameworkEndorsements = new ConfigurationManager<EndorsementSet>(
            o.OpenIdMetadataUrl, new EndorsementsRetriever(), documents);
        Entra = string.IsNullOrWhiteSpace(o.MicrosoftAppTenantId)
            ? null
            : new ConfigurationManager<OpenIdConnectConfiguration>(
                o.EntraMetadataUrlForTenant, new OpenIdConnectConfigurationRetriever(), documents);
    }

    public ConfigurationManager<OpenIdConnectConfiguration> BotFramework { get; }

    public ConfigurationManager<EndorsementSet> BotFrameworkEndorsements { get; }

    /// <summary>Null when no tenant is configured (local mode): the Entra path is then unavailable.</summary>
    public ConfigurationManager<OpenIdConnectConfiguration>? Entra { get; }
}
