using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Hosting;
using Microsoft.Extensions.Configuration;

namespace CrisisBot.Tests.Protocol.Hosting;

public class BotOptionsValidatorTests
{
    private const string AppId = "6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b";
    private const string TenantId = "0b1c2d3e-4f50-4a61-b723-c4d5e6f7a8b9";

    [Fact]
    public void Validate_ProductionSettings_Succeeds() => Assert.True(Validate(Valid()).Succeeded);

    [Fact]
    public void Validate_MissingAppIdAndTenantOutsideLocalMode_FailsNamingBothKeys()
    {
        var result = Validate(Valid(o =>
        {
            o.MicrosoftAppId = "";
            o.MicrosoftAppTenantId = null;
        }));

        Assert.True(result.Failed);
        Assert.Contains("MicrosoftAppId is required", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("MicrosoftAppTenantId is required", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LocalModeWithoutIds_Succeeds() =>
        Assert.True(Validate(Valid(o =>
        {
            o.LocalMode = true;
            o.MicrosoftAppId = null;
            o.MicrosoftAppTenantId = null;
        })).Succeeded);

    [Theory]
    [InlineData("MicrosoftAppId", "not-a-guid", "MicrosoftAppId must be a GUID")]
    [InlineData("MicrosoftAppTenantId", "contoso.onmicrosoft.com", "MicrosoftAppTenantId must be a GUID")]
    [InlineData("MicrosoftAppType", "Anonymous", "MicrosoftAppType must be one of")]
    [InlineData("OpenIdMetadataUrl", "http://login.botframework.com/v1/.well-known/openidconfiguration", "Bot:OpenIdMetadataUrl must use https")]
    [InlineData("OpenIdMetadataUrl", "not a url", "Bot:OpenIdMetadataUrl must be an absolute URL")]
    [InlineData("EntraOpenIdMetadataUrl", "http://login.microsoftonline.com/{tenantId}/v2.0/.well-known/openid-configuration", "Bot:EntraOpenIdMetadataUrl must use https")]
    public void Validate_BadValue_FailsWithClearMessage(string key, string value, string message)
    {
        var result = Validate(Valid(o =>
        {
            switch (key)
            {
                case "MicrosoftAppId": o.MicrosoftAppId = value; break;
                case "MicrosoftAppTenantId": o.MicrosoftAppTenantId = value; break;
                case "MicrosoftAppType": o.MicrosoftAppType = value; break;
                case "OpenIdMetadataUrl": o.OpenIdMetadataUrl = value; break;
                case "EntraOpenIdMetadataUrl": o.EntraOpenIdMetadataUrl = value; break;
            }
        }));

        Assert.True(result.Failed);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LoopbackHttpMetadata_IsAllowed() =>
        Assert.True(Validate(Valid(o => o.OpenIdMetadataUrl = "http://127.0.0.1:8080/.well-known/openidconfiguration")).Succeeded);

    [Theory]
    [InlineData("urls", "http://0.0.0.0:3978")]
    [InlineData("urls", "http://127.0.0.1:3978;http://*:8080")]
    [InlineData("urls", "http://+:80")]
    [InlineData("urls", "http://10.1.2.3:3978")]
    [InlineData("http_ports", "8080")]
    [InlineData("https_ports", "8443")]
    [InlineData("Kestrel:Endpoints:Public:Url", "http://crisisbot.example.com:3978")]
    public void Validate_LocalModeOnNonLoopbackAddress_Fails(string key, string value)
    {
        var result = Validate(Valid(o => o.LocalMode = true), new Dictionary<string, string?> { [key] = value });

        Assert.True(result.Failed);
        Assert.Contains("only allowed when every listening address is loopback", result.FailureMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:3978")]
    [InlineData("http://localhost:3978;https://[::1]:3979")]
    public void Validate_LocalModeOnLoopback_Succeeds(string urls) =>
        Assert.True(Validate(Valid(o => o.LocalMode = true), new Dictionary<string, string?> { ["urls"] = urls }).Succeeded);

    [Fact]
    public void Validate_NonLoopbackAddressOutsideLocalMode_Succeeds() =>
        Assert.True(Validate(Valid(), new Dictionary<string, string?> { ["urls"] = "http://0.0.0.0:3978" }).Succeeded);

    [Theory]
    [InlineData("http://127.0.0.1:3978", true)]
    [InlineData("http://127.8.9.10", true)]
    [InlineData("https://localhost:5001/", true)]
    [InlineData("http://[::1]:3978", true)]
    [InlineData("http://0.0.0.0:3978", false)]
    [InlineData("http://*:3978", false)]
    [InlineData("http://+:3978", false)]
    [InlineData("http://[::]:3978", false)]
    [InlineData("http://192.168.1.5:3978", false)]
    [InlineData("http://localhost.example.com:3978", false)]
    [InlineData("127.0.0.1:3978", false)]
    public void IsLoopback_Address_OnlyTrueForLoopbackHosts(string address, bool expected) =>
        Assert.Equal(expected, ListeningAddresses.IsLoopback(address));

    private static BotOptions Valid(Action<BotOptions>? change = null)
    {
        var options = new BotOptions
        {
            MicrosoftAppId = AppId,
            MicrosoftAppTenantId = TenantId,
            MicrosoftAppType = "SingleTenant",
            AllowedTenants = [TenantId],
            AllowedServiceUrlHosts = [.. ServiceUrlPolicy.DefaultHosts],
        };
        change?.Invoke(options);
        return options;
    }

    private static Microsoft.Extensions.Options.ValidateOptionsResult Validate(BotOptions options, Dictionary<string, string?>? configuration = null) =>
        new BotOptionsValidator(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? []).Build()).Validate(null, options);
}
