namespace CrisisBot.Features.Experts;

/// <summary>Where a question stands. Stored by name; never renumber.</summary>
public enum QuestionStatus
{
    /// <summary>Waiting for the owners' answer (new, sent back for changes, or reopened by a problem report).</summary>
    Open = 0,

    /// <summary>An answer is with the approvers (<see cref="ExpertQuestion.ApprovalStep"/> says which step).</summary>
    InReview = 1,

    /// <summary>Final: approved and delivered; the library entry is the answer.</summary>
    Approved = 2,
}

/// <summary>
/// An agent's question to a product's experts, with everything its cards need. Transitions are guarded by the service and
/// written with an optimistic check on <see cref="Revision"/> (first writer wins on SQLite and PostgreSQL alike).
/// </summary>
public sealed class ExpertQuestion
{
    public long Id { get; internal set; }

    public string ProductKey { get; internal set; } = "";

    public string? TopicId { get; internal set; }

    public string? TopicTitle { get; internal set; }

    public string Text { get; internal set; } = "";

    /// <summary>Sorted, de-duplicated word stems of <see cref="Text"/> (for "very similar question" joins).</summary>
    public string Terms { get; internal set; } = "";

    public QuestionStatus Status { get; internal set; }

    public string AskedById { get; internal set; } = "";

    public string AskedByName { get; internal set; } = "";

    public DateTimeOffset AskedAt { get; internal set; }

    public int SlaMinutes { get; internal set; }

    public bool CrisisSla { get; internal set; }

    /// <summary>When the current answer round is due (from the SLA at ask/reopen time).</summary>
    public DateTimeOffset DueAt { get; internal set; }

    /// <summary>When the current round started (ask, changes requested, reopen): the SLA timers count from here.</summary>
    public DateTimeOffset RoundStartedAt { get; internal set; }

    /// <summary>The product channel the question card lives in.</summary>
    public string ChannelId { get; internal set; } = "";

    public string ServiceUrl { get; internal set; } = "";

    public string TenantId { get; internal set; } = "";

    /// <summary>The latest answer version (null until first answered).</summary>
    public long? CurrentAnswerId { get; internal set; }

    /// <summary>Index of the approval step the current answer waits for (0-based).</summary>
    public int ApprovalStep { get; internal set; }

    /// <summary>Counts review rounds; each round has its own review card.</summary>
    public int ReviewRound { get; internal set; }

    /// <summary>Why the previous answer was sent back, or what was reported about the approved answer.</summary>
    public string? ChangesRequested { get; internal set; }

    /// <summary>Decisions of the current round, one per line, for the review card.</summary>
    public string Decisions { get; internal set; } = "";

    /// <summary>When a supersede replaces the library answer: why (shown on the superseded notice).</summary>
    public string? SupersedeReason { get; internal set; }

    public string? SupersedeById { get; internal set; }

    public string? SupersedeByName { get; internal set; }

    public int RemindersSent { get; internal set; }

    public DateTimeOffset? FirstAnsweredAt { get; internal set; }

    public DateTimeOffset? ApprovedAt { get; internal set; }

    public DateTimeOffset? DeliveredAt { get; internal set; }

    /// <summary>Optimistic concurrency: every transition increments it and updates only the row it read.</summary>
    public int Revision { get; internal set; }

    public string CardId => QuestionCardId(Id);

    public static string QuestionCardId(long id) => "question:" + id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public string ReviewCardId => "review:" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + ReviewRound.ToString(System.Globalization.CultureInfo.InvariantCulture);

    public bool IsOpen => Status is QuestionStatus.Open or QuestionStatus.InReview;
}
