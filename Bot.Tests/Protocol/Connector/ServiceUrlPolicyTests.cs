using CrisisBot.Protocol.Connector;

namespace CrisisBot.Tests.Protocol.Connector;

public class ServiceUrlPolicyTests
{
    private static readonly IReadOnlyList<string> Defaults = ServiceUrlPolicy.DefaultHosts;

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net/amer/11111111-2222-3333-4444-555555555555/")]
    [InlineData("https://SMBA.TrafficManager.NET/emea/")]
    [InlineData("https://smba.infra.gcc.teams.microsoft.com/teams")]
    [InlineData("https://smba.infra.gov.teams.microsoft.us/teams")]
    [InlineData("https://smba.infra.dod.teams.microsoft.us/teams")]
    [InlineData("https://europe.botframework.com/")]
    [InlineData("https://a.b.botframework.com/")]
    public void IsAllowed_DefaultTeamsHostOverHttps_True(string url) => Assert.True(ServiceUrlPolicy.IsAllowed(url, Defaults, localMode: false));

    [Theory]
    [InlineData("https://botframework.com/")]                       // the wildcard needs a subdomain
    [InlineData("https://evilbotframework.com/")]
    [InlineData("https://botframework.com.evil.example/")]
    [InlineData("https://smba.trafficmanager.net.evil.example/")]
    [InlineData("https://x.smba.trafficmanager.net/")]              // exact entries do not match subdomains
    [InlineData("https://evil.example.com/")]
    public void IsAllowed_HostOutsideAllowList_False(string url) => Assert.False(ServiceUrlPolicy.IsAllowed(url, Defaults, localMode: false));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void IsAllowed_HttpToTeamsHost_FalseEvenInLocalMode(bool localMode) =>
        Assert.False(ServiceUrlPolicy.IsAllowed("http://smba.trafficmanager.net/amer/", Defaults, localMode));

    [Theory]
    [InlineData("https://user:secret@smba.trafficmanager.net/amer/", false)]
    [InlineData("https://user@europe.botframework.com/", false)]
    [InlineData("http://user:secret@localhost:3978/_connector", true)]
    public void IsAllowed_UserInfo_False(string url, bool localMode) => Assert.False(ServiceUrlPolicy.IsAllowed(url, Defaults, localMode));

    [Theory]
    [InlineData("http://localhost:56150/_connector")]
    [InlineData("https://localhost:56150/_connector")]
    [InlineData("http://127.0.0.1:3978/")]
    [InlineData("http://[::1]:3978/")]
    public void IsAllowed_Loopback_OnlyInLocalMode(string url)
    {
        Assert.False(ServiceUrlPolicy.IsAllowed(url, Defaults, localMode: false));
        Assert.True(ServiceUrlPolicy.IsAllowed(url, Defaults, localMode: true));
    }

    [Theory]
    [InlineData("http://localhost.evil.example/")]
    [InlineData("http://127.0.0.1.nip.io/")]
    [InlineData("ftp://localhost/")]
    public void IsAllowed_LooksLikeLoopbackButIsNot_FalseInLocalMode(string url) =>
        Assert.False(ServiceUrlPolicy.IsAllowed(url, Defaults, localMode: true));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("smba.trafficmanager.net/amer/")]
    [InlineData("/v3/conversations")]
    [InlineData("not a url")]
    public void IsAllowed_NotAnAbsoluteUrl_False(string? url) => Assert.False(ServiceUrlPolicy.IsAllowed(url, Defaults, localMode: true));

    [Fact]
    public void IsAllowed_CustomWildcard_MatchesSubdomainsOnly()
    {
        string[] hosts = ["*.connector.contoso.test"];

        Assert.True(ServiceUrlPolicy.IsAllowed("https://eu.connector.contoso.test/", hosts, localMode: false));
        Assert.False(ServiceUrlPolicy.IsAllowed("https://connector.contoso.test/", hosts, localMode: false));
        Assert.False(ServiceUrlPolicy.IsAllowed("https://smba.trafficmanager.net/amer/", hosts, localMode: false));
    }

    [Fact]
    public void IsAllowed_UriOverload_AgreesWithStringOverload()
    {
        var uri = new Uri("https://smba.trafficmanager.net/amer/v3/conversations/a%3A1/activities");

        Assert.True(ServiceUrlPolicy.IsAllowed(uri, Defaults, localMode: false));
        Assert.False(ServiceUrlPolicy.IsAllowed(new Uri("https://evil.example.com/v3/"), Defaults, localMode: false));
    }
}
