using System.Collections.Concurrent;
using System.Text.Json;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using CrisisBot.Tests.Infrastructure.Scheduling;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.Extensions.Time.Testing;
using static CrisisBot.Tests.Infrastructure.Outbox.OutboxDeliveryTests;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>
/// Two full instances (each its own DI container, outbox worker, rate limiter and scheduler) on one PostgreSQL database
/// do the same burst against the fake Connector enforcing Teams' limits.
/// </summary>
[Collection(CrisisBot.Tests.Infrastructure.SerialTests.Name)]
[PostgresTests]
public sealed class TwoInstancesPostgresTests : StorageProviderTests
{
    private const int Channels = 30;
    private const int Cards = 120;
    private const int UpdatesPerCard = 2;
    protected override bool OnPostgres => true;

    private string Database => Postgres!;

    private static Dictionary<string, string?> Settings(string instance) => new()
    {
        ["Outbox:InstanceId"] = instance,
        ["Outbox:PartitionHeartbeat"] = "00:00:00.200",
        ["Outbox:PartitionLease"] = "00:00:02",
        ["Outbox:BatchSize"] = "100",
    };

    [PostgresFact]
    public async Task SameBurstOnTwoInstances_NoDuplicateNoLostUpdateNoViolation_JobsRunOnce()
    {
        await using var fake = await FakeConnectorServer.StartAsync();
        await using var a = await OutboxTestHost.StartAsync(Settings("instance-a"), postgres: Database);
        await using var b = await OutboxTestHost.StartAsync(Settings("instance-b"), postgres: Database);
        Assert.True(a.Worker.SharesLimits && b.Worker.SharesLimits);

        // Wait until the partitions are split (a took all 64 first, then hands 32 to b).
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(20);
        while (!(a.Worker.UsablePartitions.Count == 32 && b.Worker.UsablePartitions.Count == 32 && a.Worker.LiveInstances == 2 && b.Worker.LiveInstances == 2))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, $"partitions not balanced: a {a.Worker.UsablePartitions.Count}, b {b.Worker.UsablePartitions.Count}");
            await Task.Delay(50);
        }

        Assert.Empty(a.Worker.UsablePartitions.Intersect(b.Worker.UsablePartitions));

        // The scheduler of both instances on the same database, on a fake clock, running while the burst is delivered.
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var runs = new ConcurrentQueue<(string Instance, DateTimeOffset Occurrence)>();
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        var timersA = new RecordingHandler("card.reminder");
        var timersB = new RecordingHandler("card.reminder");
        await using var schedulerA = await SchedulerTestHost.StartAsync(directory, Database, time, "instance-a", [timersA],
            [new RecordingJob("digest", "*/5 * * * *", TimeZoneInfo.Utc, runs, "a")]);
        await using var schedulerB = await SchedulerTestHost.StartAsync(directory, Database, time, "instance-b", [timersB],
            [new RecordingJob("digest", "*/5 * * * *", TimeZoneInfo.Utc, runs, "b")]);

        // The same burst from both instances: every card posted by one of them, its updates enqueued alternately by both.
        for (var round = 0; round <= UpdatesPerCard; round++)
        {
            await Task.WhenAll(Enqueue(a, round % 2), Enqueue(b, (round + 1) % 2));
        }

        await schedulerA.ScheduleAsync([.. Enumerable.Range(0, Cards).Select(i => new DurableTimer("card.reminder", $"card-{i}", time.GetUtcNow().AddMinutes(i % 7), null))]);
        for (var minute = 0; minute < 30; minute++)
        {
            time.Advance(TimeSpan.FromMinutes(1));
            await Task.WhenAll(Task.Run(schedulerA.PassAsync), Task.Run(schedulerB.PassAsync));
        }

        var rows = await a.DrainAsync(TimeSpan.FromSeconds(60));
        await b.DrainAsync(TimeSpan.FromSeconds(5));

        // Outbox: every card exactly once, the newest state on each, no limit violated, both instances worked.
        Assert.Equal(Cards, fake.Messages.Count);
        Assert.Empty(fake.Duplicates());
        Assert.Empty(fake.Violations);
        Assert.DoesNotContain(fake.Requests, r => r.Status == 429);
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { OutboxStatus.Sent, OutboxStatus.Superseded }));
        for (var i = 0; i < Cards; i++)
        {
            var card = await a.CardAsync($"card-{i}");
            Assert.NotNull(card);
            var message = fake.FindMessage(card.ActivityId);
            Assert.NotNull(message);
            Assert.Contains($"card {i} v{UpdatesPerCard}", message.Activity.GetRawText(), StringComparison.Ordinal);
        }

        var senders = rows.Where(r => r.Status == OutboxStatus.Sent).Select(r => r.ConversationKey)
            .Select(DeliveryPartitions.PartitionOf).Distinct().ToList();
        Assert.Contains(senders, p => a.Worker.UsablePartitions.Contains(p));
        Assert.Contains(senders, p => b.Worker.UsablePartitions.Contains(p));

        // Scheduler: each job occurrence once (08:05 … 08:30 = 6), each timer once.
        var occurrences = runs.Select(r => r.Occurrence).ToList();
        Assert.Equal(6, occurrences.Count);
        Assert.Equal(occurrences.Count, occurrences.Distinct().Count());
        var fired = timersA.Calls.Concat(timersB.Calls).Select(t => t.Key).ToList();
        Assert.Equal(Cards, fired.Count);
        Assert.Equal(Cards, fired.Distinct().Count());

        async Task Enqueue(OutboxTestHost host, int parity) => await host.InContextAsync(db =>
        {
            for (var i = parity; i < Cards; i += 2)
            {
                var channel = $"19:two{i % Channels}@thread.tacv2";
                var version = CountEnqueued(i);
                var request = version == 0
                    ? OutboxRequest.ChannelPost(fake.ServiceUrl, Tenant, channel, Card($"card {i} v0"), $"card-{i}")
                    : OutboxRequest.UpdateCard(fake.ServiceUrl, Tenant, channel, $"card-{i}", Card($"card {i} v{version}"));
                host.Outbox.Enqueue(db, request);
            }

            return 0;
        });
    }

    private readonly ConcurrentDictionary<int, int> _versions = new();

    /// <summary>The version of card <paramref name="i"/>'s next request (0 = the post), counted across both instances.</summary>
    private int CountEnqueued(int i) => _versions.AddOrUpdate(i, 0, (_, v) => v + 1);
}
