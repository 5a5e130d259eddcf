using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>Partition leases between instances (shared Teams limits), on a SQLite file and a FakeTimeProvider.</summary>
public sealed class DeliveryPartitionsTests : IAsyncLifetime
{
    private static readonly TimeSpan Cooldown = TimeSpan.FromSeconds(30.05);
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(30);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;

    public async Task InitializeAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = _directory,
        }).Build();
        _services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddStorage(configuration).BuildServiceProvider();
        await _services.MigrateStorageAsync();
    }

    public async Task DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
    }

    private DeliveryPartitions Instance(string name) => new(
        _services.GetRequiredService<IDbContextFactory<CrisisDbContext>>(), _time, name,
        new OutboxOptions { PartitionLease = TimeSpan.FromSeconds(10), PartitionHeartbeat = TimeSpan.FromSeconds(2) }, Cooldown, AttemptTimeout);

    private static Task<List<int>> Refresh(DeliveryPartitions p, Func<int, DateTimeOffset?>? lastAnswer = null) =>
        p.RefreshAsync(_ => false, lastAnswer ?? (_ => null), CancellationToken.None);

    [Fact]
    public void PartitionOf_SameKey_StableAndSpread()
    {
        var partitions = Enumerable.Range(0, 6400).Select(i => DeliveryPartitions.PartitionOf($"19:channel{i}@thread.tacv2")).ToList();

        Assert.All(partitions, p => Assert.InRange(p, 0, DeliveryPartitions.Count - 1));
        Assert.Equal(partitions, Enumerable.Range(0, 6400).Select(i => DeliveryPartitions.PartitionOf($"19:channel{i}@thread.tacv2")));
        var perPartition = partitions.GroupBy(p => p).Select(g => g.Count()).ToList();
        Assert.Equal(DeliveryPartitions.Count, perPartition.Count);
        Assert.InRange(perPartition.Min(), 50, 100); // 100 expected per partition
        Assert.InRange(perPartition.Max(), 100, 150);
    }

    [Fact]
    public async Task Refresh_SecondInstanceJoins_PartitionsSplitAndOwnedOnce()
    {
        var a = Instance("a");
        var b = Instance("b");
        await Refresh(a);
        Assert.Equal(DeliveryPartitions.Count, a.UsableNow(_time.GetUtcNow()).Count);

        await Refresh(b); // b is live now, but every partition is a's
        Assert.Equal(2, b.LiveInstances);
        Assert.Empty(b.Owned);

        _time.Advance(TimeSpan.FromSeconds(2));
        var released = await Refresh(a, p => p == 63 ? _time.GetUtcNow() - TimeSpan.FromSeconds(1) : null);
        Assert.Equal(32, released.Count);
        await Refresh(b);

        var now = _time.GetUtcNow();
        Assert.Equal(32, a.Owned.Count);
        Assert.Equal(32, b.Owned.Count);
        Assert.Empty(a.Owned.Intersect(b.Owned));
        Assert.Equal(31, b.UsableNow(now).Count); // partition 63 had a send 1 s ago: cooling for 30 s after it
        Assert.False(b.Usable(63, now));
        var usableAt = now - TimeSpan.FromSeconds(1) + Cooldown;
        while (_time.GetUtcNow() + TimeSpan.FromSeconds(2) < usableAt)
        {
            _time.Advance(TimeSpan.FromSeconds(2)); // both keep their heartbeats
            await Refresh(a);
            await Refresh(b);
        }

        _time.SetUtcNow(usableAt - TimeSpan.FromMilliseconds(50));
        await Refresh(b);
        Assert.False(b.Usable(63, _time.GetUtcNow()));
        _time.Advance(TimeSpan.FromMilliseconds(50));
        Assert.True(b.Usable(63, _time.GetUtcNow()));
        Assert.Equal(32, a.Owned.Count); // stable once balanced
    }

    [Fact]
    public async Task Refresh_OwnerStopsRenewing_OthersTakeOverAfterLeaseAndDrain()
    {
        var a = Instance("a");
        var b = Instance("b");
        await Refresh(a);
        await Refresh(b);
        _time.Advance(TimeSpan.FromSeconds(2));
        await Refresh(a);
        await Refresh(b);
        var aLeaseEnd = _time.GetUtcNow() + TimeSpan.FromSeconds(10); // a's last renewal

        // a "crashes": no more heartbeats. Its lease holds for 10 s; then b takes everything, usable once a's last
        // possible request (started before its lease ended, up to the attempt timeout) has left the 30 s window.
        _time.Advance(TimeSpan.FromSeconds(5));
        await Refresh(b);
        Assert.Equal(32, b.Owned.Count);
        Assert.False(a.Usable(a.Owned.First(), _time.GetUtcNow() + TimeSpan.FromSeconds(6))); // a itself stops at its lease end

        _time.Advance(TimeSpan.FromSeconds(6));
        await Refresh(b);
        Assert.Equal(1, b.LiveInstances);
        Assert.Equal(DeliveryPartitions.Count, b.Owned.Count);
        var taken = a.Owned.First();
        Assert.False(b.Usable(taken, aLeaseEnd + AttemptTimeout + Cooldown - TimeSpan.FromMilliseconds(1)));
        _time.SetUtcNow(aLeaseEnd + AttemptTimeout + Cooldown);
        await Refresh(b);
        Assert.True(b.Usable(taken, _time.GetUtcNow()));
    }

    [Fact]
    public async Task ReleaseAll_Shutdown_OtherInstanceTakesOverAtOnce()
    {
        var a = Instance("a");
        var b = Instance("b");
        await Refresh(a);
        await Refresh(b);

        await a.ReleaseAllAsync(_ => null, CancellationToken.None);
        await Refresh(b);

        Assert.Equal(1, b.LiveInstances);
        Assert.Equal(DeliveryPartitions.Count, b.UsableNow(_time.GetUtcNow()).Count);
    }

    [Fact]
    public async Task ReleaseAll_SameInstanceStartsAgain_UsableAtOnceDespiteRecentSends()
    {
        var a = Instance("a");
        await Refresh(a);
        await a.ReleaseAllAsync(_ => _time.GetUtcNow(), CancellationToken.None); // sent to every partition just now

        await Refresh(a);
        Assert.Equal(DeliveryPartitions.Count, a.UsableNow(_time.GetUtcNow()).Count);

        await a.ReleaseAllAsync(_ => _time.GetUtcNow(), CancellationToken.None);
        var b = Instance("b");
        await Refresh(b);
        Assert.Equal(DeliveryPartitions.Count, b.Owned.Count);
        Assert.Empty(b.UsableNow(_time.GetUtcNow())); // another instance waits for a's sends to leave the windows
    }
}
