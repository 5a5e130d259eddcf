using System.Net;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;

namespace CrisisBot.Tests.Protocol.Connector;

public class ConnectorAuthHandlerTests
{
    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.infra.gcc.teams.microsoft.com/teams/")]
    [InlineData("https://europe.botframework.com/")]
    public async Task SendAsync_AllowListedHttpsHost_SendsBearerToken(string serviceUrl)
    {
        using var host = ConnectorTestHost.Create();

        await host.Client.SendAsync(serviceUrl, "19:c@thread.tacv2", OutgoingActivity.Message("x"));

        Assert.Equal("Bearer fake-token-1", Assert.Single(host.Handler.List).Authorization);
        Assert.Equal(1, host.Tokens!.Calls);
    }

    [Theory]
    [InlineData("https://evil.example.com/")]
    [InlineData("https://smba.trafficmanager.net.evil.example.com/amer/")]
    [InlineData("http://smba.trafficmanager.net/amer/")]
    [InlineData("https://user:pass@smba.trafficmanager.net/amer/")]
    [InlineData("http://localhost:56150/_connector/")]
    [InlineData("http://127.0.0.1:56150/_connector/")]
    public async Task SendAsync_HostNotAllowListed_RefusedWithoutTokenOrRequest(string serviceUrl)
    {
        using var host = ConnectorTestHost.Create();

        var ex = await Assert.ThrowsAsync<ConnectorRequestRefusedException>(
            () => host.Client.SendAsync(serviceUrl, "19:c@thread.tacv2", OutgoingActivity.Message("x")));

        Assert.Contains("Bot:AllowedServiceUrlHosts", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Handler.List);
        Assert.Equal(0, host.Tokens!.Calls);
    }

    [Fact]
    public async Task SendAsync_CustomAllowList_OnlyConfiguredHostsGetToken()
    {
        using var host = ConnectorTestHost.Create(s => s["Bot:AllowedServiceUrlHosts:0"] = "connector.contoso.test");

        await host.Client.SendAsync("https://connector.contoso.test/", "a:1", OutgoingActivity.Message("x"));
        await Assert.ThrowsAsync<ConnectorRequestRefusedException>(
            () => host.Client.SendAsync("https://smba.trafficmanager.net/amer/", "a:1", OutgoingActivity.Message("x")));

        Assert.Equal("Bearer fake-token-1", Assert.Single(host.Handler.List).Authorization);
        Assert.Equal(1, host.Tokens!.Calls);
    }

    [Theory]
    [InlineData("http://localhost:56150/_connector/")]
    [InlineData("http://127.0.0.1:56150/_connector")]
    [InlineData("http://[::1]:56150/_connector/")]
    public async Task SendAsync_LocalModeLoopback_SentWithoutTokenAndWithoutTokenProviderCall(string serviceUrl)
    {
        using var host = ConnectorTestHost.Create(s => s["Bot:LocalMode"] = "true");

        await host.Client.SendAsync(serviceUrl, "19:c@thread.tacv2", OutgoingActivity.Message("x"));

        var request = Assert.Single(host.Handler.List);
        Assert.Null(request.Authorization);
        Assert.True(request.Uri.IsLoopback);
        Assert.Equal(0, host.Tokens!.Calls);
    }

    [Fact]
    public async Task SendAsync_LocalModeWithRealMsalProviderAndNoCredentials_SendsWithoutAnyTokenAttempt()
    {
        using var host = ConnectorTestHost.Create(
            s =>
            {
                s["Bot:LocalMode"] = "true";
                s["MicrosoftAppId"] = "";
                s["MicrosoftAppPassword"] = "";
                s["MicrosoftAppTenantId"] = "";
            },
            fakeTokens: false);

        var result = await host.Client.SendAsync("http://localhost:56150/_connector/", "a:1", OutgoingActivity.Message("x"));

        Assert.Equal("1", result.Id);
        Assert.Null(Assert.Single(host.Handler.List).Authorization);
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("https://evil.example.com/")]
    public async Task SendAsync_LocalModeNonLoopback_RefusedWithoutTokenCall(string serviceUrl)
    {
        using var host = ConnectorTestHost.Create(s => s["Bot:LocalMode"] = "true");

        var ex = await Assert.ThrowsAsync<ConnectorRequestRefusedException>(
            () => host.Client.SendAsync(serviceUrl, "a:1", OutgoingActivity.Message("x")));

        Assert.Contains("LocalMode", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Handler.List);
        Assert.Equal(0, host.Tokens!.Calls);
    }

    [Fact]
    public async Task SendAsync_RetriedAttempt_GetsTokenAgain()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.TooManyRequests, "", r => r.Headers.RetryAfter = new(TimeSpan.FromSeconds(1)));

        await host.Client.SendAsync(ConnectorTestHost.ServiceUrl, "a:1", OutgoingActivity.Message("x"));

        Assert.Equal(["Bearer fake-token-1", "Bearer fake-token-2"], host.Handler.List.Select(r => r.Authorization));
    }
}
