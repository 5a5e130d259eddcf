using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Auth;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Hosting;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.Tokens;

namespace CrisisBot.Tests.Protocol.Auth;

/// <summary>The authenticator without HTTP: each rejection must fail for the intended reason, not by accident.</summary>
public sealed class BotAuthenticatorTests : IDisposable
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));
    private readonly TestTokenIssuer _issuer;
    private readonly ServiceProvider _services;

    public BotAuthenticatorTests()
    {
        _issuer = new TestTokenIssuer(_time);
        _services = new ServiceCollection()
            .AddHttpClient(OpenIdDocumentRetriever.HttpClientName).ConfigurePrimaryHttpMessageHandler(_issuer.CreateHandler).Services
            .BuildServiceProvider();
    }

    public void Dispose()
    {
        _services.Dispose();
        _issuer.Dispose();
    }

    [Fact]
    public async Task AuthenticateAsync_ValidBotFrameworkToken_SucceedsWithIssuer()
    {
        var result = await Authenticator().AuthenticateAsync($"Bearer {_issuer.CreateToken()}", Personal());

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(TestTokenIssuer.BotFrameworkIssuer, result.Issuer);
    }

    [Theory]
    [InlineData("expired", "token expired")]
    [InlineData("not-yet-valid", "token not yet valid")]
    [InlineData("wrong-audience", "wrong audience")]
    [InlineData("wrong-issuer", "untrusted issuer")]
    [InlineData("unknown-key", "unknown key")]
    [InlineData("unendorsed-key", "not endorsed")]
    [InlineData("serviceurl-mismatch", "serviceurl")]
    [InlineData("alg-none", "algorithm 'none' not allowed")]
    [InlineData("hs256-public-key", "algorithm 'HS256' not allowed")]
    [InlineData("missing-header", "no Authorization header")]
    [InlineData("other-tenant", "not in Bot:AllowedTenants")]
    [InlineData("serviceurl-host", "not an allowed Connector host")]
    [InlineData("entra-other-tenant", "untrusted issuer")]
    public async Task AuthenticateAsync_BadRequest_FailsForTheIntendedReason(string scenario, string expectedReason)
    {
        var activity = Personal();
        string? token = scenario switch
        {
            "expired" => _issuer.CreateToken(new TokenSpec { NotBeforeOffset = TimeSpan.FromHours(-2), ExpiresOffset = TimeSpan.FromMinutes(-6) }),
            "not-yet-valid" => _issuer.CreateToken(new TokenSpec { NotBeforeOffset = TimeSpan.FromMinutes(6) }),
            "wrong-audience" => _issuer.CreateToken(new TokenSpec { Audience = Guid.NewGuid().ToString() }),
            "wrong-issuer" => _issuer.CreateToken(new TokenSpec { Issuer = "https://sts.windows.net/" + TestTokenIssuer.OtherTenantId + "/" }),
            "unknown-key" => _issuer.CreateToken(new TokenSpec { KeyId = TestTokenIssuer.UnknownKeyId }),
            "unendorsed-key" => _issuer.CreateToken(new TokenSpec { KeyId = TestTokenIssuer.UnendorsedKeyId }),
            "serviceurl-mismatch" => _issuer.CreateToken(new TokenSpec { ServiceUrl = "https://smba.trafficmanager.net/emea/" }),
            "alg-none" => _issuer.CreateUnsignedToken(),
            "hs256-public-key" => _issuer.CreateHs256TokenWithPublicKeyAsSecret(),
            "missing-header" => null,
            "other-tenant" => _issuer.CreateToken(),
            "serviceurl-host" => _issuer.CreateToken(new TokenSpec { ServiceUrl = "https://evil.example.com/" }),
            "entra-other-tenant" => _issuer.CreateEntraToken($"https://login.microsoftonline.com/{TestTokenIssuer.OtherTenantId}/v2.0"),
            _ => throw new ArgumentOutOfRangeException(nameof(scenario)),
        };
        if (scenario == "other-tenant")
        {
            activity.ChannelData!.Tenant!.Id = TestTokenIssuer.OtherTenantId;
            activity.Conversation!.TenantId = TestTokenIssuer.OtherTenantId;
        }

        if (scenario == "serviceurl-host")
        {
            activity.ServiceUrl = "https://evil.example.com/";
        }

        var result = await Authenticator().AuthenticateAsync(token is null ? null : $"Bearer {token}", activity);

        Assert.False(result.Succeeded);
        Assert.Contains(expectedReason, result.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(scenario is "other-tenant" or "serviceurl-host" ? 403 : 401, result.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenExpiresLaterOnTheClock_IsRejectedThen()
    {
        var token = _issuer.CreateToken(new TokenSpec { ExpiresOffset = TimeSpan.FromMinutes(10) });
        var authenticator = Authenticator();

        var before = await authenticator.AuthenticateAsync($"Bearer {token}", Personal());
        _time.Advance(TimeSpan.FromMinutes(16));
        var after = await authenticator.AuthenticateAsync($"Bearer {token}", Personal());

        Assert.True(before.Succeeded, before.Reason);
        Assert.False(after.Succeeded);
        Assert.Equal("token expired", after.Reason);
    }

    [Fact]
    public async Task AuthenticateAsync_Ps256_IsRejectedAsDisallowedAlgorithm()
    {
        var token = _issuer.CreateToken(new TokenSpec { Algorithm = SecurityAlgorithms.RsaSsaPssSha256 });

        var result = await Authenticator().AuthenticateAsync($"Bearer {token}", Personal());

        Assert.False(result.Succeeded);
        Assert.Equal("signing algorithm 'PS256' not allowed (RS256/384/512 only)", result.Reason);
    }

    [Fact]
    public async Task AuthenticateAsync_EntraTokenWithoutServiceUrlClaim_Succeeds()
    {
        var token = _issuer.CreateToken(new TokenSpec { Issuer = TestTokenIssuer.EntraIssuerV1, KeyId = TestTokenIssuer.EntraKeyId, ServiceUrl = null });

        var result = await Authenticator().AuthenticateAsync($"Bearer {token}", Personal());

        Assert.True(result.Succeeded, result.Reason);
        Assert.Equal(TestTokenIssuer.EntraIssuerV1, result.Issuer);
    }

    [Fact]
    public async Task AuthenticateAsync_LocalModeWithoutHeader_AcceptsLoopbackServiceUrl()
    {
        var activity = Personal();
        activity.ServiceUrl = "http://localhost:56150/_connector";

        var result = await Authenticator(o => { o.LocalMode = true; }).AuthenticateAsync(null, activity);

        Assert.True(result.Succeeded, result.Reason);
        Assert.Null(result.Issuer);
    }

    [Fact]
    public async Task AuthenticateAsync_LocalModeWithInvalidHeader_StillValidatesTheToken()
    {
        var token = _issuer.CreateToken(new TokenSpec { Audience = Guid.NewGuid().ToString() });

        var result = await Authenticator(o => { o.LocalMode = true; }).AuthenticateAsync($"Bearer {token}", Personal());

        Assert.False(result.Succeeded);
        Assert.Equal("wrong audience", result.Reason);
    }

    [Fact]
    public async Task AuthenticateAsync_LocalModeWithoutAppIdButWithHeader_IsRejected()
    {
        var result = await Authenticator(o => { o.LocalMode = true; o.MicrosoftAppId = null; })
            .AuthenticateAsync($"Bearer {_issuer.CreateToken()}", Personal());

        Assert.False(result.Succeeded);
        Assert.Equal(401, result.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_Rejection_LogsWarningWithReasonButNeverTheToken()
    {
        var logger = new ListLogger<BotAuthenticator>();
        var token = _issuer.CreateToken(new TokenSpec { Audience = Guid.NewGuid().ToString() });

        await Authenticator(logger: logger).AuthenticateAsync($"Bearer {token}", Personal());

        var entry = Assert.Single(logger.Entries, e => e.Level == LogLevel.Warning);
        Assert.Equal(101, entry.EventId.Id);
        Assert.Contains("401: wrong audience", entry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(logger.Entries, e => e.Message.Contains(token.Split('.')[1], StringComparison.Ordinal));
    }

    [Fact]
    public async Task AuthenticateAsync_AcceptedToken_LogsIssuerAtDebug()
    {
        var logger = new ListLogger<BotAuthenticator>();

        await Authenticator(logger: logger).AuthenticateAsync($"Bearer {_issuer.CreateToken()}", Personal());

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Debug, entry.Level);
        Assert.Contains(TestTokenIssuer.BotFrameworkIssuer, entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AuthenticateAsync_SameTokenTwice_SecondSkipsTheSignatureCheckAndSucceeds()
    {
        var authenticator = Authenticator();
        var header = $"Bearer {_issuer.CreateToken()}";

        var first = await authenticator.AuthenticateAsync(header, Personal());
        var second = await authenticator.AuthenticateAsync(header, Personal());

        Assert.True(first.Succeeded, first.Reason);
        Assert.True(second.Succeeded, second.Reason);
        Assert.Equal(TestTokenIssuer.BotFrameworkIssuer, second.Issuer);
        Assert.Equal(1, authenticator.TokenCache.Hits);
    }

    [Theory]
    [InlineData("serviceurl-mismatch", "serviceurl", 401)]
    [InlineData("other-tenant", "not in Bot:AllowedTenants", 403)]
    [InlineData("unendorsed-channel", "not endorsed", 401)]
    public async Task AuthenticateAsync_CachedTokenOnAnotherActivity_PerActivityChecksStillRun(string scenario, string expectedReason, int status)
    {
        var authenticator = Authenticator(o => o.AllowedServiceUrlHosts = [.. ServiceUrlPolicy.DefaultHosts]);
        var header = $"Bearer {_issuer.CreateToken()}";
        var first = await authenticator.AuthenticateAsync(header, Personal());
        var activity = Personal();
        switch (scenario)
        {
            case "serviceurl-mismatch":
                activity.ServiceUrl = "https://smba.trafficmanager.net/emea/";
                break;
            case "other-tenant":
                activity.ChannelData!.Tenant!.Id = TestTokenIssuer.OtherTenantId;
                activity.Conversation!.TenantId = TestTokenIssuer.OtherTenantId;
                break;
            default:
                activity.ChannelId = "slack";
                break;
        }

        var second = await authenticator.AuthenticateAsync(header, activity);

        Assert.True(first.Succeeded, first.Reason);
        Assert.Equal(1, authenticator.TokenCache.Hits);
        Assert.False(second.Succeeded);
        Assert.Contains(expectedReason, second.Reason, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(status, second.StatusCode);
    }

    [Fact]
    public async Task AuthenticateAsync_CachedTokenPastItsExpiryAndSkew_IsRejectedAsExpired()
    {
        var authenticator = Authenticator();
        var header = $"Bearer {_issuer.CreateToken(new TokenSpec { ExpiresOffset = TimeSpan.FromMinutes(3) })}";

        var first = await authenticator.AuthenticateAsync(header, Personal());
        _time.Advance(TimeSpan.FromMinutes(9));
        var later = await authenticator.AuthenticateAsync(header, Personal());

        Assert.True(first.Succeeded, first.Reason);
        Assert.False(later.Succeeded);
        Assert.Equal("token expired", later.Reason);
        Assert.Equal(0, authenticator.TokenCache.Hits);
    }

    [Fact]
    public async Task AuthenticateAsync_RejectedToken_IsNotCached()
    {
        var authenticator = Authenticator();
        var header = $"Bearer {_issuer.CreateToken(new TokenSpec { Audience = Guid.NewGuid().ToString() })}";

        var first = await authenticator.AuthenticateAsync(header, Personal());
        var second = await authenticator.AuthenticateAsync(header, Personal());

        Assert.Equal("wrong audience", first.Reason);
        Assert.Equal("wrong audience", second.Reason);
        Assert.Equal(0, authenticator.TokenCache.Count);
    }

    [Fact]
    public async Task AuthenticateAsync_EntraTokenTwice_SecondFromTheCache()
    {
        var authenticator = Authenticator();
        var header = $"Bearer {_issuer.CreateEntraToken()}";

        var first = await authenticator.AuthenticateAsync(header, Personal());
        var second = await authenticator.AuthenticateAsync(header, Personal());

        Assert.True(first.Succeeded, first.Reason);
        Assert.True(second.Succeeded, second.Reason);
        Assert.Equal(1, authenticator.TokenCache.Hits);
    }

    [Fact]
    public async Task AuthenticateAsync_TokenCacheDisabled_ValidatesEveryRequestInFull()
    {
        var authenticator = Authenticator(o => o.TokenCacheSeconds = 0);
        var header = $"Bearer {_issuer.CreateToken()}";

        var first = await authenticator.AuthenticateAsync(header, Personal());
        var second = await authenticator.AuthenticateAsync(header, Personal());

        Assert.True(first.Succeeded && second.Succeeded, second.Reason);
        Assert.Equal(0, authenticator.TokenCache.Hits);
        Assert.Equal(0, authenticator.TokenCache.Count);
    }

    private static Activity Personal() => ActivityBuilder.Personal("ping").Build();

    private BotAuthenticator Authenticator(Action<BotOptions>? configure = null, ILogger<BotAuthenticator>? logger = null)
    {
        var options = new BotOptions
        {
            MicrosoftAppId = TestTokenIssuer.AppId,
            MicrosoftAppTenantId = TestTokenIssuer.TenantId,
            OpenIdMetadataUrl = TestTokenIssuer.MetadataUrl,
            EntraOpenIdMetadataUrl = TestTokenIssuer.EntraMetadataUrlTemplate,
            AllowedTenants = [TestTokenIssuer.TenantId],
            AllowedServiceUrlHosts = [.. ServiceUrlPolicy.DefaultHosts],
        };
        configure?.Invoke(options);
        var wrapped = Options.Create(options);
        var documents = new OpenIdDocumentRetriever(_services.GetRequiredService<IHttpClientFactory>());
        return new BotAuthenticator(wrapped, new OpenIdMetadataCache(wrapped, documents), _time, logger ?? NullLogger<BotAuthenticator>.Instance);
    }
}
