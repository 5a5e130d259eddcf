using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Hosting;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace CrisisBot.Protocol.Auth;

/// <summary>
/// Authenticates an inbound activity (teams-protocol.md §2, Appendix A): the bearer token on one of two issuer paths,
/// then the tenant allow-list and the serviceUrl policy. Logs every rejection with its reason (never the token).
/// </summary>
internal sealed class BotAuthenticator(
    IOptions<BotOptions> options,
    OpenIdMetadataCache metadata,
    TimeProvider timeProvider,
    ILogger<BotAuthenticator> logger)
{
    private readonly BotOptions _options = options.Value;
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    /// <summary>Tokens that passed full validation recently (<c>Bot:TokenCacheSeconds</c>); see <see cref="ValidatedTokenCache"/>.</summary>
    internal ValidatedTokenCache TokenCache { get; } = new(TimeSpan.FromSeconds(options.Value.TokenCacheSeconds), timeProvider);

    public async Task<AuthResult> AuthenticateAsync(string? authorizationHeader, Activity activity, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var result = await AuthenticateTokenAsync(authorizationHeader, activity, ct);
        if (result.Succeeded)
        {
            result = CheckActivity(activity) ?? result;
        }

        if (!result.Succeeded)
        {
            ProtocolLog.AuthRejected(logger, activity.Id, activity.Type, result.StatusCode, result.Reason ?? "rejected");
        }
        else if (result.Issuer is null)
        {
            ProtocolLog.UnauthenticatedAccepted(logger, activity.Id);
        }

        return result;
    }

    private AuthResult? CheckActivity(Activity activity)
    {
        var tenant = IssuerRules.TenantOf(activity);
        if (!IssuerRules.IsTenantAllowed(tenant, _options.AllowedTenants))
        {
            return AuthResult.Forbidden(tenant is null
                ? "the activity carries no tenant id (or channelData.tenant.id and conversation.tenantId disagree)"
                : $"tenant {tenant} is not in Bot:AllowedTenants");
        }

        if (!ServiceUrlPolicy.IsAllowed(activity.ServiceUrl, _options.AllowedServiceUrlHosts, _options.LocalMode))
        {
            return AuthResult.Forbidden($"serviceUrl '{activity.ServiceUrl}' is not an allowed Connector host (Bot:AllowedServiceUrlHosts)");
        }

        return null;
    }

    private async Task<AuthResult> AuthenticateTokenAsync(string? authorizationHeader, Activity activity, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            return _options.LocalMode
                ? AuthResult.Anonymous
                : AuthResult.Unauthorized("no Authorization header");
        }

        const string scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return AuthResult.Unauthorized("Authorization scheme is not Bearer");
        }

        if (!_options.HasAppId)
        {
            return AuthResult.Unauthorized("a token was sent but no MicrosoftAppId is configured to validate it against");
        }

        // A token validated recently (Bot:TokenCacheSeconds) comes back parsed, without copying it out of the header.
        var tokenSpan = authorizationHeader.AsSpan(scheme.Length).Trim();
        var hit = TokenCache.TryGet(tokenSpan, out var cachedJwt);
        var cached = hit && cachedJwt is not null;
        var token = cached ? cachedJwt!.EncodedToken : tokenSpan.ToString();
        JsonWebToken jwt;
        if (cached)
        {
            jwt = cachedJwt!;
        }
        else
        {
            try
            {
                jwt = _handler.ReadJsonWebToken(token);
            }
            catch (ArgumentException)
            {
                return AuthResult.Unauthorized("the bearer token is not a well-formed JWT");
            }
        }

        if (!IssuerRules.IsAllowedAlgorithm(jwt.Alg))
        {
            return AuthResult.Unauthorized($"signing algorithm '{jwt.Alg}' not allowed (RS256/384/512 only)");
        }

        var appId = _options.MicrosoftAppId!;
        switch (IssuerRules.Classify(jwt.Issuer, _options.MicrosoftAppTenantId))
        {
            case IssuerKind.BotFramework:
            {
                if (!hit)
                {
                    var validation = await ValidateAsync(token, jwt, metadata.BotFramework, _options.OpenIdMetadataUrl,
                        [IssuerRules.BotFrameworkIssuer], [appId], ct);
                    if (validation is not null)
                    {
                        return validation;
                    }

                    TokenCache.Add(token, jwt.ValidTo, jwt);
                }

                EndorsementSet endorsements;
                try
                {
                    endorsements = await metadata.BotFrameworkEndorsements.GetConfigurationAsync(ct);
                }
                catch (Exception ex) when (ex is InvalidOperationException or IOException or HttpRequestException or System.Text.Json.JsonException)
                {
                    ProtocolLog.MetadataUnavailable(logger, ex, _options.OpenIdMetadataUrl);
                    return AuthResult.Unauthorized("signing key endorsements unavailable");
                }

                if (!IssuerRules.IsEndorsed(endorsements.For(jwt.Kid), activity.ChannelId))
                {
                    return AuthResult.Unauthorized($"signing key {jwt.Kid} is not endorsed for channel '{activity.ChannelId}'");
                }

                if (!IssuerRules.ServiceUrlMatches(ServiceUrlClaim(jwt), activity.ServiceUrl))
                {
                    return AuthResult.Unauthorized("the token's serviceurl claim is missing or does not match activity.serviceUrl");
                }

                ProtocolLog.TokenAccepted(logger, jwt.Issuer, "Bot Framework", activity.Id);
                return AuthResult.Accepted(jwt.Issuer);
            }

            case IssuerKind.EntraTenant when metadata.Entra is not null:
            {
                if (!hit)
                {
                    var validation = await ValidateAsync(token, jwt, metadata.Entra, _options.EntraMetadataUrlForTenant,
                        IssuerRules.EntraIssuers(_options.MicrosoftAppTenantId!), IssuerRules.EntraAudiences(appId), ct);
                    if (validation is not null)
                    {
                        return validation;
                    }

                    TokenCache.Add(token, jwt.ValidTo, jwt);
                }

                var claim = ServiceUrlClaim(jwt);
                if (claim is not null && !IssuerRules.ServiceUrlMatches(claim, activity.ServiceUrl))
                {
                    return AuthResult.Unauthorized("the token's serviceurl claim does not match activity.serviceUrl");
                }

                ProtocolLog.TokenAccepted(logger, jwt.Issuer, "Entra", activity.Id);
                return AuthResult.Accepted(jwt.Issuer);
            }

            default:
                return AuthResult.Unauthorized($"untrusted issuer '{jwt.Issuer}'");
        }
    }

    /// <returns>Null when the token is valid; otherwise the rejection.</returns>
    private async Task<AuthResult?> ValidateAsync(
        string token, JsonWebToken jwt, ConfigurationManager<OpenIdConnectConfiguration> manager, string address,
        IReadOnlyList<string> issuers, IReadOnlyList<string> audiences, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = await manager.GetConfigurationAsync(ct);
            }
            catch (InvalidOperationException ex)
            {
                ProtocolLog.MetadataUnavailable(logger, ex, address);
                return AuthResult.Unauthorized("OpenID metadata unavailable");
            }

            var parameters = new TokenValidationParameters
            {
                ValidIssuers = issuers,
                ValidAudiences = audiences,
                IssuerSigningKeys = configuration.SigningKeys,
                ValidAlgorithms = IssuerRules.AllowedAlgorithms,
                ClockSkew = IssuerRules.ClockSkew,
                RequireSignedTokens = true,
                RequireExpirationTime = true,
                ValidateIssuer = true,
                ValidateAudience = true,
                ValidateLifetime = true,
                ValidateIssuerSigningKey = true,
                TryAllIssuerSigningKeys = false,
                LifetimeValidator = ValidateLifetime,
            };

            var result = await _handler.ValidateTokenAsync(token, parameters);
            if (result.IsValid)
            {
                return null;
            }

            if (attempt == 0 && result.Exception is SecurityTokenSignatureKeyNotFoundException)
            {
                // Keys rotate: refresh once (ConfigurationManager rate-limits refreshes) and try again.
                ProtocolLog.RefreshingKeys(logger, jwt.Kid);
                manager.RequestRefresh();
                if (jwt.Issuer == IssuerRules.BotFrameworkIssuer)
                {
                    metadata.BotFrameworkEndorsements.RequestRefresh();
                }

                continue;
            }

            return AuthResult.Unauthorized(Describe(result.Exception));
        }
    }

    /// <summary>Lifetime against the injected <see cref="TimeProvider"/> with <see cref="IssuerRules.ClockSkew"/>.</summary>
    private bool ValidateLifetime(DateTime? notBefore, DateTime? expires, SecurityToken token, TokenValidationParameters parameters)
    {
        var now = timeProvider.GetUtcNow().UtcDateTime;
        if (expires is null)
        {
            throw new SecurityTokenNoExpirationException("The token has no expiry.");
        }

        if (notBefore is { } nbf && nbf > now + IssuerRules.ClockSkew)
        {
            throw new SecurityTokenNotYetValidException("The token is not yet valid.") { NotBefore = nbf };
        }

        if (expires.Value < now - IssuerRules.ClockSkew)
        {
            throw new SecurityTokenExpiredException("The token has expired.") { Expires = expires.Value };
        }

        return true;
    }

    private static string? ServiceUrlClaim(JsonWebToken jwt) =>
        jwt.TryGetPayloadValue<string>(IssuerRules.ServiceUrlClaim, out var value) ? value : null;

    private static string Describe(Exception? exception) => exception switch
    {
        SecurityTokenExpiredException => "token expired",
        SecurityTokenNotYetValidException => "token not yet valid",
        SecurityTokenNoExpirationException => "token has no expiry",
        SecurityTokenInvalidAudienceException => "wrong audience",
        SecurityTokenInvalidIssuerException => "wrong issuer",
        SecurityTokenInvalidAlgorithmException => "signing algorithm not allowed",
        SecurityTokenSignatureKeyNotFoundException => "signed by an unknown key",
        SecurityTokenInvalidSignatureException => "invalid signature",
        null => "token rejected",
        _ => $"token rejected ({exception.GetType().Name})",
    };
}
