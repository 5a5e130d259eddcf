namespace CrisisBot.Features.Faq;

/// <summary>What made a version: an approved (or replaced) answer, a retired answer, the schedule, or an admin.</summary>
public enum FaqTrigger
{
    Approval = 0,
    Retirement = 1,
    Schedule = 2,
    Admin = 3,
}

/// <summary>
/// One published FAQ version: immutable once saved (init-only properties, no code path updates or deletes it). Its
/// <see cref="Entries"/> are the FAQ "as of" <see cref="PublishedAt"/>. <see cref="Number"/> is unique and consecutive.
/// </summary>
public sealed class FaqVersion
{
    public long Id { get; init; }

    /// <summary>1, 2, 3, … (unique; a concurrent publisher with the same number fails and retries).</summary>
    public int Number { get; init; }

    /// <summary>The "as of" time.</summary>
    public DateTimeOffset PublishedAt { get; init; }

    public FaqTrigger Trigger { get; init; }

    /// <summary>Who or what triggered it, for operators (never shown publicly): e.g. "library entry 12 approved", "admin Alice".</summary>
    public string TriggeredBy { get; init; } = "";

    public int EntryCount { get; init; }

    /// <summary>SHA-256 (hex) of the entries' content; equal hashes mean equal content (no new version is made).</summary>
    public string ContentHash { get; init; } = "";

    public List<FaqEntry> Entries { get; init; } = [];
}

/// <summary>One entry of a published version: a snapshot of an active library entry flagged "add to FAQ".</summary>
public sealed class FaqEntry
{
    public long Id { get; init; }

    public long VersionId { get; init; }

    /// <summary>0-based order within the version (products by name, then questions oldest first).</summary>
    public int Position { get; init; }

    public string ProductKey { get; init; } = "";

    public string ProductName { get; init; } = "";

    /// <summary>The expert question: the entry's identity across versions (a replacement keeps it).</summary>
    public long QuestionId { get; init; }

    public string Question { get; init; } = "";

    public string CustomerReply { get; init; } = "";

    public string ShortReply { get; init; } = "";

    public long LibraryEntryId { get; init; }

    public int LibraryVersion { get; init; }

    public DateTimeOffset ApprovedAt { get; init; }

    /// <summary>When an owner last confirmed it was still correct (the approval time until then).</summary>
    public DateTimeOffset ReviewedAt { get; init; }

    /// <summary>The public anchor, stable across versions: <c>q{QuestionId}</c>.</summary>
    public string Anchor => "q" + QuestionId.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
