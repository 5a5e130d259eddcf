using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Inbound;

/// <summary>
/// Durable inbound turns (README "Inbound activities"): each non-invoke activity is a committed <see cref="InboundTurn"/>
/// row before the 200. The row carries a lease of this instance (renewed while it lives), so after a crash the turn is
/// taken again, by the next start or another instance, once the lease has run out; a graceful stop hands its turns back
/// at once. A turn that fails is retried with backoff and dead-lettered after <see cref="BotOptions.InboundMaxAttempts"/>
/// runs; a run cut short by a crash counts, so an activity that brings the process down cannot loop forever.
/// </summary>
internal sealed class DurableInboundTurns(
    IDbContextFactory<CrisisDbContext> contexts,
    IOptions<BotOptions> options,
    TimeProvider time,
    ILogger<DurableInboundTurns> logger) : IInboundTurns
{
    private readonly BotOptions _options = options.Value;
    private GroupCommit<InboundTurn, InboundAdmission>? _admissionCommit;
    private GroupCommit<long, bool>? _completionCommit;

    private GroupCommit<InboundTurn, InboundAdmission> Admissions =>
        _admissionCommit ?? Interlocked.CompareExchange(ref _admissionCommit, new(AdmitBatchAsync), null) ?? _admissionCommit;

    private GroupCommit<long, bool> Completions =>
        _completionCommit ?? Interlocked.CompareExchange(ref _completionCommit, new(CompleteBatchAsync), null) ?? _completionCommit;

    /// <summary>This instance's lease owner name.</summary>
    internal string Owner { get; } = $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}";

    public bool IsDurable => true;

    public async Task<InboundAdmission> AdmitAsync(Activity activity, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var now = time.GetUtcNow();
        var key = KeyOf(activity);
        var row = new InboundTurn
        {
            Key = key,
            ActivityId = Truncate(activity.Id, 256),
            ConversationId = Truncate(activity.Conversation?.Id, 600),
            Type = Truncate(activity.Type, 64) ?? "",
            Payload = JsonSerializer.Serialize(activity, ProtocolJsonContext.Default.Activity),
            Status = InboundTurnStatus.Pending,
            NextAttemptAt = now,
            LeaseOwner = Owner,
            LeaseUntil = now + _options.InboundLease,
            ReceivedAt = now,
        };
        return await Admissions.RunAsync(row, ct);
    }

    /// <summary>Stores a batch of new rows in one transaction; a row whose key is already stored (or earlier in the
    /// batch) is a duplicate.</summary>
    private async Task<IReadOnlyList<InboundAdmission>> AdmitBatchAsync(IReadOnlyList<InboundTurn> batch)
    {
        var results = new InboundAdmission[batch.Count];
        var keys = batch.Select(r => r.Key).Distinct(StringComparer.Ordinal).ToList();
        await using var db = await contexts.CreateDbContextAsync();
        var stored = (await db.Set<InboundTurn>().AsNoTracking().Where(t => keys.Contains(t.Key)).Select(t => t.Key).ToListAsync())
            .ToHashSet(StringComparer.Ordinal);
        var fresh = new List<int>(batch.Count);
        for (var i = 0; i < batch.Count; i++)
        {
            if (!stored.Add(batch[i].Key))
            {
                results[i] = new InboundAdmission(null, Duplicate: true);
                continue;
            }

            db.Add(batch[i]);
            fresh.Add(i);
        }

        try
        {
            await db.SaveChangesAsync();
            foreach (var i in fresh)
            {
                results[i] = new InboundAdmission(batch[i].Id, Duplicate: false);
            }
        }
        catch (DbUpdateException) when (fresh.Count > 1)
        {
            // Another instance stored one of these keys meanwhile: one by one, so only that one is the duplicate.
            foreach (var i in fresh)
            {
                batch[i].Id = 0;
                results[i] = await AdmitOneAsync(batch[i]);
            }
        }
        catch (DbUpdateException) when (fresh.Count == 1)
        {
            // Stored by another instance meanwhile (anything else is rethrown).
            if (!await ExistsAsync(batch[fresh[0]].Key, CancellationToken.None))
            {
                throw;
            }

            results[fresh[0]] = new InboundAdmission(null, Duplicate: true);
        }

        return results;
    }

    private async Task<InboundAdmission> AdmitOneAsync(InboundTurn row)
    {
        await using var db = await contexts.CreateDbContextAsync();
        db.Add(row);
        try
        {
            await db.SaveChangesAsync();
            return new InboundAdmission(row.Id, Duplicate: false);
        }
        catch (DbUpdateException)
        {
            if (!await ExistsAsync(row.Key, CancellationToken.None))
            {
                throw;
            }

            return new InboundAdmission(null, Duplicate: true);
        }
    }

    public Task CompleteAsync(long id, CancellationToken ct) => Completions.RunAsync(id, ct);

    /// <summary>Marks a batch of finished turns done in one statement.</summary>
    private async Task<IReadOnlyList<bool>> CompleteBatchAsync(IReadOnlyList<long> ids)
    {
        var now = time.GetUtcNow();
        var list = ids.ToList();
        await using var db = await contexts.CreateDbContextAsync();
        await db.Set<InboundTurn>().Where(t => list.Contains(t.Id) && t.LeaseOwner == Owner && t.Status == InboundTurnStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, InboundTurnStatus.Done)
                .SetProperty(t => t.CompletedAt, now)
                .SetProperty(t => t.LeaseOwner, (string?)null)
                .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null));
        return [.. ids.Select(_ => true)];
    }

    public async Task<InboundFailureOutcome> FailAsync(long id, string reason, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var row = await db.Set<InboundTurn>().FirstOrDefaultAsync(t => t.Id == id && t.LeaseOwner == Owner && t.Status == InboundTurnStatus.Pending, ct);
        if (row is null)
        {
            // Lost the lease (another instance took the turn over): its outcome is that instance's to record.
            return new InboundFailureOutcome(false, 0, null);
        }

        row.Attempts++;
        row.LastError = Truncate(reason, 2000);
        row.LeaseOwner = null;
        row.LeaseUntil = null;
        if (row.Attempts >= _options.InboundMaxAttempts)
        {
            row.Status = InboundTurnStatus.Dead;
            row.CompletedAt = now;
            await db.SaveChangesAsync(ct);
            return new InboundFailureOutcome(true, row.Attempts, null);
        }

        row.NextAttemptAt = now + RetryDelay(row.Attempts);
        await db.SaveChangesAsync(ct);
        return new InboundFailureOutcome(false, row.Attempts, row.NextAttemptAt);
    }

    public async Task ReleaseAsync(long id, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<InboundTurn>().Where(t => t.Id == id && t.LeaseOwner == Owner && t.Status == InboundTurnStatus.Pending)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.LeaseOwner, (string?)null)
                .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null), ct);
    }

    public async Task<IReadOnlyList<InboundClaim>> ClaimDueAsync(int max, ICollection<long> held, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(held);
        if (max <= 0)
        {
            return [];
        }

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var rows = db.Set<InboundTurn>();
        var candidates = await rows.AsNoTracking()
            .Where(t => t.Status == InboundTurnStatus.Pending && t.NextAttemptAt <= now && (t.LeaseOwner == null || t.LeaseUntil < now))
            .OrderBy(t => t.Id)
            .Select(t => new { t.Id, t.Attempts, t.LeaseOwner, t.LastError, t.ActivityId, t.Type })
            .Take(max + held.Count)
            .ToListAsync(ct);

        var claims = new List<InboundClaim>();
        foreach (var candidate in candidates)
        {
            if (claims.Count >= max || held.Contains(candidate.Id))
            {
                continue;
            }

            // A lease that ran out: its holder died during the turn (or before it started). That run counts.
            var interrupted = candidate.LeaseOwner is not null;
            var attempts = candidate.Attempts + (interrupted ? 1 : 0);
            var due = rows.Where(t => t.Id == candidate.Id && t.Status == InboundTurnStatus.Pending && t.NextAttemptAt <= now
                                      && (t.LeaseOwner == null || t.LeaseUntil < now));
            if (attempts >= _options.InboundMaxAttempts)
            {
                var error = $"the process stopped during the turn ({attempts} run(s) without an outcome); last error: {candidate.LastError ?? "none"}";
                if (await due.ExecuteUpdateAsync(s => s
                        .SetProperty(t => t.Status, InboundTurnStatus.Dead)
                        .SetProperty(t => t.Attempts, attempts)
                        .SetProperty(t => t.LastError, Truncate(error, 2000))
                        .SetProperty(t => t.CompletedAt, now)
                        .SetProperty(t => t.LeaseOwner, (string?)null)
                        .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null), ct) == 1)
                {
                    ProtocolLog.TurnDeadLettered(logger, candidate.ActivityId, candidate.Type, attempts, error);
                }

                continue;
            }

            var leaseUntil = now + _options.InboundLease;
            if (await due.ExecuteUpdateAsync(s => s
                    .SetProperty(t => t.Attempts, attempts)
                    .SetProperty(t => t.LeaseOwner, Owner)
                    .SetProperty(t => t.LeaseUntil, leaseUntil), ct) != 1)
            {
                continue; // another instance was quicker
            }

            var payload = await rows.AsNoTracking().Where(t => t.Id == candidate.Id).Select(t => t.Payload).FirstAsync(ct);
            Activity? activity;
            string? unreadable = null;
            try
            {
                activity = JsonSerializer.Deserialize(payload, ProtocolJsonContext.Default.Activity);
            }
            catch (JsonException ex)
            {
                activity = null;
                unreadable = ex.Message;
            }

            if (activity is null)
            {
                await DeadLetterUnreadableAsync(candidate.Id, candidate.ActivityId, candidate.Type, attempts, unreadable ?? "the stored payload is null", ct);
                continue;
            }

            claims.Add(new InboundClaim(candidate.Id, activity, attempts + 1));
        }

        return claims;
    }

    public async Task RenewLeasesAsync(CancellationToken ct)
    {
        var leaseUntil = time.GetUtcNow() + _options.InboundLease;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<InboundTurn>().Where(t => t.LeaseOwner == Owner && t.Status == InboundTurnStatus.Pending)
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseUntil, leaseUntil), ct);
    }

    /// <summary>Conversation id and activity id: Teams' activity ids are unique within a conversation.</summary>
    internal static string KeyOf(Activity activity)
    {
        if (string.IsNullOrEmpty(activity.Id))
        {
            return Guid.NewGuid().ToString("N"); // nothing to recognise a re-delivery by
        }

        var text = $"{activity.Conversation?.Id}\n{activity.Id}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
    }

    private async Task DeadLetterUnreadableAsync(long id, string? activityId, string type, int attempts, string reason, CancellationToken ct)
    {
        var error = $"the stored activity cannot be read: {reason}";
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Set<InboundTurn>().Where(t => t.Id == id && t.LeaseOwner == Owner)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Status, InboundTurnStatus.Dead)
                .SetProperty(t => t.LastError, Truncate(error, 2000))
                .SetProperty(t => t.CompletedAt, now)
                .SetProperty(t => t.LeaseOwner, (string?)null)
                .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null), ct);
        ProtocolLog.TurnDeadLettered(logger, activityId, type, attempts, error);
    }

    private async Task<bool> ExistsAsync(string key, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<InboundTurn>().AnyAsync(t => t.Key == key, ct);
    }

    private TimeSpan RetryDelay(int attempts)
    {
        var delay = _options.InboundRetryBaseDelay * Math.Pow(2, Math.Max(0, attempts - 1));
        return delay < _options.InboundRetryMaxDelay ? delay : _options.InboundRetryMaxDelay;
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
