using CrisisBot.Features.Channels;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Startup;
using Microsoft.Extensions.Hosting;
using static CrisisBot.Tests.Features.HotTopics.Cards.TopicBatches;
using H = CrisisBot.Tests.Features.HotTopics.Cards.TopicCardsTestHost;

namespace CrisisBot.Tests.Features.HotTopics.Cards;

public sealed class TopicCardWarmupTests
{
    [Fact]
    public async Task WarmUpAsync_RunsTheCardPath_StoresAndQueuesNothing_ThenARealCardPostsAsBefore()
    {
        await using var host = await H.StartAsync();
        try
        {
            await host.LinkAsync(ChannelRole.Product, H.ProductChannel, "mail-parcels");

            var result = await host.Get<TopicCardWarmup>().WarmUpAsync();

            Assert.True(result.Elapsed > TimeSpan.Zero);
            Assert.Null(await host.CardAsync(TopicCardWarmup.SampleTopicId));
            Assert.Empty(await host.OutboxAsync());
            Assert.Equal(0, await host.FlushAsync());
            Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(TopicCardWarmup.SampleTopicId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

            await host.ApplyAsync(Onset(7));
            Assert.Equal(1, await host.FlushAsync());
            var post = Assert.Single(await host.OutboxAsync());
            Assert.Equal(OutboxKind.ChannelPost, post.Kind);
            Assert.Equal("topic:7:1", post.CardId);
        }
        finally
        {
            H.Delete(host.DataDirectory);
        }
    }

    [Fact]
    public async Task Registration_BackgroundWorker_WarmsUpOnlyOnceTheStartGateOpens()
    {
        await using var host = await H.StartAsync(settings: new Dictionary<string, string?> { ["TopicCards:FlusherEnabled"] = "true" });
        try
        {
            var warmup = host.Get<TopicCardWarmup>();
            var gate = host.Get<BackgroundStartGate>();
            // Registered like the other background workers (AddBackgroundWorker), not as a hosted service of its own.
            var hosted = host.Get<IEnumerable<IHostedService>>().ToList();
            Assert.DoesNotContain(hosted, s => s is TopicCardWarmup);
            var deferred = Assert.Single(hosted.OfType<DeferredBackgroundService>(), d => d.Inner is TopicCardWarmup);

            await deferred.StartAsync(CancellationToken.None);
            Assert.False(gate.IsOpen);
            Assert.Null(warmup.ExecuteTask); // the gate is closed: nothing of the card path has run yet
            Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 5120);

            Assert.True(gate.Open("test: first request answered"));

            Assert.NotNull(await warmup.Completion.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Single(host.Logs.Entries, e => e.EventId.Id == 5120);
            Assert.Empty(await host.OutboxAsync());
            await deferred.StopAsync(CancellationToken.None);
        }
        finally
        {
            H.Delete(host.DataDirectory);
        }
    }

    [Fact]
    public async Task ExecuteAsync_WarmUpOff_CompletesWithoutRunning()
    {
        await using var host = await H.StartAsync(settings: new Dictionary<string, string?>
        {
            ["TopicCards:FlusherEnabled"] = "true",
            ["TopicCards:WarmUp"] = "false",
        });
        try
        {
            var warmup = host.Get<TopicCardWarmup>();
            await warmup.StartAsync(CancellationToken.None);

            Assert.Null(await warmup.Completion.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 5120);
            await warmup.StopAsync(CancellationToken.None);
        }
        finally
        {
            H.Delete(host.DataDirectory);
        }
    }
}
