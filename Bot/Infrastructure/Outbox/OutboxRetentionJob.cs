using System.ComponentModel.DataAnnotations;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>The <c>Retention</c> section: how long delivered rows are kept.</summary>
public sealed class RetentionOptions
{
    public const string SectionName = "Retention";

    /// <summary>Cron (5 fields, UTC) of the clean-up; empty disables it.</summary>
    /// <value>Default <c>17 3 * * *</c> (daily 03:17 UTC).</value>
    public string? Cron { get; set; } = "17 3 * * *";

    /// <summary>
    /// Sent and superseded outbox rows older than this are deleted (dead rows are kept for the admins, and the rows of a
    /// crisis for its export: see <see cref="IOutboxRetentionHold"/>).
    /// </summary>
    /// <value>Default 7 days.</value>
    [Range(typeof(TimeSpan), "01:00:00", "3650.00:00:00")]
    public TimeSpan OutboxAge { get; set; } = TimeSpan.FromDays(7);

    /// <summary>Rows deleted per statement (short transactions while the bot runs).</summary>
    /// <value>Default 5,000.</value>
    [Range(100, 1_000_000)]
    public int BatchSize { get; set; } = 5_000;
}

/// <summary>
/// Outbox rows a feature still needs after <see cref="RetentionOptions.OutboxAge"/> (the crisis feature keeps a crisis's
/// rows for its export). Register with <c>services.AddSingleton&lt;IOutboxRetentionHold, …&gt;()</c>; the retention job
/// deletes only the rows that no hold keeps.
/// </summary>
public interface IOutboxRetentionHold
{
    /// <summary>
    /// <paramref name="candidates"/> without the rows this hold keeps: a filter EF Core translates to SQL (it runs inside
    /// the job's query, on <paramref name="db"/>).
    /// </summary>
    IQueryable<OutboxMessage> Release(CrisisDbContext db, IQueryable<OutboxMessage> candidates);
}

/// <summary>
/// Recurring clean-up (runs once across instances through the scheduler): deletes sent and superseded outbox rows older
/// than <see cref="RetentionOptions.OutboxAge"/>, in batches, except the rows an <see cref="IOutboxRetentionHold"/> keeps.
/// Card posts stay addressable: their ids live in <c>CardMessages</c>.
/// </summary>
public sealed class OutboxRetentionJob(
    IDbContextFactory<CrisisDbContext> contexts,
    IOptions<RetentionOptions> options,
    TimeProvider time,
    ILogger<OutboxRetentionJob> logger,
    IEnumerable<IOutboxRetentionHold>? holds = null) : IRecurringJob
{
    private readonly IOutboxRetentionHold[] _holds = [.. holds ?? []];

    public string Name => "outbox.retention";

    public string? Cron => string.IsNullOrWhiteSpace(options.Value.Cron) ? null : options.Value.Cron;

    public TimeZoneInfo TimeZone => TimeZoneInfo.Utc;

    public async Task RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        var deleted = await DeleteOldRowsAsync(ct);
        OutboxLog.RetentionDeleted(logger, deleted, options.Value.OutboxAge);
    }

    /// <summary>Deletes the old delivered rows; returns how many.</summary>
    public async Task<int> DeleteOldRowsAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - options.Value.OutboxAge;
        var total = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var rows = db.Set<OutboxMessage>();
            var candidates = rows.AsNoTracking()
                .Where(m => (m.Status == OutboxStatus.Sent || m.Status == OutboxStatus.Superseded) && m.CreatedAt < cutoff);
            foreach (var hold in _holds)
            {
                candidates = hold.Release(db, candidates);
            }

            var ids = await candidates
                .OrderBy(m => m.Id)
                .Select(m => m.Id)
                .Take(options.Value.BatchSize)
                .ToListAsync(ct);
            if (ids.Count == 0)
            {
                return total;
            }

            total += await rows.Where(m => ids.Contains(m.Id) && (m.Status == OutboxStatus.Sent || m.Status == OutboxStatus.Superseded)).ExecuteDeleteAsync(ct);
        }
    }
}
