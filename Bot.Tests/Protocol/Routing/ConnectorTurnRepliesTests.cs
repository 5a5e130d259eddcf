using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;

namespace CrisisBot.Tests.Protocol.Routing;

public class ConnectorTurnRepliesTests
{
    private readonly RecordingConnectorClient _connector = new();

    [Fact]
    public async Task ReplyAsync_ChannelThread_SendsIntoTheThreadConversation()
    {
        var inbound = ActivityBuilder.Channel("status").Build();

        var id = await new ConnectorTurnReplies(_connector).ReplyAsync(inbound, OutgoingActivity.Message("ok"), CancellationToken.None);

        var call = Assert.Single(_connector.Calls);
        Assert.Equal(("send", TestTokenIssuer.ServiceUrl, $"{ActivityBuilder.ChannelId};messageid=1795384604119"),
            (call.Operation, call.ServiceUrl, call.ConversationId));
        Assert.False(string.IsNullOrEmpty(id));
    }

    [Fact]
    public async Task UpdateAsync_CardAction_PutsOnReplyToId()
    {
        var inbound = ActivityBuilder.CardAction("a").Build();

        await new ConnectorTurnReplies(_connector).UpdateAsync(inbound, OutgoingActivity.Message("new"), CancellationToken.None);

        var call = Assert.Single(_connector.Calls);
        Assert.Equal(("update", ActivityBuilder.CardMessageId), (call.Operation, call.ActivityId));
    }

    [Fact]
    public async Task UpdateAsync_NoReplyToId_ThrowsClearError()
    {
        var inbound = ActivityBuilder.Personal("x").WithReplyToId(null).Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ConnectorTurnReplies(_connector).UpdateAsync(inbound, OutgoingActivity.Message("new"), CancellationToken.None));

        Assert.Contains("replyToId", ex.Message, StringComparison.Ordinal);
        Assert.Empty(_connector.Calls);
    }

    [Fact]
    public async Task ReplyAsync_NoServiceUrl_ThrowsClearError()
    {
        var inbound = ActivityBuilder.Personal("x").WithServiceUrl(null).Build();

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            new ConnectorTurnReplies(_connector).ReplyAsync(inbound, OutgoingActivity.Message("hi"), CancellationToken.None));

        Assert.Contains("serviceUrl", ex.Message, StringComparison.Ordinal);
    }
}
