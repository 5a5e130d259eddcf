using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Protocol.Activities;

namespace CrisisBot.Tests.Infrastructure.Outbox;

public sealed class OutboxRequestTests
{
    private const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    private static readonly OutgoingActivity Hello = OutgoingActivity.Message("hi");

    [Fact]
    public void ChannelPost_ThreadId_RateLimitKeyIsTheChannel()
    {
        var request = OutboxRequest.ChannelPost(ServiceUrl, "t", "19:a@thread.tacv2", Hello, "topic:1");

        Assert.Equal((OutboxKind.ChannelPost, "19:a@thread.tacv2", "topic:1"), (request.Kind, request.ConversationKey, request.CardId));
        Assert.Null(request.CoalesceKey);
    }

    [Fact]
    public void Send_ThreadIdWithoutTenant_KeyedByChannelWithPlaceholderTenant()
    {
        var request = OutboxRequest.Send(ServiceUrl, null, "19:a@thread.tacv2;messageid=42", Hello);

        Assert.Equal(("19:a@thread.tacv2", OutboxRequest.UnknownTenant), (request.ConversationKey, request.TenantId));
        Assert.Equal("19:a@thread.tacv2;messageid=42", request.ConversationId);
    }

    [Fact]
    public void UpdateCard_CoalesceKeyIsTheCard()
    {
        var request = OutboxRequest.UpdateCard(ServiceUrl, "t", "19:a@thread.tacv2", "topic:9", Hello);

        Assert.Equal(("card:topic:9", OutboxKind.Update), (request.CoalesceKey, request.Kind));
    }

    [Fact]
    public void UpdateActivity_SameActivityInAnotherThread_SameCoalesceKey()
    {
        var a = OutboxRequest.UpdateActivity(ServiceUrl, "t", "19:a@thread.tacv2;messageid=1", "5", Hello);
        var b = OutboxRequest.UpdateActivity(ServiceUrl, "t", "19:a@thread.tacv2", "5", Hello);

        Assert.Equal(a.CoalesceKey, b.CoalesceKey);
        Assert.NotEqual(a.CoalesceKey, OutboxRequest.UpdateActivity(ServiceUrl, "t", "19:a@thread.tacv2", "6", Hello).CoalesceKey);
    }

    [Fact]
    public void NotifyPerson_KeyedByPerson()
    {
        var request = OutboxRequest.NotifyPerson(ServiceUrl, "t", "29:alice", Hello);

        Assert.Equal(("user:29:alice", "29:alice"), (request.ConversationKey, request.UserId));
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com/")]
    [InlineData("")]
    public void Factories_BadServiceUrl_ArgumentExceptionNamingIt(string serviceUrl)
    {
        var ex = Assert.ThrowsAny<ArgumentException>(() => OutboxRequest.Send(serviceUrl, "t", "a:1", Hello));

        Assert.Contains("serviceUrl", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Factories_MissingIds_ArgumentException()
    {
        Assert.ThrowsAny<ArgumentException>(() => OutboxRequest.ChannelPost(ServiceUrl, "t", " ", Hello));
        Assert.ThrowsAny<ArgumentException>(() => OutboxRequest.ChannelPost(ServiceUrl, "", "19:a", Hello));
        Assert.ThrowsAny<ArgumentException>(() => OutboxRequest.UpdateCard(ServiceUrl, "t", "19:a", "", Hello));
        Assert.ThrowsAny<ArgumentException>(() => OutboxRequest.UpdateActivity(ServiceUrl, "t", "19:a", "", Hello));
        Assert.ThrowsAny<ArgumentException>(() => OutboxRequest.NotifyPerson(ServiceUrl, "t", "", Hello));
        Assert.ThrowsAny<ArgumentException>(() => OutboxRequest.Send(ServiceUrl, "t", ";messageid=1", Hello));
        Assert.Throws<ArgumentNullException>(() => OutboxRequest.Send(ServiceUrl, "t", "a:1", null!));
    }
}
