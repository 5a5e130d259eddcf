using System.Diagnostics;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using Xunit.Abstractions;
using static CrisisBot.Tests.Infrastructure.Outbox.OutboxDeliveryTests;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>
/// 1,000 card posts over 50 channels plus 2,000 updates through the worker and the fake Connector.
/// To keep the run short, the limits are scaled up 5× on BOTH sides (fake: 35/1 s, 40/2 s, 300/30 s, 9,000/h per thread
/// and 250/s per tenant; limiter: the same numbers): the test checks that the worker never exceeds the limits it is
/// given, loses nothing, duplicates nothing and coalesces correctly; the real-limit timing belongs to bench/.
/// </summary>
[Collection(CrisisBot.Tests.Infrastructure.SerialTests.Name)]
public sealed class OutboxThroughputTests(ITestOutputHelper output)
{
    private const int Channels = 50;
    private const int Cards = 1000;
    private const int UpdateCount = 2000;

    [Fact]
    public async Task Worker_1000PostsTo50ChannelsPlus2000Updates_NothingLostOrDuplicatedNoLimitViolated()
    {
        await using var fake = await FakeConnectorServer.StartAsync(new FakeConnectorOptions
        {
            SendLimits = [new(35, TimeSpan.FromSeconds(1)), new(40, TimeSpan.FromSeconds(2)), new(300, TimeSpan.FromSeconds(30)), new(9000, TimeSpan.FromHours(1))],
            TenantPerSecond = 250,
        });
        await using var host = await OutboxTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Delivery:RateLimits:PerThreadPer1Second"] = "35",
            ["Delivery:RateLimits:PerThreadPer2Seconds"] = "40",
            ["Delivery:RateLimits:PerThreadPer30Seconds"] = "300",
            ["Delivery:RateLimits:PerThreadPerHour"] = "9000",
            ["Delivery:RateLimits:TenantPerSecond"] = "250",
            ["Outbox:BatchSize"] = "500",
            ["Outbox:MaxConcurrency"] = "50",

            // The production attempt timeout: the host's 2 s (for the timeout tests) abandons and retries a POST the fake
            // already answered when the machine is loaded, which is a real duplicate, but not what this test measures.
            ["Connector:AttemptTimeout"] = "00:00:30",
        });
        var random = new Random(42);
        var lastState = new Dictionary<int, string>();
        var stopwatch = Stopwatch.StartNew();

        // 20 transactions, each with 50 new posts (one per channel) and 100 updates of cards enqueued so far.
        var updates = 0;
        for (var batch = 0; batch < Cards / Channels; batch++)
        {
            await host.InContextAsync(db =>
            {
                for (var c = 0; c < Channels; c++)
                {
                    var card = (batch * Channels) + c;
                    host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(fake.ServiceUrl, Tenant, ChannelOf(card), Card($"card {card} v0"), CardId(card)));
                    lastState[card] = $"card {card} v0";
                }

                for (var u = 0; u < UpdateCount / (Cards / Channels); u++, updates++)
                {
#pragma warning disable CA5394 // test data
                    var card = random.Next((batch + 1) * Channels);
#pragma warning restore CA5394
                    var state = $"card {card} v{updates + 1}";
                    host.Outbox.Enqueue(db, OutboxRequest.UpdateCard(fake.ServiceUrl, Tenant, ChannelOf(card), CardId(card), Card(state)));
                    lastState[card] = state;
                }

                return 0;
            });
            await Task.Delay(50);
        }

        var rows = await host.DrainAsync(TimeSpan.FromSeconds(120));
        output.WriteLine($"drained in {stopwatch.Elapsed}");

        Assert.Equal(UpdateCount, updates);
        Assert.Empty(fake.Violations);
        Assert.Empty(fake.Duplicates());
        Assert.DoesNotContain(rows, r => r.Status is OutboxStatus.Dead or OutboxStatus.Pending or OutboxStatus.Sending);

        var posts = rows.Where(r => r.Kind == OutboxKind.ChannelPost).ToList();
        Assert.Equal(Cards, posts.Count);
        Assert.All(posts, p => Assert.Equal(OutboxStatus.Sent, p.Status));
        var created = fake.Messages.Where(m => m.Operation == FakeOperations.CreateConversation).ToList();
        Assert.Equal(Cards, created.Count);
        Assert.Equal(Cards, created.Select(m => m.Marker).Distinct().Count());
        Assert.Equal(Enumerable.Repeat(Cards / Channels, Channels), fake.PostsPerConversation().Values);

        // Coalescing: every update row is either sent (one PUT each) or superseded, and the fake saw exactly the sent ones.
        var updateRows = rows.Where(r => r.Kind == OutboxKind.Update).ToList();
        var sentUpdates = updateRows.Count(r => r.Status == OutboxStatus.Sent);
        var superseded = updateRows.Count(r => r.Status == OutboxStatus.Superseded);
        output.WriteLine($"updates: {sentUpdates} sent, {superseded} superseded");
        Assert.Equal(UpdateCount, sentUpdates + superseded);
        Assert.Equal(sentUpdates, fake.Updates.Count);
        Assert.True(superseded > 0, "nothing was coalesced");

        // Every card shows its newest state.
        var byId = posts.ToDictionary(p => p.CardId!, p => p.ResultActivityId!);
        foreach (var (card, state) in lastState)
        {
            var message = fake.FindMessage(byId[CardId(card)]);
            Assert.NotNull(message);
            Assert.Contains($"\"{state}\"", message.Activity.GetRawText(), StringComparison.Ordinal);
        }
    }

    private static string CardId(int card) => $"topic:{card}";

    private static string ChannelOf(int card) => $"19:channel{card % Channels}@thread.tacv2";
}
