using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>
/// A local stand-in for login.botframework.com and the Entra tenant: RSA keys, OpenID metadata, a JWKS whose keys carry
/// Bot Framework <c>endorsements</c>, and signed test tokens. The documents are served by <see cref="CreateHandler"/>
/// (an in-memory <see cref="HttpMessageHandler"/> answering the loopback URLs below; nothing leaves the process).
/// </summary>
/// <remarks>
/// Typical use: <c>using var issuer = new TestTokenIssuer(); using var factory = CrisisBotFactory.Authenticated(issuer);</c>
/// then <c>factory.PostActivityAsync(activity, issuer.CreateToken())</c>.
/// </remarks>
public sealed class TestTokenIssuer : IDisposable
{
    /// <summary>The bot's app id in tests (audience of valid tokens; recipient id is <c>28:{AppId}</c>).</summary>
    public const string AppId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";

    /// <summary>The bot's home tenant, also the only allowed tenant by default.</summary>
    public const string TenantId = "0b1c2d3e-4f50-4a61-b723-c4d5e6f7a8b9";

    /// <summary>A tenant that is not allowed.</summary>
    public const string OtherTenantId = "99999999-8888-4777-8666-555555555555";

    public const string BotFrameworkIssuer = "https://api.botframework.com";

    /// <summary>The Teams serviceUrl used by <see cref="TestData.ActivityBuilder"/> and put in the <c>serviceurl</c> claim.</summary>
    public const string ServiceUrl = "https://smba.trafficmanager.net/amer/";

    public const string MetadataUrl = "http://localhost/test-botframework/v1/.well-known/openidconfiguration";
    public const string JwksUrl = "http://localhost/test-botframework/v1/.well-known/keys";
    public const string EntraMetadataUrlTemplate = "http://localhost/test-entra/{tenantId}/v2.0/.well-known/openid-configuration";

    /// <summary>Key id of the key endorsed for <c>msteams</c> (signs valid tokens).</summary>
    public const string TeamsKeyId = "teams-key";

    /// <summary>Key id of a published key endorsed only for <c>webchat</c>.</summary>
    public const string UnendorsedKeyId = "webchat-only-key";

    /// <summary>Key id of a key that is not published in any JWKS.</summary>
    public const string UnknownKeyId = "unknown-key";

    /// <summary>Key id of the Entra tenant's signing key.</summary>
    public const string EntraKeyId = "entra-key";

    // RSA key generation is slow on a busy machine: the keys are generated once per test run and shared.
    private static readonly Lazy<RSA[]> SharedKeys = new(() => [RSA.Create(2048), RSA.Create(2048), RSA.Create(2048), RSA.Create(2048)]);

    private readonly RSA _teamsKey = SharedKeys.Value[0];
    private readonly RSA _unendorsedKey = SharedKeys.Value[1];
    private readonly RSA _unknownKey = SharedKeys.Value[2];
    private readonly RSA _entraKey = SharedKeys.Value[3];
    private readonly TimeProvider _time;

    public TestTokenIssuer(TimeProvider? time = null) => _time = time ?? TimeProvider.System;

    public static string EntraMetadataUrl => EntraMetadataUrlTemplate.Replace("{tenantId}", TenantId, StringComparison.Ordinal);

    public static string EntraJwksUrl => $"http://localhost/test-entra/{TenantId}/discovery/v2.0/keys";

    public static string EntraIssuerV2 => $"https://login.microsoftonline.com/{TenantId}/v2.0";

    public static string EntraIssuerV1 => $"https://sts.windows.net/{TenantId}/";

    /// <summary>Number of metadata/JWKS documents served so far (all handlers of this issuer).</summary>
    public int DocumentRequests => _documentRequests;

    private int _documentRequests;

    /// <summary>Configuration that points the bot at this issuer (app id, tenant, metadata URLs).</summary>
    public static IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>
    {
        ["MicrosoftAppId"] = AppId,
        ["MicrosoftAppPassword"] = "test-only-placeholder-not-a-credential",
        ["MicrosoftAppTenantId"] = TenantId,
        ["MicrosoftAppType"] = "SingleTenant",
        ["Bot:OpenIdMetadataUrl"] = MetadataUrl,
        ["Bot:EntraOpenIdMetadataUrl"] = EntraMetadataUrlTemplate,
    };

    /// <summary>Serves the Bot Framework and Entra metadata and JWKS documents; 404 for anything else.</summary>
    public HttpMessageHandler CreateHandler() => new DocumentHandler(this);

    /// <summary>A valid Bot Framework token for the test bot, unless <paramref name="spec"/> changes something.</summary>
    public string CreateToken(TokenSpec? spec = null)
    {
        spec ??= new TokenSpec();
        var now = _time.GetUtcNow().UtcDateTime;
        var (key, kid) = spec.KeyId switch
        {
            TeamsKeyId => (_teamsKey, TeamsKeyId),
            UnendorsedKeyId => (_unendorsedKey, UnendorsedKeyId),
            UnknownKeyId => (_unknownKey, UnknownKeyId),
            EntraKeyId => (_entraKey, EntraKeyId),
            _ => throw new ArgumentException($"Unknown test key '{spec.KeyId}'.", nameof(spec)),
        };

        var claims = new Dictionary<string, object>();
        if (spec.ServiceUrl is not null)
        {
            claims["serviceurl"] = spec.ServiceUrl;
        }

        var descriptor = new SecurityTokenDescriptor
        {
            Issuer = spec.Issuer,
            Audience = spec.Audience,
            IssuedAt = now + spec.NotBeforeOffset,
            NotBefore = now + spec.NotBeforeOffset,
            Expires = now + spec.ExpiresOffset,
            Claims = claims,
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(key) { KeyId = kid }, spec.Algorithm),
        };
        return new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(descriptor);
    }

    /// <summary>A valid token on the Entra path (tenant v2 issuer, tenant key, serviceurl claim).</summary>
    public string CreateEntraToken(string? issuer = null, string? audience = null) => CreateToken(new TokenSpec
    {
        Issuer = issuer ?? EntraIssuerV2,
        Audience = audience ?? AppId,
        KeyId = EntraKeyId,
    });

    /// <summary>An unsigned token (<c>alg: none</c>) with otherwise valid claims.</summary>
    public string CreateUnsignedToken()
    {
        var header = new JsonObject { ["alg"] = "none", ["typ"] = "JWT", ["kid"] = TeamsKeyId };
        return $"{Base64UrlEncoder.Encode(header.ToJsonString())}.{Base64UrlEncoder.Encode(ValidPayload().ToJsonString())}.";
    }

    /// <summary>The classic key-confusion attack: HS256, HMAC keyed with the endorsed key's public key (PEM) as the secret.</summary>
    public string CreateHs256TokenWithPublicKeyAsSecret()
    {
        var secret = Encoding.UTF8.GetBytes(_teamsKey.ExportSubjectPublicKeyInfoPem());
        var header = new JsonObject { ["alg"] = "HS256", ["typ"] = "JWT", ["kid"] = TeamsKeyId };
        var signingInput = $"{Base64UrlEncoder.Encode(header.ToJsonString())}.{Base64UrlEncoder.Encode(ValidPayload().ToJsonString())}";
        var signature = HMACSHA256.HashData(secret, Encoding.ASCII.GetBytes(signingInput));
        return $"{signingInput}.{Base64UrlEncoder.Encode(signature)}";
    }

    /// <summary>Nothing to release today (keys are shared); kept so callers can scope an issuer with <c>using</c>.</summary>
    public void Dispose()
    {
    }

    private JsonObject ValidPayload()
    {
        var now = _time.GetUtcNow().ToUnixTimeSeconds();
        return new JsonObject
        {
            ["iss"] = BotFrameworkIssuer,
            ["aud"] = AppId,
            ["serviceurl"] = ServiceUrl,
            ["nbf"] = now - 60,
            ["iat"] = now - 60,
            ["exp"] = now + 3600,
        };
    }

    private static JsonObject Jwk(RSA key, string kid, params string[] endorsements)
    {
        var p = key.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = kid,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
        };
        if (endorsements.Length > 0)
        {
            jwk["endorsements"] = new JsonArray(endorsements.Select(e => (JsonNode)JsonValue.Create(e)).ToArray());
        }

        return jwk;
    }

    private string? Document(Uri uri)
    {
        var url = uri.GetLeftPart(UriPartial.Path);
        if (url == MetadataUrl)
        {
            return new JsonObject
            {
                ["issuer"] = BotFrameworkIssuer,
                ["authorization_endpoint"] = "https://invalid.botframework.test/v1/.well-known/authorize",
                ["jwks_uri"] = JwksUrl,
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
                ["token_endpoint_auth_methods_supported"] = new JsonArray("private_key_jwt"),
            }.ToJsonString();
        }

        if (url == JwksUrl)
        {
            return new JsonObject
            {
                ["keys"] = new JsonArray(
                    Jwk(_teamsKey, TeamsKeyId, "msteams", "webchat"),
                    Jwk(_unendorsedKey, UnendorsedKeyId, "webchat")),
            }.ToJsonString();
        }

        if (url == EntraMetadataUrl)
        {
            return new JsonObject
            {
                ["issuer"] = EntraIssuerV2,
                ["jwks_uri"] = EntraJwksUrl,
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            }.ToJsonString();
        }

        if (url == EntraJwksUrl)
        {
            return new JsonObject { ["keys"] = new JsonArray(Jwk(_entraKey, EntraKeyId)) }.ToJsonString();
        }

        return null;
    }

    private sealed class DocumentHandler(TestTokenIssuer issuer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref issuer._documentRequests);
            var document = request.Method == HttpMethod.Get && request.RequestUri is not null ? issuer.Document(request.RequestUri) : null;
            var response = document is null
                ? new HttpResponseMessage(HttpStatusCode.NotFound)
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent(document, Encoding.UTF8, "application/json") };
            return Task.FromResult(response);
        }
    }
}

/// <summary>What to put in a test token. The defaults make a valid Bot Framework token for the test bot.</summary>
public sealed record TokenSpec
{
    public string Issuer { get; init; } = TestTokenIssuer.BotFrameworkIssuer;
    public string Audience { get; init; } = TestTokenIssuer.AppId;

    /// <summary>The <c>serviceurl</c> claim; null leaves it out.</summary>
    public string? ServiceUrl { get; init; } = TestTokenIssuer.ServiceUrl;

    public string KeyId { get; init; } = TestTokenIssuer.TeamsKeyId;
    public string Algorithm { get; init; } = SecurityAlgorithms.RsaSha256;
    public TimeSpan NotBeforeOffset { get; init; } = TimeSpan.FromMinutes(-1);
    public TimeSpan ExpiresOffset { get; init; } = TimeSpan.FromHours(1);
}
