using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// Turn replies through the outbox: a reply is a <see cref="OutboxKind.Send"/> into the inbound conversation, an update a
/// <see cref="OutboxKind.Update"/> of the inbound <c>replyToId</c>. <see cref="ReplyAsync"/> then waits up to
/// <see cref="OutboxOptions.ReplyWaitTimeout"/> for this instance's worker to deliver it and returns the new activity id;
/// after the timeout (throttled, Connector down) it returns null and the row is still delivered later. Rate limits, 429s and
/// retries are thus handled once, by the worker, for replies too.
/// </summary>
public sealed class OutboxTurnReplies(IOutbox outbox, IOptions<OutboxOptions> options) : ITurnReplies
{
    public async Task<string?> ReplyAsync(Activity inbound, OutgoingActivity reply, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        ArgumentNullException.ThrowIfNull(reply);
        var (serviceUrl, conversationId) = Target(inbound);
        var delivery = await outbox.EnqueueAndWaitAsync(
            OutboxRequest.Send(serviceUrl, TenantOf(inbound), conversationId, reply), options.Value.ReplyWaitTimeout, ct);
        return delivery?.Status == OutboxStatus.Sent ? delivery.ActivityId : null;
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

        await outbox.EnqueueAndWaitAsync(
            OutboxRequest.UpdateActivity(serviceUrl, TenantOf(inbound), conversationId, inbound.ReplyToId, replacement),
            options.Value.ReplyWaitTimeout, ct);
    }

    /// <summary>The tenant of an inbound activity: <c>conversation.tenantId</c>, else <c>channelData.tenant.id</c>.</summary>
    public static string? TenantOf(Activity inbound)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        var tenant = inbound.Conversation?.TenantId;
        return string.IsNullOrWhiteSpace(tenant) ? inbound.ChannelData?.Tenant?.Id : tenant;
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
