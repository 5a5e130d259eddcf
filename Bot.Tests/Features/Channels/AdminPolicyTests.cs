using CrisisBot.Features.Channels;
using CrisisBot.Protocol.Connector;
using static CrisisBot.Tests.Features.Channels.ChannelActivities;

namespace CrisisBot.Tests.Features.Channels;

public sealed class AdminPolicyTests
{
    [Fact]
    public async Task IsAdmin_AadObjectIdListedInOtherCase_TrueWithoutMemberLookup()
    {
        await using var host = await ChannelsTestHost.StartAsync(AliceAad.ToUpperInvariant(), "someone@contoso.test");

        Assert.True(await host.Get<AdminPolicy>().IsAdminAsync(ChannelMessage("link agents", AliceId, AliceAad)));
        Assert.Empty(host.Members.MemberLookups);
    }

    [Fact]
    public async Task IsAdmin_UpnListed_MatchesMemberUserPrincipalName()
    {
        await using var host = await ChannelsTestHost.StartAsync("CAROL@contoso.test");
        host.Members.Members[CarolId] = new TeamsChannelAccount(CarolId, "Carol", CarolAad, null, null, null, null, "carol@contoso.test", null, TenantId);

        Assert.True(await host.Get<AdminPolicy>().IsAdminAsync(ChannelMessage("link agents", CarolId, CarolAad)));
    }

    [Fact]
    public async Task IsAdmin_OnlyObjectIdsListed_NoMemberLookup()
    {
        await using var host = await ChannelsTestHost.StartAsync(AliceAad);

        Assert.False(await host.Get<AdminPolicy>().IsAdminAsync(ChannelMessage("link agents", BobId, BobAad)));
        Assert.Empty(host.Members.MemberLookups);
    }

    [Fact]
    public async Task IsAdmin_MemberLookupFails_False()
    {
        await using var host = await ChannelsTestHost.StartAsync("carol@contoso.test");

        Assert.False(await host.Get<AdminPolicy>().IsAdminAsync(ChannelMessage("link agents", CarolId, null)));
        Assert.Single(host.Members.MemberLookups);
    }

    [Theory]
    [InlineData("carol@contoso.test", true)]
    [InlineData("@contoso.test", false)]
    [InlineData("carol@", false)]
    [InlineData("carol@a@b", false)]
    [InlineData("carol @contoso.test", false)]
    [InlineData("aaaaaaaa-0000-0000-0000-000000000001", false)]
    public void LooksLikeUpn_Cases(string value, bool expected) => Assert.Equal(expected, AdminPolicy.LooksLikeUpn(value));
}
