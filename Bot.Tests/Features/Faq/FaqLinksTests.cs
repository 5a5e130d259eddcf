using CrisisBot.Features.Faq;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Features.Faq;

public class FaqLinksTests
{
    [Theory]
    [InlineData("http://0.0.0.0:3978", "http://localhost:3978")]
    [InlineData("http://[::]:8080/", "http://localhost:8080")]
    [InlineData("http://+:80", "http://localhost:80")]
    [InlineData("https://care.contoso.test", "https://care.contoso.test")]
    public void Normalize_ListeningAddress_BrowsableUrl(string address, string expected) =>
        Assert.Equal(expected, FaqLinks.Normalize(address));

    [Theory]
    [InlineData("https://care.contoso.test/help/", null, "https://care.contoso.test/help/faq")]
    [InlineData(null, "http://0.0.0.0:5000;http://127.0.0.1:5001", "http://localhost:5000/faq")]
    [InlineData("", null, "http://localhost:3978/faq")]
    public void Page_ConfiguredOrOwnUrl_FaqAddress(string? configured, string? urls, string expected)
    {
        var options = new OptionsMonitorStub(new FaqOptions { PublicBaseUrl = configured });
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["urls"] = urls }).Build();
        using var services = new ServiceCollection().BuildServiceProvider();
        Assert.Equal(expected, new FaqLinks(options, services, configuration).Page());
    }

    private sealed class OptionsMonitorStub(FaqOptions value) : IOptionsMonitor<FaqOptions>
    {
        public FaqOptions CurrentValue => value;

        public FaqOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<FaqOptions, string?> listener) => null;
    }
}
