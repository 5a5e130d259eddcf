using CrisisBot.Features.Channels;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Tests.Features.Channels;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;
using Microsoft.Extensions.Logging;
using static CrisisBot.Tests.Features.HotTopics.Cards.TopicBatches;
using H = CrisisBot.Tests.Features.HotTopics.Cards.TopicCardsTestHost;

namespace CrisisBot.Tests.Features.HotTopics.Cards;

public sealed class TopicCardPublisherTests : IAsyncLifetime
{
    private H _host = null!;

    public async Task InitializeAsync()
    {
        _host = await H.StartAsync();
        await _host.LinkAsync(ChannelRole.Product, H.ProductChannel, "mail-parcels");
    }

    public async Task DisposeAsync()
    {
        await _host.DisposeAsync();
        H.Delete(_host.DataDirectory);
    }

    [Fact]
    public async Task Onset_PostsOneCardIntoTheProductChannel()
    {
        await _host.ApplyAsync(Onset(7));
        Assert.Equal(1, await _host.FlushAsync());

        var rows = await CardRowsAsync();
        var post = Assert.Single(rows);
        Assert.Equal(OutboxKind.ChannelPost, post.Kind);
        Assert.Equal(H.ProductChannel, post.ConversationId);
        Assert.Equal("topic:7:1", post.CardId);
        var card = CardText.Of(CardOf(post));
        Assert.Contains("Hot", card, StringComparison.Ordinal);
        Assert.Contains("Mail and parcels", card, StringComparison.Ordinal);
        Assert.Contains("topic.askExpert", card, StringComparison.Ordinal);
        Assert.Contains("topic.proposeCrisis", card, StringComparison.Ordinal);
        Assert.Equal(0, await _host.FlushAsync());
    }

    [Fact]
    public async Task NotHotTopic_NoCard()
    {
        await _host.ApplyAsync(More(3, 5, AlarmSeverity.None, TopicState.Emerging));
        await _host.FlushAsync();

        Assert.Empty(await CardRowsAsync());
        Assert.Null(await _host.CardAsync(3));
    }

    [Fact]
    public async Task HundredChangesWithinAMinute_OneUpdateAtTheMinute_WithTheNewestState()
    {
        await _host.ApplyAsync(Onset(7));
        await _host.FlushAsync();
        for (var i = 1; i <= 100; i++)
        {
            _host.Time.Advance(TimeSpan.FromMilliseconds(500));
            await _host.ApplyAsync(More(7, 12 + i, i > 50 ? AlarmSeverity.High : AlarmSeverity.Low));
            await _host.FlushAsync();
        }

        // 50 s after the post: still only the post.
        Assert.Single(await CardRowsAsync());
        Assert.Equal(H.Start + TimeSpan.FromMinutes(1), await _host.Flusher.NextDueAsync());

        _host.Time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, await _host.FlushAsync());
        _host.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await _host.FlushAsync());

        var rows = await CardRowsAsync();
        Assert.Equal(2, rows.Count);
        var update = rows[1];
        Assert.Equal(OutboxKind.Update, update.Kind);
        Assert.Equal("topic:7:1", update.CardId);
        Assert.Contains("Post number 112", CardText.Of(CardOf(update)), StringComparison.Ordinal);
        Assert.Equal(0, await _host.FlushAsync());
    }

    [Fact]
    public async Task HundredTimesMorePosts_StillOneCard()
    {
        await _host.ApplyAsync(Onset(7));
        for (var minute = 0; minute < 30; minute++)
        {
            for (var i = 0; i < 10; i++)
            {
                await _host.ApplyAsync(More(7, 100 * minute + i + 13, AlarmSeverity.Medium));
            }

            await _host.FlushAsync();
            _host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var rows = await CardRowsAsync();
        Assert.Single(rows, r => r.Kind == OutboxKind.ChannelPost);
        Assert.InRange(rows.Count(r => r.Kind == OutboxKind.Update), 29, 30);
        Assert.All(rows, r => Assert.Equal("topic:7:1", r.CardId));
    }

    [Fact]
    public async Task Rebuild_SendsNothingAndStoresNothing()
    {
        var onset = Onset(7);
        await _host.ApplyAsync(onset with { IsRebuild = true });
        await _host.FlushAsync();

        Assert.Empty(await _host.OutboxAsync());
        Assert.Null(await _host.CardAsync(7));
    }

    [Fact]
    public async Task CrisisCoveringTheProduct_AlsoPostsIntoTheCrisisChannel_AndUpdatesBoth()
    {
        await _host.LinkAsync(ChannelRole.Crisis, H.CrisisChannel);
        _host.Crisis.Active = new ActiveCrisis(1, "Storm Ciara", ["mail-parcels"], H.Start);

        await _host.ApplyAsync(Onset(7));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.ApplyAsync(More(7, 40));
        await _host.FlushAsync();

        var rows = await CardRowsAsync();
        Assert.Equal(["topic:7:1", "topic:7:1:crisis"], rows.Where(r => r.Kind == OutboxKind.ChannelPost).Select(r => r.CardId).Order());
        Assert.Contains(rows, r => r.Kind == OutboxKind.ChannelPost && r.ConversationId == H.CrisisChannel);
        Assert.Equal(["topic:7:1", "topic:7:1:crisis"], rows.Where(r => r.Kind == OutboxKind.Update).Select(r => r.CardId).Order());
    }

    [Fact]
    public async Task CrisisForAnotherProduct_OnlyTheProductChannel()
    {
        await _host.LinkAsync(ChannelRole.Crisis, H.CrisisChannel);
        _host.Crisis.Active = new ActiveCrisis(1, "Card outage", ["credit-card"], H.Start);

        await _host.ApplyAsync(Onset(7));
        await _host.FlushAsync();

        Assert.Equal(H.ProductChannel, Assert.Single(await CardRowsAsync()).ConversationId);
    }

    [Fact]
    public async Task UnboundProduct_SaysSoOnceToAgents_ThenPostsWhenLinked()
    {
        await _host.LinkAsync(ChannelRole.Agents, H.AgentsChannel);
        await _host.ApplyAsync(Onset(9, product: "credit-card"));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.ApplyAsync(More(9, 30, product: "credit-card"));
        await _host.FlushAsync();

        var notice = Assert.Single(await _host.OutboxAsync());
        Assert.Equal(H.AgentsChannel, notice.ConversationId);
        Assert.Contains("link product credit-card", notice.Payload, StringComparison.Ordinal);
        Assert.Contains(_host.Logs.Entries, e => e.EventId.Id == 5102 && e.Level == LogLevel.Warning);

        await _host.LinkAsync(ChannelRole.Product, "19:cards@thread.tacv2", "credit-card");
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.FlushAsync();

        var post = Assert.Single(await CardRowsAsync());
        Assert.Equal("19:cards@thread.tacv2", post.ConversationId);
        Assert.Contains("Post number 30", CardText.Of(CardOf(post)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnboundProduct_NoAgentsChannel_LogsAndKeepsTheCardPending()
    {
        await _host.ApplyAsync(Onset(9, product: "credit-card"));
        await _host.FlushAsync();

        Assert.Empty(await _host.OutboxAsync());
        Assert.Contains(_host.Logs.Entries, e => e.EventId.Id == 5102 && e.Message.Contains("credit-card", StringComparison.Ordinal));
        Assert.True((await _host.CardAsync(9))!.HasPending);
    }

    [Fact]
    public async Task ProductsYamlChannel_PostsThereWithTheDefaultServiceUrl()
    {
        await _host.ApplyAsync(Onset(11, product: "travel-money"));
        await _host.FlushAsync();

        var post = Assert.Single(await CardRowsAsync());
        Assert.Equal(H.YamlChannel, post.ConversationId);
        Assert.Equal(H.ServiceUrl, post.ServiceUrl);
        Assert.Equal(H.Tenant, post.TenantId);
    }

    [Fact]
    public async Task Merge_BothWithCards_MergedCardTurnsFinalAndPointsAtTheSurvivor()
    {
        await _host.ApplyAsync(Onset(7));
        await _host.ApplyAsync(Onset(8, title: "parcel · lost · courier"));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(1));

        await _host.ApplyAsync(Batch(
            [View(8, TopicState.Hot, AlarmSeverity.Low, 20, mergedInto: 7), View(7, TopicState.Hot, AlarmSeverity.Medium, 60)],
            merges: [new TopicMerge(new TopicId(8), new TopicId(7), EventTime)]));
        await _host.FlushAsync();

        var updates = (await CardRowsAsync()).Where(r => r.Kind == OutboxKind.Update).ToList();
        var merged = Assert.Single(updates, u => u.CardId == "topic:8:1");
        var text = CardText.Of(CardOf(merged));
        Assert.Contains("Merged into topic T7", text, StringComparison.Ordinal);
        Assert.DoesNotContain("topic.resolve", text, StringComparison.Ordinal);
        Assert.Single(updates, u => u.CardId == "topic:7:1");
        Assert.True((await _host.CardAsync(8))!.IsFinal);

        _host.Time.Advance(TimeSpan.FromMinutes(5));
        await _host.ApplyAsync(More(7, 90));
        await _host.FlushAsync();
        Assert.Single(await CardRowsAsync(), r => r.CardId == "topic:8:1" && r.Kind == OutboxKind.Update);
    }

    [Fact]
    public async Task Merge_SurvivorWithoutCard_TakesOverTheCard_NoSecondPost()
    {
        await _host.ApplyAsync(Onset(8));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(1));

        await _host.ApplyAsync(Batch(
            [View(8, TopicState.Hot, AlarmSeverity.Low, 20, mergedInto: 3), View(3, TopicState.Hot, AlarmSeverity.Low, 45, title: "parcel · tracking · lost")],
            merges: [new TopicMerge(new TopicId(8), new TopicId(3), EventTime)]));
        await _host.FlushAsync();

        var rows = await CardRowsAsync();
        Assert.Single(rows, r => r.Kind == OutboxKind.ChannelPost);
        var update = Assert.Single(rows, r => r.Kind == OutboxKind.Update);
        Assert.Equal("topic:8:1", update.CardId);
        var text = CardText.Of(CardOf(update));
        Assert.Contains("T3", text, StringComparison.Ordinal);
        Assert.Contains("parcel · tracking · lost", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_ResolvedCardMergedLater_SaysWhereItWent_NoNewCard()
    {
        await _host.ApplyAsync(Onset(8));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(2));
        await _host.ApplyAsync(More(8, 30, AlarmSeverity.Low, TopicState.Resolved));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(2));

        await _host.ApplyAsync(Batch(
            [View(8, TopicState.Resolved, AlarmSeverity.None, 30, mergedInto: 3), View(3, TopicState.Emerging, AlarmSeverity.None, 40, title: "parcel · tracking · lost")],
            merges: [new TopicMerge(new TopicId(8), new TopicId(3), EventTime)]));
        await _host.FlushAsync();

        var rows = await CardRowsAsync();
        Assert.Single(rows, r => r.Kind == OutboxKind.ChannelPost);
        var last = rows.Where(r => r.Kind == OutboxKind.Update && r.CardId == "topic:8:1").OrderBy(r => r.Id).Last();
        var text = CardText.Of(CardOf(last));
        Assert.Contains("Merged into topic T3", text, StringComparison.Ordinal);
        Assert.Equal(3, (await _host.CardAsync(8))!.MergedIntoTopicId);
        Assert.Null(await _host.CardAsync(3));
    }

    [Fact]
    public async Task ResolvedTopic_FinalUpdate_ThenQuiet_AndANewSpikeGetsANewCard()
    {
        await _host.ApplyAsync(Onset(7));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(2));
        await _host.ApplyAsync(More(7, 50, AlarmSeverity.Low, TopicState.Resolved));
        await _host.FlushAsync();

        var final = Assert.Single(await CardRowsAsync(), r => r.Kind == OutboxKind.Update);
        Assert.Contains("Resolved", CardText.Of(CardOf(final)), StringComparison.Ordinal);
        Assert.DoesNotContain("topic.mute", CardText.Of(CardOf(final)), StringComparison.Ordinal);

        _host.Time.Advance(TimeSpan.FromMinutes(2));
        await _host.ApplyAsync(More(7, 51, AlarmSeverity.None, TopicState.Emerging));
        await _host.FlushAsync();
        Assert.Equal(2, (await CardRowsAsync()).Count);

        await _host.ApplyAsync(Onset(7, AlarmSeverity.Medium, posts: 70));
        await _host.FlushAsync();
        var posts = (await CardRowsAsync()).Where(r => r.Kind == OutboxKind.ChannelPost).Select(r => r.CardId).ToList();
        Assert.Equal(["topic:7:1", "topic:7:2"], posts);
    }

    [Fact]
    public async Task CoolingTopicWithANewOnset_IsANewSpike_NewCard()
    {
        await _host.ApplyAsync(Onset(7));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.ApplyAsync(More(7, 30, AlarmSeverity.Low, TopicState.Cooling));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.ApplyAsync(More(7, 31, AlarmSeverity.Low, TopicState.Hot));
        await _host.FlushAsync();
        Assert.Single(await CardRowsAsync(), r => r.Kind == OutboxKind.ChannelPost);

        _host.Time.Advance(TimeSpan.FromHours(3));
        await _host.ApplyAsync(More(7, 32, AlarmSeverity.Low, TopicState.Cooling));
        await _host.FlushAsync();
        await _host.ApplyAsync(Onset(7, AlarmSeverity.Low, posts: 40));
        await _host.FlushAsync();

        Assert.Equal(["topic:7:1", "topic:7:2"], (await CardRowsAsync()).Where(r => r.Kind == OutboxKind.ChannelPost).Select(r => r.CardId));
    }

    [Fact]
    public async Task Restart_WithAPendingUpdate_TheNewProcessSendsIt()
    {
        var directory = _host.DataDirectory;
        await _host.ApplyAsync(Onset(7));
        await _host.FlushAsync();
        _host.Time.Advance(TimeSpan.FromSeconds(20));
        await _host.ApplyAsync(More(7, 77));
        await _host.FlushAsync();
        Assert.Single(await CardRowsAsync());
        await _host.DisposeAsync();

        var time = _host.Time;
        _host = await H.StartAsync(directory, time);
        time.Advance(TimeSpan.FromSeconds(40));
        Assert.Equal(1, await _host.FlushAsync());

        var update = Assert.Single(await CardRowsAsync(), r => r.Kind == OutboxKind.Update);
        Assert.Contains("Post number 77", CardText.Of(CardOf(update)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Muted_NoUpdatesUntilTheMuteEnds_ThenTheNewest()
    {
        await _host.ApplyAsync(Onset(7));
        await _host.FlushAsync();
        await MuteAsync(7, "4");
        _host.Time.Advance(TimeSpan.FromMinutes(1));
        await _host.FlushAsync();
        var rowsAfterMute = (await CardRowsAsync()).Count;

        for (var i = 0; i < 10; i++)
        {
            _host.Time.Advance(TimeSpan.FromMinutes(20));
            await _host.ApplyAsync(More(7, 20 + i));
            await _host.FlushAsync();
        }

        Assert.Equal(rowsAfterMute, (await CardRowsAsync()).Count);
        _host.Time.Advance(TimeSpan.FromMinutes(41));
        await _host.FlushAsync();
        var last = (await CardRowsAsync())[^1];
        Assert.Equal(OutboxKind.Update, last.Kind);
        Assert.Contains("Post number 29", CardText.Of(CardOf(last)), StringComparison.Ordinal);
        Assert.DoesNotContain("muted", CardText.Of(CardOf(last)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Muted_SeverityRisesALevel_UpdatesAgain()
    {
        await _host.ApplyAsync(Onset(7, AlarmSeverity.Medium));
        await _host.FlushAsync();
        await MuteAsync(7, "24");
        _host.Time.Advance(TimeSpan.FromMinutes(5));
        await _host.FlushAsync();
        var before = (await CardRowsAsync()).Count;

        await _host.ApplyAsync(More(7, 30, AlarmSeverity.Medium));
        await _host.FlushAsync();
        Assert.Equal(before, (await CardRowsAsync()).Count);

        await _host.ApplyAsync(More(7, 31, AlarmSeverity.High));
        await _host.FlushAsync();
        var rows = await CardRowsAsync();
        Assert.Equal(before + 1, rows.Count);
        Assert.Contains("Post number 31", CardText.Of(CardOf(rows[^1])), StringComparison.Ordinal);
        Assert.Null((await _host.CardAsync(7))!.MutedUntil);
    }

    private async Task MuteAsync(int topicId, string hours)
    {
        var activity = ActivityBuilder.CardAction(CrisisBot.Cards.Actions.CardVerbs.TopicMute, new { topicId = "T" + topicId, muteHours = hours }, "channel")
            .WithFrom("29:owner", "Olga Owner", H.OwnerAad).Build();
        var action = new CrisisBot.Protocol.Routing.CardAction(CrisisBot.Cards.Actions.CardVerbs.TopicMute,
            System.Text.Json.JsonSerializer.SerializeToElement(new { topicId = "T" + topicId, muteHours = hours }), false);
        var response = await _host.Get<TopicCardCommands>().MuteAsync(new CrisisBot.Tests.Infrastructure.RecordingTurnReplies().TurnFor(activity), action, CancellationToken.None);
        Assert.Contains("muted by Olga Owner", CardText.Of(response.Value), StringComparison.Ordinal);
    }

    private async Task<List<OutboxMessage>> CardRowsAsync() =>
        [.. (await _host.OutboxAsync()).Where(r => r.CardId is not null && r.CardId.StartsWith("topic:", StringComparison.Ordinal))];
}
