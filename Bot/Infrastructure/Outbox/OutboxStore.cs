using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// The delivery worker's database operations. Every state change is a conditional <c>UPDATE … WHERE LeaseOwner = me</c>,
/// so a worker that lost its lease (it was too slow and another instance reclaimed the row) changes nothing.
/// </summary>
/// <remarks>
/// Lease choice: rows are claimed with <c>UPDATE … SET Status = Sending, LeaseOwner = me, LeaseUntil = now + lease WHERE Id IN
/// (candidates) AND (due pending OR expired lease)</c>, then read back by owner. The condition is re-evaluated by the
/// database on the row it updates (SQLite serialises writers; PostgreSQL re-checks the WHERE of a concurrently updated row
/// under READ COMMITTED), so two instances never both own a row. It works the same on both providers; PostgreSQL's
/// <c>FOR UPDATE SKIP LOCKED</c> would only save the losing instance a wasted candidate read.
/// </remarks>
internal sealed class OutboxStore(IDbContextFactory<CrisisDbContext> contexts, TimeProvider time)
{
    /// <summary>
    /// Marks pending updates superseded when a newer, not failed update of the same coalesce key exists. A read decides
    /// first whether there is anything to mark: on SQLite an <c>UPDATE</c> takes the database's single write lock even
    /// when it matches no row, and this runs on every outbox pass, so ingest transactions would wait for it (in SQLite's
    /// busy handler, which sleeps 1–100 ms per retry) at every pass instead of only when an update is superseded.
    /// </summary>
    public async Task<int> CoalesceAsync(CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = db.Set<OutboxMessage>();
        var superseded = rows
            .Where(m => m.Status == OutboxStatus.Pending && m.Kind == OutboxKind.Update && m.CoalesceKey != null
                        && rows.Any(n => n.CoalesceKey == m.CoalesceKey && n.Kind == OutboxKind.Update && n.Id > m.Id
                                         && (n.Status == OutboxStatus.Pending || n.Status == OutboxStatus.Sending || n.Status == OutboxStatus.Sent)));
        if (!await superseded.AnyAsync(ct))
        {
            return 0;
        }

        // The UPDATE evaluates the same condition again on the rows it changes (another pass may have run meanwhile).
        return await superseded
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Superseded)
                .SetProperty(m => m.LastError, "superseded by a newer update of the same card"), ct);
    }

    /// <summary>
    /// Leases up to <paramref name="take"/> due rows, at most <paramref name="perConversation"/> per conversation, only of
    /// <paramref name="partitions"/> when given (shared limits).
    /// </summary>
    public async Task<IReadOnlyList<OutboxMessage>> ClaimAsync(string owner, int take, int perConversation, TimeSpan lease,
        IReadOnlyDictionary<string, int> alreadyHeld, IReadOnlyCollection<int>? partitions, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = db.Set<OutboxMessage>();
        var due = rows.AsNoTracking()
            .Where(m => (m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now) || (m.Status == OutboxStatus.Sending && m.LeaseUntil < now));
        if (partitions is not null)
        {
            due = due.Where(m => partitions.Contains(m.Partition));
        }

        var candidates = await due
            .OrderBy(m => m.Id)
            .Select(m => new { m.Id, m.ConversationKey })
            .Take(take * 5)
            .ToListAsync(ct);

        var perKey = new Dictionary<string, int>(alreadyHeld, StringComparer.Ordinal);
        var ids = new List<long>();
        foreach (var candidate in candidates)
        {
            perKey.TryGetValue(candidate.ConversationKey, out var held);
            if (held >= perConversation)
            {
                continue;
            }

            perKey[candidate.ConversationKey] = held + 1;
            ids.Add(candidate.Id);
            if (ids.Count >= take)
            {
                break;
            }
        }

        if (ids.Count == 0)
        {
            return [];
        }

        return await LeaseAsync(db, ids, owner, now, now + lease, ct);
    }

    private static async Task<List<OutboxMessage>> LeaseAsync(CrisisDbContext db, List<long> ids, string owner, DateTimeOffset now, DateTimeOffset leaseUntil, CancellationToken ct)
    {
        var rows = db.Set<OutboxMessage>();
        await rows
            .Where(m => ids.Contains(m.Id)
                        && ((m.Status == OutboxStatus.Pending && m.NextAttemptAt <= now) || (m.Status == OutboxStatus.Sending && m.LeaseUntil < now)))
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sending)
                .SetProperty(m => m.LeaseOwner, owner)
                .SetProperty(m => m.LeaseUntil, leaseUntil), ct);
        return await rows.AsNoTracking()
            .Where(m => ids.Contains(m.Id) && m.Status == OutboxStatus.Sending && m.LeaseOwner == owner && m.LeaseUntil == leaseUntil)
            .OrderBy(m => m.Id)
            .ToListAsync(ct);
    }

    /// <summary>
    /// Runs the statements of one send (lease, in-flight stamp, sent) against no row (<paramref name="sample"/> is not
    /// stored: its id matches nothing), so their queries are compiled before the first real send. Changes nothing.
    /// </summary>
    public async Task WarmUpAsync(OutboxMessage sample, string owner, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await LeaseAsync(db, [sample.Id], owner, now, now, ct);
        }

        await MarkInFlightAsync(sample.Id, owner, ct);

        // The sent UPDATE's first (cold) compilation outside a transaction: MarkSentAsync runs it inside one, and SQLite's
        // write lock would otherwise be held while EF compiles it.
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await SetSentAsync(db, sample.Id, owner, now, conversationId: null, activityId: null, ct);
        }

        await MarkSentAsync(sample, owner, conversationId: null, activityId: null, ct);
    }

    private static Task<int> SetSentAsync(CrisisDbContext db, long id, string owner, DateTimeOffset now, string? conversationId, string? activityId, CancellationToken ct) =>
        db.Set<OutboxMessage>().Where(m => m.Id == id && m.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sent)
                .SetProperty(m => m.SentAt, now)
                .SetProperty(m => m.ResultConversationId, conversationId)
                .SetProperty(m => m.ResultActivityId, activityId)
                .SetProperty(m => m.InFlightSince, (DateTimeOffset?)null)
                .SetProperty(m => m.LeaseOwner, (string?)null)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, (string?)null), ct);

    /// <summary>Counts an interrupted send (the row was in flight when its worker died) and clears the stamp.</summary>
    public async Task RecordInterruptedAsync(long id, string owner, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<OutboxMessage>().Where(m => m.Id == id && m.LeaseOwner == owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.InterruptedSends, m => m.InterruptedSends + 1)
                .SetProperty(m => m.InFlightSince, (DateTimeOffset?)null), ct);
    }

    /// <summary>Stamps a post as in flight (committed before the Connector call). False when this worker lost the lease.</summary>
    public async Task<bool> MarkInFlightAsync(long id, string owner, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<OutboxMessage>().Where(m => m.Id == id && m.LeaseOwner == owner && m.Status == OutboxStatus.Sending)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.InFlightSince, now), ct) == 1;
    }

    /// <summary>Clears the in-flight stamp after the Connector refused the call (429): nothing was delivered.</summary>
    public async Task ReleaseInFlightAsync(long id, string owner, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<OutboxMessage>().Where(m => m.Id == id && m.LeaseOwner == owner && m.InFlightSince != null)
            .ExecuteUpdateAsync(s => s.SetProperty(m => m.InFlightSince, (DateTimeOffset?)null), ct);
    }

    /// <summary>Marks a row sent with the Connector's ids, and records the card's post in the same transaction.</summary>
    public async Task MarkSentAsync(OutboxMessage row, string owner, string? conversationId, string? activityId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        await SetSentAsync(db, row.Id, owner, now, conversationId, activityId, ct);
        if (row.Kind == OutboxKind.ChannelPost && row.CardId is not null && conversationId is not null && activityId is not null)
        {
            var existing = await db.Set<CardMessage>().FindAsync([row.CardId], ct);
            if (existing is not null)
            {
                db.Remove(existing);
                await db.SaveChangesAsync(ct);
            }

            db.Add(CardMessage.Create(row.CardId, conversationId, activityId, row.ServiceUrl, row.Id, now));
            await db.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
    }

    /// <summary>Puts a row back to pending (a retry, a wait for its card's post, or a release). Attempts are incremented when <paramref name="failed"/>.</summary>
    public async Task ReleaseAsync(long id, string owner, DateTimeOffset nextAttemptAt, bool failed, string? error, CancellationToken ct)
    {
        var increment = failed ? 1 : 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<OutboxMessage>().Where(m => m.Id == id && m.LeaseOwner == owner && m.Status == OutboxStatus.Sending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Pending)
                .SetProperty(m => m.Attempts, m => m.Attempts + increment)
                .SetProperty(m => m.NextAttemptAt, nextAttemptAt)
                .SetProperty(m => m.InFlightSince, (DateTimeOffset?)null)
                .SetProperty(m => m.LeaseOwner, (string?)null)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, m => error ?? m.LastError), ct);
    }

    /// <summary>Releases rows held but not sent (lease renewal by release, shutdown).</summary>
    public async Task ReleaseManyAsync(IReadOnlyCollection<long> ids, string owner, CancellationToken ct)
    {
        if (ids.Count == 0)
        {
            return;
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<OutboxMessage>().Where(m => ids.Contains(m.Id) && m.LeaseOwner == owner && m.Status == OutboxStatus.Sending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Pending)
                .SetProperty(m => m.LeaseOwner, (string?)null)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null), ct);
    }

    /// <summary>Dead-letters a row (or marks an update superseded) with a reason.</summary>
    public async Task FinishAsync(long id, string owner, OutboxStatus status, bool failed, string reason, CancellationToken ct)
    {
        var increment = failed ? 1 : 0;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<OutboxMessage>().Where(m => m.Id == id && m.LeaseOwner == owner && m.Status == OutboxStatus.Sending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, status)
                .SetProperty(m => m.Attempts, m => m.Attempts + increment)
                .SetProperty(m => m.InFlightSince, (DateTimeOffset?)null)
                .SetProperty(m => m.LeaseOwner, (string?)null)
                .SetProperty(m => m.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(m => m.LastError, reason), ct);
    }

    /// <summary>Where a card was posted, or null.</summary>
    public async Task<CardMessage?> FindCardAsync(string cardId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<CardMessage>().AsNoTracking().SingleOrDefaultAsync(c => c.CardId == cardId, ct);
    }

    /// <summary>True when a post of the card is still waiting to be sent (pending or being sent).</summary>
    public async Task<bool> HasPendingPostAsync(string cardId, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<OutboxMessage>().AnyAsync(
            m => m.CardId == cardId && m.Kind == OutboxKind.ChannelPost && (m.Status == OutboxStatus.Pending || m.Status == OutboxStatus.Sending), ct);
    }
}
