using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;

namespace CrisisBot.Protocol.Routing;

/// <summary>
/// Replies through the Bot Connector: a reply is a send into the inbound conversation (a channel thread id
/// <c>…;messageid=n</c> makes it a threaded reply); an update is a PUT on the inbound <c>replyToId</c>.
/// </summary>
internal sealed class ConnectorTurnReplies(IConnectorClient connector) : ITurnReplies
{
    public async Task<string?> ReplyAsync(Activity inbound, OutgoingActivity reply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(reply);
        var (serviceUrl, conversationId) = Target(inbound);
        var response = await connector.SendAsync(serviceUrl, conversationId, reply, ct);
        return response.Id;
    }

    public async Task UpdateAsync(Activity inbound, OutgoingActivity replacement, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(replacement);
        var (serviceUrl, conversationId) = Target(inbound);
        if (string.IsNullOrEmpty(inbound.ReplyToId))
        {
            throw new InvalidOperationException("The inbound activity has no replyToId, so there is no card message to update.");
        }

        await connector.UpdateAsync(serviceUrl, conversationId, inbound.ReplyToId, replacement, ct);
    }

    private static (string ServiceUrl, string ConversationId) Target(Activity inbound)
    {
        if (string.IsNullOrEmpty(inbound.ServiceUrl) || string.IsNullOrEmpty(inbound.Conversation?.Id))
        {
            throw new InvalidOperationException("The inbound activity has no serviceUrl or conversation id to reply to.");
        }

        return (inbound.ServiceUrl, inbound.Conversation.Id);
    }
}
