namespace CrisisBot.Features.Crisis.Export;

/// <summary>The crisis an export covers and its window [<see cref="From"/>, <see cref="To"/>).</summary>
/// <param name="Ongoing">True when the crisis is still active (<see cref="To"/> is the export time).</param>
public sealed record ExportWindow(int CrisisId, string CrisisName, DateTimeOffset From, DateTimeOffset To, bool Ongoing)
{
    /// <summary>
    /// Posts with <c>HotTopicPosts.Seq</c> in (<see cref="PostSeqFrom"/>, <see cref="PostSeqTo"/>] arrived while the crisis
    /// was active (SQL <c>@seqFrom</c>/<c>@seqTo</c>). Null <see cref="PostSeqFrom"/>: unknown (a crisis declared before the
    /// marks existed; only event time counts). Null <see cref="PostSeqTo"/>: still active, every later arrival counts.
    /// </summary>
    public long? PostSeqFrom { get; init; }

    /// <inheritdoc cref="PostSeqFrom"/>
    public long? PostSeqTo { get; init; }

    /// <summary>The window and marks as the crisis rule (<see cref="CrisisPostRule"/>) takes them.</summary>
    public CrisisPeriod Period => new(From, To, PostSeqFrom, PostSeqTo);
}

/// <summary>One file pair (or single file) in the zip, as listed in manifest.json.</summary>
/// <param name="Name">File name inside the zip.</param>
/// <param name="Rows">Data rows (header excluded for CSV).</param>
/// <param name="Source">Where the rows come from (table and filter), for auditors.</param>
public sealed record ExportFile(string Name, long Rows, string Source);

/// <summary>
/// A part of the crisis export. Features register theirs with <c>services.AddSingleton&lt;IExportSection, …&gt;()</c>;
/// the exporter runs every section in <see cref="Order"/> inside one read transaction (a consistent snapshot) and writes
/// what they produce into the zip, then manifest.json with every file's row count.
/// </summary>
public interface IExportSection
{
    /// <summary>Sections run in ascending order (built-ins use 100–900).</summary>
    int Order { get; }

    Task WriteAsync(CrisisExportContext context, CancellationToken ct);
}
