namespace CrisisBot.Features.Experts;

/// <summary>An agent waiting for a question's answer, and where they asked (thread or personal chat).</summary>
public sealed class QuestionWaiter
{
    public long Id { get; internal set; }

    public long QuestionId { get; internal set; }

    /// <summary>Teams user id (29:…).</summary>
    public string UserId { get; internal set; } = "";

    public string? AadObjectId { get; internal set; }

    public string Name { get; internal set; } = "";

    public string ServiceUrl { get; internal set; } = "";

    public string TenantId { get; internal set; } = "";

    /// <summary>The conversation to answer in: a channel thread (<c>…;messageid=…</c>) or a personal chat.</summary>
    public string ConversationId { get; internal set; } = "";

    public DateTimeOffset JoinedAt { get; internal set; }

    /// <summary>The outbox row of the acknowledgement card (to update it once it has an activity id).</summary>
    public long? AckOutboxId { get; internal set; }

    /// <summary>When the approved answer was queued for this agent (null while waiting).</summary>
    public DateTimeOffset? DeliveredAt { get; internal set; }
}
