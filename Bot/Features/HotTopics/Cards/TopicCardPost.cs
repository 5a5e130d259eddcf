namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>One channel a topic card was posted into (the product channel, the crisis channel).</summary>
public sealed class TopicCardPost
{
    private TopicCardPost()
    {
    }

    public long Id { get; private set; }

    public int TopicId { get; private set; }

    public int Spike { get; private set; }

    /// <summary><see cref="TopicCardIds.ProductRole"/> or <see cref="TopicCardIds.CrisisRole"/>.</summary>
    public string Role { get; private set; } = "";

    /// <summary>The outbox card id (<c>topic:12:1</c>, <c>topic:12:1:crisis</c>): updates target it.</summary>
    public string CardId { get; private set; } = "";

    public string ChannelId { get; private set; } = "";

    public string ServiceUrl { get; private set; } = "";

    public string TenantId { get; private set; } = "";

    public DateTimeOffset PostedAt { get; private set; }

    internal static TopicCardPost Create(int topicId, int spike, string role, string cardId, CardTarget target, DateTimeOffset now) =>
        new()
        {
            TopicId = topicId,
            Spike = spike,
            Role = role,
            CardId = cardId,
            ChannelId = target.ChannelId,
            ServiceUrl = target.ServiceUrl,
            TenantId = target.TenantId,
            PostedAt = now,
        };

    /// <summary>Moves the post to the survivor of a merge (its card keeps living under the survivor).</summary>
    internal void MoveTo(int topicId, int spike)
    {
        TopicId = topicId;
        Spike = spike;
    }
}

/// <summary>Where a card goes: a channel and the Connector coordinates to reach it.</summary>
public sealed record CardTarget(string ChannelId, string ServiceUrl, string TenantId);

/// <summary>Card ids of topic cards.</summary>
public static class TopicCardIds
{
    public const string ProductRole = "product";
    public const string CrisisRole = "crisis";

    public static string For(int topicId, int spike, string role) =>
        role == ProductRole ? $"topic:{topicId}:{spike}" : $"topic:{topicId}:{spike}:{role}";
}
