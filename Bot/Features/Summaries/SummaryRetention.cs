using CrisisBot.Features.Crisis;
using CrisisBot.Features.Crisis.Export;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

/// <summary>
/// Daily clean-up of leadership summaries (a recurring job, once across instances, on <c>Retention:Cron</c>): deletes
/// summaries generated more than <see cref="SummaryOptions.Retention"/> ago, and their acknowledgements (cascade), in
/// batches. Summaries generated while a crisis was active (declaration to stand-down) are kept: they are part of that
/// crisis's export. A deleted summary's chart URL answers 404.
/// </summary>
public sealed class SummaryRetentionJob(
    IDbContextFactory<CrisisDbContext> contexts,
    IOptions<SummaryOptions> options,
    IOptions<RetentionOptions> retention,
    TimeProvider time,
    ILogger<SummaryRetentionJob> logger) : IRecurringJob
{
    private const int BatchSize = 500;

    public string Name => "summaries.retention";

    public string? Cron => options.Value.Retention <= TimeSpan.Zero || string.IsNullOrWhiteSpace(retention.Value.Cron) ? null : retention.Value.Cron;

    public TimeZoneInfo TimeZone => TimeZoneInfo.Utc;

    public async Task RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        var deleted = await DeleteOldSummariesAsync(ct);
        SummariesLog.RetentionDeleted(logger, deleted, options.Value.Retention);
    }

    /// <summary>Deletes the summaries past retention (not those of a crisis window); returns how many.</summary>
    public async Task<int> DeleteOldSummariesAsync(CancellationToken ct)
    {
        if (options.Value.Retention <= TimeSpan.Zero)
        {
            return 0;
        }

        var cutoff = time.GetUtcNow() - options.Value.Retention;
        var total = 0;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var crises = await db.Set<CrisisRecord>().AsNoTracking().Where(c => c.DeclaredAt < cutoff)
                .Select(c => new { c.DeclaredAt, c.StoodDownAt }).ToListAsync(ct);
            // One summary a day plus the on-demand ones: the candidates fit in memory; deletes go in short batches.
            var old = await db.Set<StoredSummary>().AsNoTracking().Where(s => s.GeneratedAt < cutoff)
                .Select(s => new { s.Id, s.GeneratedAt }).ToListAsync(ct);
            var ids = old
                .Where(s => !crises.Any(c => s.GeneratedAt >= c.DeclaredAt && (c.StoodDownAt is not { } end || s.GeneratedAt <= end)))
                .Select(s => s.Id).ToList();
            foreach (var chunk in ids.Chunk(BatchSize))
            {
                // Acknowledgements first (no reliance on the database's cascade, e.g. SQLite foreign keys off).
                await db.Set<SummaryAcknowledgementRecord>().Where(a => chunk.Contains(a.SummaryId)).ExecuteDeleteAsync(ct);
                total += await db.Set<StoredSummary>().Where(s => chunk.Contains(s.Id)).ExecuteDeleteAsync(ct);
            }
        }

        return total;
    }
}

/// <summary>Says in the crisis export's manifest which summaries the retention keeps (the export copies the table whole).</summary>
public sealed class SummaryRetentionExportNote(IOptions<SummaryOptions> options) : IExportSection
{
    public int Order => 950;

    public Task WriteAsync(CrisisExportContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var days = options.Value.Retention.TotalDays;
        context.Note(options.Value.Retention <= TimeSpan.Zero
            ? "summaries: every leadership summary is kept (Summaries:Retention is 0)"
            : $"summaries: summaries generated while a crisis was active are always kept (all of this crisis's are included); others are deleted {days:0.##} days after they were generated (Summaries:Retention), with their acknowledgements");
        return Task.CompletedTask;
    }
}
