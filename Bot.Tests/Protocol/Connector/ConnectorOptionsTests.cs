using CrisisBot.Protocol.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Protocol.Connector;

public class ConnectorOptionsTests
{
    private static ConnectorOptions Bind(Dictionary<string, string?> values)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var options = new ConnectorOptions();
        ConnectorServiceCollectionExtensions.Bind(configuration, options);
        return options;
    }

    private static ValidateOptionsResult Validate(Action<ConnectorOptions> change)
    {
        var options = new ConnectorOptions
        {
            MicrosoftAppId = ConnectorTestHost.AppId,
            MicrosoftAppPassword = "secret",
            MicrosoftAppTenantId = ConnectorTestHost.TenantId,
        };
        change(options);
        return new ConnectorOptionsValidator().Validate(null, options);
    }

    [Fact]
    public void Bind_EmptyConfiguration_DocumentedDefaults()
    {
        var options = Bind([]);

        Assert.False(options.LocalMode);
        Assert.Equal(ServiceUrlPolicy.DefaultHosts, options.AllowedServiceUrlHosts);
        Assert.Equal(4, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(2), options.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(20), options.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromSeconds(60), options.MaxRetryAfter);
    }

    [Fact]
    public void Bind_AllKeys_ReadFromRootBotAndConnectorSections()
    {
        var options = Bind(new()
        {
            ["MicrosoftAppId"] = "app",
            ["MicrosoftAppPassword"] = "pw",
            ["MicrosoftAppTenantId"] = "contoso.onmicrosoft.com",
            ["Bot:LocalMode"] = "true",
            ["Bot:AllowedServiceUrlHosts:0"] = "a.test",
            ["Bot:AllowedServiceUrlHosts:1"] = "*.b.test",
            ["Connector:MaxRetries"] = "2",
            ["Connector:BaseDelay"] = "00:00:01",
            ["Connector:MaxDelay"] = "00:00:09",
            ["Connector:AttemptTimeout"] = "00:00:15",
            ["Connector:MaxRetryAfter"] = "00:02:00",
        });

        Assert.Equal(("app", "pw", "contoso.onmicrosoft.com"), (options.MicrosoftAppId, options.MicrosoftAppPassword, options.MicrosoftAppTenantId));
        Assert.True(options.LocalMode);
        Assert.Equal(["a.test", "*.b.test"], options.AllowedServiceUrlHosts);
        Assert.Equal(2, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), options.BaseDelay);
        Assert.Equal(TimeSpan.FromSeconds(9), options.MaxDelay);
        Assert.Equal(TimeSpan.FromSeconds(15), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.MaxRetryAfter);
    }

    [Fact]
    public void Validate_ValidCredentials_Succeeds() => Assert.True(Validate(_ => { }).Succeeded);

    [Fact]
    public void Validate_MissingCredentialsOutsideLocalMode_NamesEveryMissingKey()
    {
        var result = Validate(o =>
        {
            o.MicrosoftAppId = null;
            o.MicrosoftAppPassword = " ";
            o.MicrosoftAppTenantId = "";
        });

        Assert.True(result.Failed);
        var failures = result.Failures!.ToList();
        Assert.Contains(failures, f => f.StartsWith("MicrosoftAppId is missing", StringComparison.Ordinal) && f.Contains("Bot:LocalMode=true", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MicrosoftAppPassword is missing", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("MicrosoftAppTenantId is missing", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_LocalModeWithoutCredentials_Succeeds() =>
        Assert.True(Validate(o =>
        {
            o.LocalMode = true;
            o.MicrosoftAppId = null;
            o.MicrosoftAppPassword = null;
            o.MicrosoftAppTenantId = null;
        }).Succeeded);

    [Theory]
    [InlineData("evil.example/path")]
    [InlineData("tenant id")]
    [InlineData("common/..")]
    public void Validate_TenantThatWouldAlterAuthorityUrl_Fails(string tenant)
    {
        var result = Validate(o => o.MicrosoftAppTenantId = tenant);

        Assert.Contains(result.Failures!, f => f.StartsWith($"MicrosoftAppTenantId '{tenant}'", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net")]
    [InlineData("smba.trafficmanager.net/amer")]
    [InlineData("smba.trafficmanager.net:443")]
    [InlineData("*")]
    [InlineData("")]
    public void Validate_AllowedHostThatIsNotAHostName_Fails(string host)
    {
        var result = Validate(o => o.AllowedServiceUrlHosts = [host]);

        Assert.Contains(result.Failures!, f => f.StartsWith($"Bot:AllowedServiceUrlHosts entry '{host}'", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_EmptyAllowList_Fails() =>
        Assert.Contains(Validate(o => o.AllowedServiceUrlHosts = []).Failures!, f => f.StartsWith("Bot:AllowedServiceUrlHosts is empty", StringComparison.Ordinal));

    [Theory]
    [InlineData(-1)]
    [InlineData(11)]
    public void Validate_MaxRetriesOutOfRange_Fails(int retries) =>
        Assert.Contains(Validate(o => o.MaxRetries = retries).Failures!, f => f.StartsWith("Connector:MaxRetries", StringComparison.Ordinal));

    [Fact]
    public void Validate_MaxDelayBelowBaseDelay_Fails()
    {
        var result = Validate(o =>
        {
            o.BaseDelay = TimeSpan.FromSeconds(10);
            o.MaxDelay = TimeSpan.FromSeconds(5);
        });

        Assert.Contains(result.Failures!, f => f.StartsWith("Connector:MaxDelay", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_ZeroBaseDelayAndTinyAttemptTimeout_Fail()
    {
        var result = Validate(o =>
        {
            o.BaseDelay = TimeSpan.Zero;
            o.AttemptTimeout = TimeSpan.FromMilliseconds(1);
        });

        Assert.Contains(result.Failures!, f => f.StartsWith("Connector:BaseDelay", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.StartsWith("Connector:AttemptTimeout", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StartAsync_MissingCredentialsOutsideLocalMode_FailsAtStartupWithClearMessage()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["MicrosoftAppId"] = ConnectorTestHost.AppId });
        builder.Services.AddBotConnector(builder.Configuration);
        using var app = builder.Build();

        var ex = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("MicrosoftAppPassword is missing", ex.Message, StringComparison.Ordinal);
        Assert.Contains("MicrosoftAppTenantId is missing", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddBotConnector_DefaultRegistrations_MsalProviderAndTypedClient()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(ConnectorTestHost.DefaultSettings()).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddBotConnector(configuration);
        using var provider = services.BuildServiceProvider();

        Assert.IsType<MsalBotTokenProvider>(provider.GetRequiredService<IBotTokenProvider>());
        Assert.IsType<ConnectorClient>(provider.GetRequiredService<IConnectorClient>());
        Assert.Same(TimeProvider.System, provider.GetRequiredService<TimeProvider>());
    }
}
