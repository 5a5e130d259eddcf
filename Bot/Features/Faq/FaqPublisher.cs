using CrisisBot.Features.Experts;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Faq;

/// <summary>The outcome of a publish: a new version (<see cref="Created"/>) or the unchanged latest one (null when none exists).</summary>
public sealed record FaqPublishResult(bool Created, FaqVersion? Version, IReadOnlyList<(FaqEntry Entry, FaqChangeKind Kind)> Changes);

/// <summary>
/// Builds the next FAQ version from the active library entries flagged "add to FAQ" and stores it only when its content
/// differs from the latest version (no empty versions). Versions are numbered 1, 2, … under a unique index: of two
/// concurrent publishers one fails on save and retries against the new latest version.
/// </summary>
public sealed class FaqPublisher(IDbContextFactory<CrisisDbContext> contexts, TimeProvider time, ILogger<FaqPublisher> logger)
{
    private const int MaxAttempts = 4;

    /// <summary>
    /// Adds the next version to <paramref name="db"/> when the content changed; the caller saves and commits (the timer
    /// handler's transaction). Does not call SaveChanges.
    /// </summary>
    public async Task<FaqPublishResult> StageAsync(CrisisDbContext db, FaqTrigger trigger, string triggeredBy, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var library = await db.Set<LibraryEntry>().AsNoTracking()
            .Where(e => e.Status == LibraryEntryStatus.Active && e.AddToFaq)
            .ToListAsync(ct);
        var entries = FaqContent.Build(library);
        var hash = FaqContent.Hash(entries);
        var latest = await db.Set<FaqVersion>().AsNoTracking().OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        if (latest is not null && latest.ContentHash == hash)
        {
            FaqLog.Unchanged(logger, latest.Number, trigger, triggeredBy);
            return new FaqPublishResult(false, latest, []);
        }

        if (latest is null && entries.Count == 0)
        {
            // Nothing was ever published and there is nothing to publish: an empty version 1 would be churn.
            FaqLog.Unchanged(logger, null, trigger, triggeredBy);
            return new FaqPublishResult(false, null, []);
        }

        var previous = latest is null
            ? []
            : await db.Set<FaqEntry>().AsNoTracking().Where(e => e.VersionId == latest.Id).OrderBy(e => e.Position).ToListAsync(ct);
        var version = new FaqVersion
        {
            Number = (latest?.Number ?? 0) + 1,
            PublishedAt = time.GetUtcNow(),
            Trigger = trigger,
            TriggeredBy = Clip(triggeredBy, 500),
            EntryCount = entries.Count,
            ContentHash = hash,
            Entries = entries,
        };
        db.Add(version);
        var diff = FaqContent.Diff(previous, entries);
        FaqLog.Published(logger, version.Number, trigger, version.TriggeredBy, entries.Count, FaqContent.Describe(diff));
        return new FaqPublishResult(true, version, diff);
    }

    /// <summary>
    /// Publishes in its own transaction (schedule, admin), retrying when another publisher took the number.
    /// <paramref name="audit"/> may add an audit row for the outcome; it commits with the version.
    /// </summary>
    public async Task<FaqPublishResult> PublishAsync(FaqTrigger trigger, string triggeredBy, Func<FaqPublishResult, AuditEntry?>? audit = null, CancellationToken ct = default)
    {
        for (var attempt = 1; ; attempt++)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            try
            {
                var result = await StageAsync(db, trigger, triggeredBy, ct);
                if (audit?.Invoke(result) is { } row)
                {
                    db.Add(row);
                }

                if (db.ChangeTracker.HasChanges())
                {
                    await db.SaveChangesAsync(ct);
                    await tx.CommitAsync(ct);
                }

                return result;
            }
            catch (DbUpdateException ex) when (attempt < MaxAttempts)
            {
                FaqLog.PublishRace(logger, attempt, ex);
                await tx.RollbackAsync(ct);
            }
        }
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
