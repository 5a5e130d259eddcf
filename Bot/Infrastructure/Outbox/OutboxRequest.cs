using CrisisBot.Infrastructure.Delivery;
using CrisisBot.Protocol.Activities;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// What a feature asks the outbox to deliver. Made by the factory methods, which validate their input (a bad request
/// throws <see cref="ArgumentException"/> at enqueue time, never later in the worker).
/// </summary>
public sealed record OutboxRequest
{
    /// <summary>Used when Teams did not say which tenant a conversation belongs to (the Agents Playground).</summary>
    public const string UnknownTenant = "(unknown-tenant)";

    private OutboxRequest(OutboxKind kind, string serviceUrl, string tenantId, string conversationKey, OutgoingActivity activity)
    {
        Kind = kind;
        ServiceUrl = serviceUrl;
        TenantId = tenantId;
        ConversationKey = conversationKey;
        Activity = activity;
    }

    public OutboxKind Kind { get; }

    public string ServiceUrl { get; }

    public string TenantId { get; }

    public string ConversationKey { get; }

    public OutgoingActivity Activity { get; }

    public string? ConversationId { get; private init; }

    public string? ActivityId { get; private init; }

    public string? CardId { get; private init; }

    public string? CoalesceKey { get; private init; }

    public string? UserId { get; private init; }

    /// <summary>A new post in a channel. With <paramref name="cardId"/>, its ids are recorded so <see cref="UpdateCard"/> can target it.</summary>
    public static OutboxRequest ChannelPost(string serviceUrl, string tenantId, string channelId, OutgoingActivity activity, string? cardId = null)
    {
        Require(serviceUrl, tenantId, activity);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelId);
        if (cardId is not null)
        {
            ArgumentException.ThrowIfNullOrWhiteSpace(cardId);
        }

        return new OutboxRequest(OutboxKind.ChannelPost, serviceUrl, Tenant(tenantId), TeamsRateLimiter.ConversationKey(channelId), activity)
        {
            ConversationId = channelId,
            CardId = cardId,
        };
    }

    /// <summary>A message into a conversation; a channel thread id (<c>…;messageid=n</c>) makes it a reply in that thread.</summary>
    public static OutboxRequest Send(string serviceUrl, string? tenantId, string conversationId, OutgoingActivity activity)
    {
        Require(serviceUrl, tenantId ?? UnknownTenant, activity);
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        return new OutboxRequest(OutboxKind.Send, serviceUrl, Tenant(tenantId), TeamsRateLimiter.ConversationKey(conversationId), activity)
        {
            ConversationId = conversationId,
        };
    }

    /// <summary>Replaces a known activity. Pending updates of the same activity are coalesced.</summary>
    public static OutboxRequest UpdateActivity(string serviceUrl, string? tenantId, string conversationId, string activityId, OutgoingActivity activity)
    {
        Require(serviceUrl, tenantId ?? UnknownTenant, activity);
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        ArgumentException.ThrowIfNullOrWhiteSpace(activityId);
        return new OutboxRequest(OutboxKind.Update, serviceUrl, Tenant(tenantId), TeamsRateLimiter.ConversationKey(conversationId), activity)
        {
            ConversationId = conversationId,
            ActivityId = activityId,
            CoalesceKey = "activity:" + TeamsRateLimiter.ConversationKey(conversationId) + "/" + activityId,
        };
    }

    /// <summary>
    /// Replaces the message of a logical card posted with <see cref="ChannelPost"/> in <paramref name="channelId"/>. Waits for
    /// that post when it is not sent yet; pending updates of the same card are coalesced (only the newest is sent).
    /// </summary>
    public static OutboxRequest UpdateCard(string serviceUrl, string tenantId, string channelId, string cardId, OutgoingActivity activity)
    {
        Require(serviceUrl, tenantId, activity);
        ArgumentException.ThrowIfNullOrWhiteSpace(channelId);
        ArgumentException.ThrowIfNullOrWhiteSpace(cardId);
        return new OutboxRequest(OutboxKind.Update, serviceUrl, Tenant(tenantId), TeamsRateLimiter.ConversationKey(channelId), activity)
        {
            CardId = cardId,
            CoalesceKey = "card:" + cardId,
        };
    }

    /// <summary>A 1:1 message to a person (their Teams user id, <c>29:…</c>).</summary>
    public static OutboxRequest NotifyPerson(string serviceUrl, string tenantId, string userId, OutgoingActivity activity)
    {
        Require(serviceUrl, tenantId, activity);
        ArgumentException.ThrowIfNullOrWhiteSpace(userId);
        return new OutboxRequest(OutboxKind.NotifyPerson, serviceUrl, Tenant(tenantId), "user:" + userId, activity) { UserId = userId };
    }

    private static void Require(string serviceUrl, string tenantId, OutgoingActivity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp))
        {
            throw new ArgumentException($"serviceUrl '{serviceUrl}' is not an absolute http(s) URL.", nameof(serviceUrl));
        }
    }

    private static string Tenant(string? tenantId) => string.IsNullOrWhiteSpace(tenantId) ? UnknownTenant : tenantId;
}
