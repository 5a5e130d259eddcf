namespace CrisisBot.Features.Experts;

/// <summary>One version of a question's answer. Versions are never changed: an approver's edit is a new version.</summary>
public sealed class ExpertAnswer
{
    public long Id { get; internal set; }

    public long QuestionId { get; internal set; }

    /// <summary>1, 2, … per question.</summary>
    public int Version { get; internal set; }

    public string Facts { get; internal set; } = "";

    public string CustomerReply { get; internal set; } = "";

    public string ShortReply { get; internal set; } = "";

    public bool AddToFaq { get; internal set; }

    public string? InternalNote { get; internal set; }

    public string AuthorId { get; internal set; } = "";

    public string AuthorName { get; internal set; } = "";

    public DateTimeOffset CreatedAt { get; internal set; }

    /// <summary>True when an approver edited the previous version (edit-then-approve).</summary>
    public bool EditedByApprover { get; internal set; }
}
