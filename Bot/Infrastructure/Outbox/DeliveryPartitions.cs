using System.Text;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>A live delivery worker (heartbeat row); the tenant budget is split across the live ones.</summary>
public sealed class DeliveryInstance
{
    private DeliveryInstance()
    {
    }

    public string InstanceId { get; private set; } = "";

    public DateTimeOffset StartedAt { get; private set; }

    public DateTimeOffset HeartbeatAt { get; private set; }

    internal static DeliveryInstance Create(string id, DateTimeOffset now) => new() { InstanceId = id, StartedAt = now, HeartbeatAt = now };
}

/// <summary>
/// One of <see cref="DeliveryPartitions.Count"/> conversation partitions: while its lease holds, only <see cref="Owner"/>
/// sends to the conversations that hash into it, and only from <see cref="UsableFrom"/> on (the hand-over cooldown).
/// </summary>
public sealed class DeliveryPartition
{
    private DeliveryPartition()
    {
    }

    public int Partition { get; private set; }

    public string? Owner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    /// <summary>Who released it last: that instance may take it back at once (its own limiter knows its sends).</summary>
    public string? ReleasedBy { get; private set; }

    /// <summary>The owner may send from this time on: no send of a previous owner can still count in a Teams window.</summary>
    public DateTimeOffset UsableFrom { get; private set; }

    internal static DeliveryPartition Create(int partition, DateTimeOffset now) => new() { Partition = partition, UsableFrom = now };
}

internal sealed class DeliveryInstanceConfiguration : IEntityTypeConfiguration<DeliveryInstance>
{
    public void Configure(EntityTypeBuilder<DeliveryInstance> builder)
    {
        builder.ToTable("DeliveryInstances");
        builder.HasKey(i => i.InstanceId);
        builder.Property(i => i.InstanceId).HasMaxLength(128);
    }
}

internal sealed class DeliveryPartitionConfiguration : IEntityTypeConfiguration<DeliveryPartition>
{
    public void Configure(EntityTypeBuilder<DeliveryPartition> builder)
    {
        builder.ToTable("DeliveryPartitions");
        builder.HasKey(p => p.Partition);
        builder.Property(p => p.Partition).ValueGeneratedNever();
        builder.Property(p => p.Owner).HasMaxLength(128);
        builder.Property(p => p.ReleasedBy).HasMaxLength(128);
    }
}

/// <summary>
/// Shared Teams limits across instances (one database): conversation affinity by partition leases plus a tenant budget
/// split across live instances. Each conversation key hashes into one of <see cref="Count"/> partitions; an instance claims
/// and sends outbox rows only of partitions it leases, so one instance at a time sends to a conversation and its in-memory
/// per-thread windows are complete. Partitions are balanced (⌈Count / live instances⌉ each) through heartbeats; a partition
/// changing hands becomes usable for the new owner only when no send of the old one can still count in a 1 s, 2 s or
/// 30 s window (last answer + 30 s + margin on a clean hand-over; lease end + attempt timeout + 30 s after a crash).
/// Each instance's tenant limit is <c>TenantPerSecond / live instances</c>.
/// </summary>
/// <remarks>Refreshed by one <see cref="OutboxWorker"/> from its pass loop; the queries are safe from any thread.</remarks>
internal sealed class DeliveryPartitions(
    IDbContextFactory<CrisisDbContext> contexts, TimeProvider time, string owner, OutboxOptions options, TimeSpan cooldown, TimeSpan attemptTimeout)
{
    /// <summary>Number of partitions. Fixed: every instance must hash the same way.</summary>
    public const int Count = 64;

    // Snapshots replaced as a whole, so readers on other threads never see a dictionary being changed.
    private volatile Dictionary<int, DateTimeOffset> _owned = [];
    private long _validUntilTicks = DateTimeOffset.MinValue.UtcTicks;

    public int LiveInstances { get; private set; } = 1;

    public DateTimeOffset NextRefresh { get; private set; } = DateTimeOffset.MinValue;

    /// <summary>The partition of a conversation key: FNV-1a of its UTF-8 bytes, mod <see cref="Count"/> (stable across processes).</summary>
    public static int PartitionOf(string conversationKey)
    {
        ArgumentNullException.ThrowIfNull(conversationKey);
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(conversationKey))
        {
            hash = unchecked((hash ^ b) * 16777619u);
        }

        return (int)(hash % Count);
    }

    /// <summary>True when this instance may send to <paramref name="partition"/> now (leased, lease not expired, cooldown over).</summary>
    public bool Usable(int partition, DateTimeOffset now) => now < ValidUntil && _owned.TryGetValue(partition, out var from) && from <= now;

    private DateTimeOffset ValidUntil => new(Interlocked.Read(ref _validUntilTicks), TimeSpan.Zero);

    /// <summary>Leased partitions usable now (those to claim rows of).</summary>
    public List<int> UsableNow(DateTimeOffset now) => now < ValidUntil ? [.. _owned.Where(p => p.Value <= now).Select(p => p.Key)] : [];

    /// <summary>Leased partitions (usable or cooling down).</summary>
    public IReadOnlyCollection<int> Owned => _owned.Keys;

    /// <summary>
    /// Heartbeat, renew, rebalance. <paramref name="busy"/> says whether a partition has a send in flight (not released then);
    /// <paramref name="lastAnswer"/> the last Connector answer this instance got for a partition. Returns the partitions released.
    /// </summary>
    public async Task<List<int>> RefreshAsync(Func<int, bool> busy, Func<int, DateTimeOffset?> lastAnswer, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        NextRefresh = now + options.PartitionHeartbeat;
        await using var db = await contexts.CreateDbContextAsync(ct);
        await HeartbeatAsync(db, now, ct);
        await EnsurePartitionsAsync(db, now, ct);

        LiveInstances = Math.Max(1, await db.Set<DeliveryInstance>().CountAsync(i => i.HeartbeatAt >= now - options.PartitionLease, ct));
        var until = now + options.PartitionLease;
        await db.Set<DeliveryPartition>().Where(p => p.Owner == owner).ExecuteUpdateAsync(s => s.SetProperty(p => p.LeaseUntil, until), ct);
        Interlocked.Exchange(ref _validUntilTicks, until.UtcTicks);

        var rows = await db.Set<DeliveryPartition>().AsNoTracking().OrderBy(p => p.Partition).ToListAsync(ct);
        var owned = rows.Where(r => r.Owner == owner).ToDictionary(r => r.Partition, r => r.UsableFrom);
        _owned = new Dictionary<int, DateTimeOffset>(owned);

        var share = (Count + LiveInstances - 1) / LiveInstances;
        var released = new List<int>();
        if (owned.Count > share)
        {
            foreach (var partition in owned.Keys.Where(p => !busy(p)).OrderDescending().Take(owned.Count - share).ToList())
            {
                owned.Remove(partition);
                _owned = new Dictionary<int, DateTimeOffset>(owned); // stop using it before it is given away
                var usableFrom = lastAnswer(partition) is { } last && last + cooldown > now ? last + cooldown : now;
                var done = await db.Set<DeliveryPartition>().Where(p => p.Partition == partition && p.Owner == owner)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(p => p.Owner, (string?)null)
                        .SetProperty(p => p.ReleasedBy, owner)
                        .SetProperty(p => p.LeaseUntil, (DateTimeOffset?)null)
                        .SetProperty(p => p.UsableFrom, usableFrom), ct);
                if (done == 1)
                {
                    released.Add(partition);
                }
            }
        }
        else if (owned.Count < share)
        {
            foreach (var row in rows.Where(r => r.Owner is null || r.LeaseUntil < now).Take(share - owned.Count))
            {
                var usableFrom = row.Owner switch
                {
                    null when row.ReleasedBy == owner => now,
                    null => row.UsableFrom > now ? row.UsableFrom : now,
                    _ when row.Owner == owner => now,

                    // Taken from an instance whose lease expired: it may have had requests in flight until then.
                    _ => row.LeaseUntil!.Value + attemptTimeout + cooldown,
                };
                var taken = await db.Set<DeliveryPartition>()
                    .Where(p => p.Partition == row.Partition && p.Owner == row.Owner && p.LeaseUntil == row.LeaseUntil)
                    .ExecuteUpdateAsync(s => s
                        .SetProperty(p => p.Owner, owner)
                        .SetProperty(p => p.LeaseUntil, until)
                        .SetProperty(p => p.UsableFrom, usableFrom), ct);
                if (taken == 1)
                {
                    owned[row.Partition] = usableFrom;
                }
            }

            _owned = owned;
        }

        return released;
    }

    /// <summary>Gives every partition back (shutdown) and removes the heartbeat, so the others take over at once.</summary>
    public async Task ReleaseAllAsync(Func<int, DateTimeOffset?> lastAnswer, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var owned = _owned;
        _owned = [];
        Interlocked.Exchange(ref _validUntilTicks, DateTimeOffset.MinValue.UtcTicks);
        foreach (var partition in owned.Keys)
        {
            var usableFrom = lastAnswer(partition) is { } last && last + cooldown > now ? last + cooldown : now;
            await db.Set<DeliveryPartition>().Where(p => p.Partition == partition && p.Owner == owner)
                .ExecuteUpdateAsync(s => s
                    .SetProperty(p => p.Owner, (string?)null)
                    .SetProperty(p => p.ReleasedBy, owner)
                    .SetProperty(p => p.LeaseUntil, (DateTimeOffset?)null)
                    .SetProperty(p => p.UsableFrom, usableFrom), ct);
        }

        await db.Set<DeliveryInstance>().Where(i => i.InstanceId == owner).ExecuteDeleteAsync(ct);
    }

    private async Task HeartbeatAsync(CrisisDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        var beat = await db.Set<DeliveryInstance>().Where(i => i.InstanceId == owner)
            .ExecuteUpdateAsync(s => s.SetProperty(i => i.HeartbeatAt, now), ct);
        if (beat == 0)
        {
            db.Add(DeliveryInstance.Create(owner, now));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Inserted concurrently under the same id: the next heartbeat updates it.
            }

            db.ChangeTracker.Clear();
        }

        // Forget instances silent for much longer than a lease (crashed); their partitions' leases have expired too.
        var forgotten = now - (options.PartitionLease * 30);
        await db.Set<DeliveryInstance>().Where(i => i.HeartbeatAt < forgotten).ExecuteDeleteAsync(ct);
    }

    private static async Task EnsurePartitionsAsync(CrisisDbContext db, DateTimeOffset now, CancellationToken ct)
    {
        if (await db.Set<DeliveryPartition>().CountAsync(ct) >= Count)
        {
            return;
        }

        var existing = await db.Set<DeliveryPartition>().Select(p => p.Partition).ToListAsync(ct);
        foreach (var partition in Enumerable.Range(0, Count).Except(existing))
        {
            db.Add(DeliveryPartition.Create(partition, now));
        }

        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // Another instance created them at the same time.
        }

        db.ChangeTracker.Clear();
    }
}
