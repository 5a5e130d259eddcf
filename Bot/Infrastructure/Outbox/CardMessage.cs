namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// Where a logical card (e.g. <c>topic:42</c>) was posted: written by the delivery worker when a
/// <see cref="OutboxKind.ChannelPost"/> with a card id is sent, read when an update targets that card.
/// </summary>
public sealed class CardMessage
{
    private CardMessage()
    {
    }

    public string CardId { get; private set; } = "";

    public string ConversationId { get; private set; } = "";

    public string ActivityId { get; private set; } = "";

    public string ServiceUrl { get; private set; } = "";

    public long OutboxMessageId { get; private set; }

    public DateTimeOffset PostedAt { get; private set; }

    internal static CardMessage Create(string cardId, string conversationId, string activityId, string serviceUrl, long outboxMessageId, DateTimeOffset at) =>
        new()
        {
            CardId = cardId,
            ConversationId = conversationId,
            ActivityId = activityId,
            ServiceUrl = serviceUrl,
            OutboxMessageId = outboxMessageId,
            PostedAt = at,
        };
}
