using CrisisBot.Features.Channels;

namespace CrisisBot.Tests.Features.Channels;

public sealed class ChannelRoleParserTests
{
    [Theory]
    [InlineData("agents", ChannelRole.Agents, "")]
    [InlineData("  Leadership ", ChannelRole.Leadership, "")]
    [InlineData("APPROVERS", ChannelRole.Approvers, "")]
    [InlineData("crisis", ChannelRole.Crisis, "")]
    [InlineData("product Contoso-Phone", ChannelRole.Product, "contoso-phone")]
    [InlineData("product  tv_2.0", ChannelRole.Product, "tv_2.0")]
    public void TryParse_ValidForms_ReturnKey(string arguments, ChannelRole role, string productKey)
    {
        Assert.True(ChannelRoleParser.TryParse("link", arguments, out var key, out var error));
        Assert.Equal(new ChannelBindingKey(role, productKey), key);
        Assert.Equal("", error);
    }

    [Theory]
    [InlineData("", "Which role?")]
    [InlineData("managers", "'managers' is not a channel role")]
    [InlineData("5", "'5' is not a channel role")]
    [InlineData("product", "'unlink product' needs a product key")]
    [InlineData("crisis now", "'unlink crisis' takes no product key")]
    [InlineData("product a b", "'a b' is not a valid product key")]
    [InlineData("product -x", "'-x' is not a valid product key")]
    public void TryParse_InvalidForms_ExplainAndListValidForms(string arguments, string expected)
    {
        Assert.False(ChannelRoleParser.TryParse("unlink", arguments, out _, out var error));
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.EndsWith("Use one of: unlink agents | unlink leadership | unlink approvers | unlink crisis | unlink product <key>.", error, StringComparison.Ordinal);
    }

    [Fact]
    public void TryParse_ProductKeyTooLong_Rejected()
    {
        Assert.False(ChannelRoleParser.TryParse("link", "product " + new string('a', 65), out _, out _));
        Assert.True(ChannelRoleParser.TryParse("link", "product " + new string('a', 64), out _, out _));
    }

    [Fact]
    public void Key_ToStringAndSubject_AreHowUsersAndAuditReadIt()
    {
        Assert.Equal("approvers", new ChannelBindingKey(ChannelRole.Approvers, "").ToString());
        Assert.Equal("product phone", new ChannelBindingKey(ChannelRole.Product, "phone").ToString());
        Assert.Equal("product:phone", new ChannelBindingKey(ChannelRole.Product, "phone").Subject);
    }
}
