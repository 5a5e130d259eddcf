namespace CrisisBot.Features.Experts;

/// <summary>One transition (or refused attempt) of the expert loop: who, what, when, before and after. Append-only.</summary>
public sealed class ExpertAuditEntry
{
    public long Id { get; internal set; }

    public DateTimeOffset At { get; internal set; }

    /// <summary>e.g. <c>question.ask</c>, <c>answer.approve</c>, <c>answer.approve.refused</c>.</summary>
    public string Action { get; internal set; } = "";

    public long? QuestionId { get; internal set; }

    public long? EntryId { get; internal set; }

    public string ActorAadObjectId { get; internal set; } = "";

    public string ActorUserId { get; internal set; } = "";

    public string ActorName { get; internal set; } = "";

    public string? Before { get; internal set; }

    public string? After { get; internal set; }

    public string? Details { get; internal set; }
}
