using System.Collections.Concurrent;
using System.Net;
using CrisisBot.Protocol.Activities;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;
using Microsoft.IdentityModel.Tokens;

namespace CrisisBot.Tests.Endpoints;

/// <summary>One authenticated bot (real JWT validation against local metadata) shared by the auth matrix.</summary>
public sealed class AuthMatrixFixture : IDisposable
{
    public AuthMatrixFixture()
    {
        Issuer = new TestTokenIssuer();
        Factory = CrisisBotFactory.Authenticated(Issuer).WithRoutes(r => r
            .OnCommand("ping", (turn, command, ct) =>
            {
                Handled.Enqueue(turn.Activity.Id!);
                return Task.CompletedTask;
            })
            .OnCardAction("test.ping", (turn, action, ct) =>
            {
                Handled.Enqueue(turn.Activity.Id!);
                return Task.FromResult(CrisisBot.Protocol.Routing.InvokeResponse.Message("pong"));
            }));
    }

    public TestTokenIssuer Issuer { get; }

    public CrisisBotFactory Factory { get; }

    /// <summary>Ids of the activities a handler has seen.</summary>
    public ConcurrentQueue<string> Handled { get; } = new();

    public void Dispose()
    {
        Factory.Dispose();
        Issuer.Dispose();
    }
}

public class AuthMatrixTests(AuthMatrixFixture fixture) : IClassFixture<AuthMatrixFixture>
{
    private readonly TestTokenIssuer _issuer = fixture.Issuer;

    [Fact]
    public async Task Post_ValidBotFrameworkToken_IsAcceptedAndHandled()
    {
        var activity = ActivityBuilder.Personal("ping").Build();

        var status = await PostAsync(activity, _issuer.CreateToken());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(activity.Id!, fixture.Handled);
    }

    [Fact]
    public async Task Post_ValidTokenOnInvoke_IsAcceptedAndHandled()
    {
        var activity = ActivityBuilder.CardAction("test.ping").Build();

        var status = await PostAsync(activity, _issuer.CreateToken());

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(activity.Id!, fixture.Handled);
    }

    [Fact]
    public async Task Post_ServiceUrlClaimWithoutTrailingSlash_IsAccepted()
    {
        var activity = ActivityBuilder.Personal("ping").Build();

        var status = await PostAsync(activity, _issuer.CreateToken(new TokenSpec { ServiceUrl = TestTokenIssuer.ServiceUrl.TrimEnd('/').ToUpperInvariant() }));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains(activity.Id!, fixture.Handled);
    }

    [Fact]
    public Task Post_WrongIssuer_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { Issuer = "https://api.botframework.evil" }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_BotFrameworkIssuerWithTrailingSlash_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { Issuer = "https://api.botframework.com/" }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_WrongAudience_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { Audience = Guid.NewGuid().ToString() }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_ExpiredToken_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec
        {
            NotBeforeOffset = TimeSpan.FromHours(-2),
            ExpiresOffset = TimeSpan.FromMinutes(-6),
        }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_NotYetValidToken_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec
        {
            NotBeforeOffset = TimeSpan.FromMinutes(6),
            ExpiresOffset = TimeSpan.FromHours(1),
        }), HttpStatusCode.Unauthorized);

    [Fact]
    public async Task Post_TokenExpiredWithinClockSkew_IsAccepted()
    {
        var activity = ActivityBuilder.Personal("ping").Build();
        var token = _issuer.CreateToken(new TokenSpec { NotBeforeOffset = TimeSpan.FromHours(-1), ExpiresOffset = TimeSpan.FromMinutes(-4) });

        Assert.Equal(HttpStatusCode.OK, await PostAsync(activity, token));
    }

    [Fact]
    public Task Post_TokenSignedByUnknownKey_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { KeyId = TestTokenIssuer.UnknownKeyId }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_KeyWithoutMsteamsEndorsement_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { KeyId = TestTokenIssuer.UnendorsedKeyId }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_ActivityFromAnotherChannelThanEndorsed_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(), HttpStatusCode.Unauthorized,
            ActivityBuilder.Personal("ping").WithChannelId("skype").Build());

    [Fact]
    public Task Post_ServiceUrlClaimMismatch_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { ServiceUrl = "https://smba.trafficmanager.net/emea/" }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_ServiceUrlClaimMissing_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { ServiceUrl = null }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_AlgNone_Is401() => AssertRejectedAsync(_issuer.CreateUnsignedToken(), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_Hs256SignedWithPublicKeyAsSecret_Is401() =>
        AssertRejectedAsync(_issuer.CreateHs256TokenWithPublicKeyAsSecret(), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_Ps256SignedWithEndorsedKey_Is401BecauseOnlyRsPkcs1AlgorithmsAreAllowed() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { Algorithm = SecurityAlgorithms.RsaSsaPssSha256 }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_MissingAuthorizationHeaderWithAppIdSet_Is401() => AssertRejectedAsync(null, HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_GarbageToken_Is401() => AssertRejectedAsync("not-a-jwt", HttpStatusCode.Unauthorized);

    [Fact]
    public async Task Post_NonBearerScheme_Is401()
    {
        var activity = ActivityBuilder.Personal("ping").Build();
        using var client = fixture.Factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(ActivityBuilder.Personal("ping").WithId(activity.Id!).ToJson(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic " + _issuer.CreateToken());

        using var response = await client.SendAsync(request);
        await fixture.Factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.DoesNotContain(activity.Id!, fixture.Handled);
    }

    [Fact]
    public Task Post_AnotherTenant_Is403() =>
        AssertRejectedAsync(_issuer.CreateToken(), HttpStatusCode.Forbidden,
            ActivityBuilder.Personal("ping").WithTenant(TestTokenIssuer.OtherTenantId).Build());

    [Fact]
    public Task Post_NoTenant_Is403()
    {
        var activity = ActivityBuilder.Personal("ping").Build();
        activity.ChannelData!.Tenant = null;
        activity.Conversation!.TenantId = null;
        return AssertRejectedAsync(_issuer.CreateToken(), HttpStatusCode.Forbidden, activity);
    }

    [Fact]
    public Task Post_ServiceUrlHostNotAllowListed_Is403EvenWithValidToken()
    {
        const string evil = "https://attacker.example.com/amer/";
        return AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { ServiceUrl = evil }), HttpStatusCode.Forbidden,
            ActivityBuilder.Personal("ping").WithServiceUrl(evil).Build());
    }

    [Fact]
    public Task Post_LoopbackServiceUrlOutsideLocalMode_Is403()
    {
        const string playground = "http://localhost:56150/_connector";
        return AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { ServiceUrl = playground }), HttpStatusCode.Forbidden,
            ActivityBuilder.Personal("ping").WithServiceUrl(playground).Build());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Post_ValidEntraTenantToken_IsAccepted(bool v2Issuer)
    {
        var activity = ActivityBuilder.Personal("ping").Build();
        var token = _issuer.CreateEntraToken(issuer: v2Issuer ? TestTokenIssuer.EntraIssuerV2 : TestTokenIssuer.EntraIssuerV1);

        Assert.Equal(HttpStatusCode.OK, await PostAsync(activity, token));
        Assert.Contains(activity.Id!, fixture.Handled);
    }

    [Fact]
    public async Task Post_EntraTokenWithApiAudience_IsAccepted()
    {
        var activity = ActivityBuilder.Personal("ping").Build();

        Assert.Equal(HttpStatusCode.OK, await PostAsync(activity, _issuer.CreateEntraToken(audience: $"api://{TestTokenIssuer.AppId}")));
        Assert.Contains(activity.Id!, fixture.Handled);
    }

    [Fact]
    public Task Post_EntraTokenFromAnotherTenant_Is401() =>
        AssertRejectedAsync(_issuer.CreateEntraToken(issuer: $"https://login.microsoftonline.com/{TestTokenIssuer.OtherTenantId}/v2.0"),
            HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_EntraIssuerSignedWithBotFrameworkKey_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { Issuer = TestTokenIssuer.EntraIssuerV2 }), HttpStatusCode.Unauthorized);

    [Fact]
    public Task Post_BotFrameworkIssuerSignedWithEntraKey_Is401() =>
        AssertRejectedAsync(_issuer.CreateToken(new TokenSpec { KeyId = TestTokenIssuer.EntraKeyId }), HttpStatusCode.Unauthorized);

    private async Task<HttpStatusCode> PostAsync(Activity activity, string? token)
    {
        using var response = await fixture.Factory.PostActivityAsync(activity, token);
        await fixture.Factory.WaitForQueuedTurnsAsync();
        return response.StatusCode;
    }

    private async Task AssertRejectedAsync(string? token, HttpStatusCode expected, Activity? activity = null)
    {
        activity ??= ActivityBuilder.Personal("ping").Build();

        var status = await PostAsync(activity, token);
        var invoke = ActivityBuilder.CardAction("test.ping").WithServiceUrl(activity.ServiceUrl).WithChannelId(activity.ChannelId!).Build();
        invoke.ChannelData = activity.ChannelData;
        invoke.Conversation!.TenantId = activity.Conversation?.TenantId;
        var invokeStatus = await PostAsync(invoke, token);

        Assert.Equal(expected, status);
        Assert.Equal(expected, invokeStatus);
        Assert.DoesNotContain(activity.Id!, fixture.Handled);
        Assert.DoesNotContain(invoke.Id!, fixture.Handled);
    }
}
