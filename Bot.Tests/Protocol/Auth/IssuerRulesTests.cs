using CrisisBot.Protocol.Auth;
using CrisisBot.Tests.TestData;

namespace CrisisBot.Tests.Protocol.Auth;

public class IssuerRulesTests
{
    private const string Tenant = "0b1c2d3e-4f50-4a61-b723-c4d5e6f7a8b9";

    [Theory]
    [InlineData("https://api.botframework.com", "BotFramework")]
    [InlineData("https://api.botframework.com/", "Untrusted")]
    [InlineData("https://API.botframework.com", "Untrusted")]
    [InlineData("https://sts.windows.net/" + Tenant + "/", "EntraTenant")]
    [InlineData("https://login.microsoftonline.com/" + Tenant + "/v2.0", "EntraTenant")]
    [InlineData("https://login.microsoftonline.com/0B1C2D3E-4F50-4A61-B723-C4D5E6F7A8B9/v2.0", "EntraTenant")]
    [InlineData("https://sts.windows.net/99999999-8888-4777-8666-555555555555/", "Untrusted")]
    [InlineData("https://login.microsoftonline.com/common/v2.0", "Untrusted")]
    [InlineData("https://api.botframework.us", "Untrusted")]
    [InlineData("", "Untrusted")]
    [InlineData(null, "Untrusted")]
    public void Classify_Issuer_ChoosesThePath(string? issuer, string expected) =>
        Assert.Equal(expected, IssuerRules.Classify(issuer, Tenant).ToString());

    [Fact]
    public void Classify_EntraIssuerWithoutConfiguredTenant_IsUntrusted() =>
        Assert.Equal(IssuerKind.Untrusted, IssuerRules.Classify($"https://sts.windows.net/{Tenant}/", null));

    [Theory]
    [InlineData(new[] { "msteams", "webchat" }, "msteams", true)]
    [InlineData(new[] { "MSTEAMS" }, "msteams", true)]
    [InlineData(new[] { "webchat" }, "msteams", false)]
    [InlineData(new string[0], "msteams", false)]
    [InlineData(new[] { "msteams" }, null, false)]
    [InlineData(new[] { "msteams" }, "", false)]
    public void IsEndorsed_Endorsements_RequireTheActivityChannel(string[] endorsements, string? channelId, bool expected) =>
        Assert.Equal(expected, IssuerRules.IsEndorsed(endorsements, channelId));

    [Fact]
    public void IsEndorsed_KeyWithoutEndorsements_IsFalse() => Assert.False(IssuerRules.IsEndorsed(null, "msteams"));

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/", "https://smba.trafficmanager.net/amer/", true)]
    [InlineData("https://smba.trafficmanager.net/amer", "https://smba.trafficmanager.net/amer/", true)]
    [InlineData("HTTPS://SMBA.trafficmanager.net/AMER/", "https://smba.trafficmanager.net/amer", true)]
    [InlineData("https://smba.trafficmanager.net/emea/", "https://smba.trafficmanager.net/amer/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/x/", "https://smba.trafficmanager.net/amer/", false)]
    [InlineData(null, "https://smba.trafficmanager.net/amer/", false)]
    [InlineData("https://smba.trafficmanager.net/amer/", null, false)]
    [InlineData("", "", false)]
    public void ServiceUrlMatches_ClaimAndActivity_ComparesCaseInsensitiveIgnoringTrailingSlash(string? claim, string? serviceUrl, bool expected) =>
        Assert.Equal(expected, IssuerRules.ServiceUrlMatches(claim, serviceUrl));

    [Theory]
    [InlineData("RS256", true)]
    [InlineData("RS384", true)]
    [InlineData("RS512", true)]
    [InlineData("rs256", false)]
    [InlineData("HS256", false)]
    [InlineData("PS256", false)]
    [InlineData("ES256", false)]
    [InlineData("none", false)]
    [InlineData(null, false)]
    public void IsAllowedAlgorithm_Alg_OnlyRsaPkcs1(string? alg, bool expected) => Assert.Equal(expected, IssuerRules.IsAllowedAlgorithm(alg));

    [Fact]
    public void TenantOf_ChannelDataTenant_IsUsed()
    {
        var activity = ActivityBuilder.Personal("x").WithTenant(Tenant).Build();
        activity.Conversation!.TenantId = null;

        Assert.Equal(Tenant, IssuerRules.TenantOf(activity));
    }

    [Fact]
    public void TenantOf_OnlyConversationTenant_FallsBackToIt()
    {
        var activity = ActivityBuilder.Personal("x").WithTenant(Tenant).Build();
        activity.ChannelData!.Tenant = null;

        Assert.Equal(Tenant, IssuerRules.TenantOf(activity));
    }

    [Fact]
    public void TenantOf_DisagreeingTenants_IsNull()
    {
        var activity = ActivityBuilder.Personal("x").WithTenant(Tenant).Build();
        activity.Conversation!.TenantId = "99999999-8888-4777-8666-555555555555";

        Assert.Null(IssuerRules.TenantOf(activity));
    }

    [Theory]
    [InlineData(Tenant, new[] { Tenant }, true)]
    [InlineData("0B1C2D3E-4F50-4A61-B723-C4D5E6F7A8B9", new[] { Tenant }, true)]
    [InlineData("99999999-8888-4777-8666-555555555555", new[] { Tenant }, false)]
    [InlineData(null, new[] { Tenant }, false)]
    [InlineData(null, new string[0], true)]
    [InlineData("any", new string[0], true)]
    public void IsTenantAllowed_AllowList_ChecksMembership(string? tenant, string[] allowed, bool expected) =>
        Assert.Equal(expected, IssuerRules.IsTenantAllowed(tenant, allowed));
}
