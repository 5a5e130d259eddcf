using CrisisBot.Features.Channels;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Startup;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
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
    public async Task ExecuteAsync_WaitsForTheFirstHealthyHealthz_ThenWarmsUpOnce()
    {
        var trace = StartupTrace.ForTest(System.Diagnostics.Stopwatch.GetTimestamp(), TimeSpan.Zero);
        await using var host = await H.StartAsync(
            settings: new Dictionary<string, string?> { ["TopicCards:FlusherEnabled"] = "true" },
            configure: s => s.AddSingleton(trace));
        try
        {
            var warmup = host.Get<TopicCardWarmup>();
            await warmup.StartAsync(CancellationToken.None);
            Assert.False(warmup.Completion.IsCompleted); // the fake clock stands still and /healthz has not answered yet

            trace.MarkReady("first healthy /healthz", NullLogger.Instance);

            Assert.NotNull(await warmup.Completion.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 5120);
            Assert.Empty(await host.OutboxAsync());
            await warmup.StopAsync(CancellationToken.None);
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
