using CrisisBot.Protocol.Connector;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Protocol.Connector;

public class MsalBotTokenProviderTests
{
    private static MsalBotTokenProvider Create(Action<ConnectorOptions>? change = null)
    {
        var options = new ConnectorOptions
        {
            MicrosoftAppId = ConnectorTestHost.AppId,
            MicrosoftAppPassword = "not-a-real-secret",
            MicrosoftAppTenantId = ConnectorTestHost.TenantId,
        };
        change?.Invoke(options);
        return new MsalBotTokenProvider(Options.Create(options));
    }

    [Fact]
    public async Task GetAccessTokenAsync_LocalMode_ThrowsWithoutBuildingMsal()
    {
        var provider = Create(o => o.LocalMode = true);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetAccessTokenAsync());

        Assert.Contains("LocalMode", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_MissingSecret_ThrowsClearErrorBeforeAnyNetwork()
    {
        var provider = Create(o => o.MicrosoftAppPassword = "");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => provider.GetAccessTokenAsync());

        Assert.Contains("MicrosoftAppPassword", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Application_Configured_SingleTenantAuthorityAndClientId()
    {
        var provider = Create();

        var app = provider.Application;

        Assert.Equal(ConnectorTestHost.AppId, app.AppConfig.ClientId);
        Assert.StartsWith($"https://login.microsoftonline.com/{ConnectorTestHost.TenantId}", app.Authority, StringComparison.OrdinalIgnoreCase);
        Assert.Same(app, provider.Application);
        Assert.Equal("https://api.botframework.com/.default", MsalBotTokenProvider.Scope);
    }
}
