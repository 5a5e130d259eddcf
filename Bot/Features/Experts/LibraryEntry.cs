namespace CrisisBot.Features.Experts;

public enum LibraryEntryStatus
{
    Active = 0,
    Superseded = 1,
    Retired = 2,
}

/// <summary>
/// An approved, customer-ready reply in the response library. Each approval of a question makes a new entry version; the
/// previous one becomes <see cref="LibraryEntryStatus.Superseded"/> and points at its successor.
/// </summary>
public sealed class LibraryEntry
{
    public long Id { get; internal set; }

    public long QuestionId { get; internal set; }

    public long AnswerId { get; internal set; }

    public string ProductKey { get; internal set; } = "";

    public string ProductName { get; internal set; } = "";

    public string Question { get; internal set; } = "";

    public string CustomerReply { get; internal set; } = "";

    public string ShortReply { get; internal set; } = "";

    public bool AddToFaq { get; internal set; }

    /// <summary>1 for the first approved answer of the question, +1 for each replacement.</summary>
    public int Version { get; internal set; }

    public LibraryEntryStatus Status { get; internal set; }

    public string ApprovedBy { get; internal set; } = "";

    public DateTimeOffset ApprovedAt { get; internal set; }

    public DateTimeOffset ReviewBy { get; internal set; }

    public DateTimeOffset? ReviewedAt { get; internal set; }

    public long? SupersededById { get; internal set; }

    public string? RetiredReason { get; internal set; }

    public int UsedCount { get; internal set; }

    public int Revision { get; internal set; }

    public string ReviewCardId => "library-review:" + Id.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
