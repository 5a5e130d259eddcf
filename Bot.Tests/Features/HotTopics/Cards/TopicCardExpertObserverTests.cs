using System.Text.Json;
using CrisisBot.Cards.Actions;
using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Features.Experts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CrisisBot.Tests.Features.Experts.ExpertTestHost;
using ChannelCardText = CrisisBot.Tests.Features.Channels.CardText;

namespace CrisisBot.Tests.Features.HotTopics.Cards;

/// <summary>
/// The hot-topic card follows the expert loop (<see cref="TopicCardExpertObserver"/>): the expert loop and the topic cards
/// wired together on SQLite with a fake clock; the flusher is driven by hand, the outbox rows are inspected.
/// </summary>
public sealed class TopicCardExpertObserverTests : IAsyncLifetime
{
    private const int TopicId = 5;
    private const string Topic = "T5";
    private const string CardId = "topic:5:1";
    private const string QuestionText = "Why do parcels show as lost in tracking this week?";
    private const string ShortReply = "Tracking is delayed after the storm; parcels are not lost and arrive within 2 days.";
    private ExpertTestHost _h = null!;

    public async Task InitializeAsync()
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["TopicCards:FlusherEnabled"] = "false",
        }).Build();
        _h = await StartAsync(configure: s => s.AddTopicCardsFeature(config));
    }

    public async Task DisposeAsync()
    {
        await _h.DisposeAsync();
        DeleteDirectory(_h.DataDirectory);
    }

    private TopicCardFlusher Flusher => _h.Get<TopicCardFlusher>();

    [Fact]
    public async Task Approval_CardUpdateEnqueuedWithApprovedAnswer_AtTheNextMinuteWithoutNewPosts()
    {
        await PostCardAsync(TopicId);
        _h.Time.Advance(TimeSpan.FromMinutes(10));

        Assert.Contains("went to the Mail experts", Message(await AskFromCardAsync(Bob)), StringComparison.Ordinal);
        Assert.Equal(1, await Flusher.FlushAsync());
        var asked = ChannelCardText.Of(TopicBatches.CardOf((await CardUpdatesAsync()).Last()));
        Assert.Contains("1 agent waiting for the experts' answer", asked, StringComparison.Ordinal);
        Assert.Contains("+1 / join", asked, StringComparison.Ordinal);
        Assert.DoesNotContain("Approved answer available", asked, StringComparison.Ordinal);

        // Carol answers; Mail has no approvers, so the answer is approved at once. The card was just updated: the
        // approval waits for the card's minute, then goes out although no post arrived.
        var questionId = await QuestionIdAsync();
        await AnswerAsync(questionId);
        await using (var db = await _h.DbAsync())
        {
            Assert.Equal(QuestionStatus.Approved, (await db.Set<ExpertQuestion>().SingleAsync(q => q.Id == questionId)).Status);
        }

        Assert.Equal(0, await Flusher.FlushAsync());
        Assert.Equal(_h.Time.GetUtcNow() + TimeSpan.FromMinutes(1), await Flusher.NextDueAsync());
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync());

        var updates = await CardUpdatesAsync();
        Assert.Equal(2, updates.Count);
        var card = TopicBatches.CardOf(updates[^1]);
        var text = ChannelCardText.Of(card);
        Assert.Contains("Approved answer available", text, StringComparison.Ordinal);
        Assert.Contains(ShortReply, text, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for the experts' answer", text, StringComparison.Ordinal);
        Assert.Contains(CardVerbs.LibrarySendToMe, ChannelCardText.Verbs(card));
        Assert.Equal(OutboxKind.Update, updates[^1].Kind);
        var row = await CardRowAsync();
        Assert.Equal(row.RenderVersion, row.SentVersion);
        Assert.Equal(0, await Flusher.FlushAsync());
    }

    [Fact]
    public async Task Join_CardShowsTheWaitingCountAndJoinButton()
    {
        await PostCardAsync(TopicId);
        _h.Time.Advance(TimeSpan.FromMinutes(2));
        await AskFromCardAsync(Bob);
        var joined = await _h.InvokeAsync(Frank, CardVerbs.TopicAskExpert, new AskExpertData(Topic), conversationId: AgentsThread);
        Assert.Contains("joined", Message(joined), StringComparison.Ordinal);

        var status = await _h.Get<IExpertAnswers>().GetTopicStatusesAsync([Topic, "T6", ""]);
        Assert.Equal(new TopicQuestionStatus(true, 2, false), status[Topic]);
        Assert.Equal(TopicQuestionStatus.None, status["T6"]);
        Assert.Equal(TopicQuestionStatus.None, status[""]);

        Assert.Equal(1, await Flusher.FlushAsync());
        var card = TopicBatches.CardOf(Assert.Single(await CardUpdatesAsync()));
        var text = ChannelCardText.Of(card);
        Assert.Contains("2 agents waiting for the experts' answer", text, StringComparison.Ordinal);
        var join = JoinAction(card);
        Assert.Equal("+1 / join", join.GetProperty("title").GetString());
        Assert.Equal(Topic, join.GetProperty("data").GetProperty("topicId").GetString());
    }

    [Fact]
    public async Task TopicWithoutCard_AskAndApprovalChangeNoCard()
    {
        // A hot-topic id without a card, a non-card topic id and a question without a topic: nothing to update.
        Assert.Contains("went to the Mail experts", Message(await AskFromCardAsync(Bob, "T9")), StringComparison.Ordinal);
        await AnswerAsync(await QuestionIdAsync());
        await _h.InvokeAsync(Frank, CardVerbs.QuestionAsk, new AskQuestionData("topic-17", "Other"),
            new Dictionary<string, object?> { [InputIds.Product] = "travel-insurance", [InputIds.Question] = "Is a strike covered by travel insurance?" }, AgentsThread);
        await _h.CommandAsync(Frank, "ask credit-card why was my card declined abroad yesterday");

        Assert.Equal(0, await Flusher.FlushAsync());
        Assert.Null(await Flusher.NextDueAsync());
        await using var db = await _h.DbAsync();
        Assert.Empty(await db.Set<TopicCard>().ToListAsync());
        Assert.Empty(await db.Set<OutboxMessage>().Where(m => m.CardId != null && m.CardId.StartsWith("topic:")).ToListAsync());
    }

    [Fact]
    public async Task Retire_CardDropsTheApprovedAnswer()
    {
        await PostCardAsync(TopicId);
        await AskFromCardAsync(Bob);
        await AnswerAsync(await QuestionIdAsync());
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync());
        Assert.Contains("Approved answer available", ChannelCardText.Of(TopicBatches.CardOf((await CardUpdatesAsync())[^1])), StringComparison.Ordinal);

        var retired = await _h.InvokeAsync(Carol, CardVerbs.LibraryRetire, new LibraryRetireData(ExpertHandlers.Id(await EntryIdAsync()), "Tracking is fixed; the answer is out of date."));
        Assert.Equal(ContentTypes.AdaptiveCard, retired.Type);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync());
        var text = ChannelCardText.Of(TopicBatches.CardOf((await CardUpdatesAsync())[^1]));
        Assert.DoesNotContain("Approved answer available", text, StringComparison.Ordinal);
        Assert.Contains("Ask an expert", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Supersede_CardShowsTheReplacementAndSendsIt()
    {
        await PostCardAsync(TopicId);
        await AskFromCardAsync(Bob);
        await AnswerAsync(await QuestionIdAsync());
        var old = await EntryIdAsync();
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync());

        // Mail has no approvers: the replacement is approved at once (version 2), the old entry superseded.
        const string newShort = "Tracking is fixed; delayed parcels arrive by Friday.";
        await _h.InvokeAsync(Carol, CardVerbs.LibrarySupersede, new LibrarySupersedeData(ExpertHandlers.Id(old)), new Dictionary<string, object?>
        {
            [InputIds.CustomerReply] = "Tracking works again; every delayed parcel arrives by Friday.",
            [InputIds.ShortReply] = newShort,
            [InputIds.Reason] = "Tracking was repaired.",
        });
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync());

        var card = TopicBatches.CardOf((await CardUpdatesAsync())[^1]);
        var text = ChannelCardText.Of(card);
        Assert.Contains(newShort, text, StringComparison.Ordinal);
        Assert.DoesNotContain(ShortReply, text, StringComparison.Ordinal);
        Assert.Contains("v2", text, StringComparison.Ordinal);
        var send = card.GetProperty("actions").EnumerateArray().Single(a => a.TryGetProperty("verb", out var v) && v.GetString() == CardVerbs.LibrarySendToMe);
        Assert.NotEqual(ExpertHandlers.Id(old), send.GetProperty("data").GetProperty("answerId").GetString());
    }

    [Fact]
    public async Task SendToMe_ApprovedCardToTheAgentsPersonalChat_RetiredOrUnknownRefused()
    {
        await PostCardAsync(TopicId);
        await AskFromCardAsync(Bob);
        await AnswerAsync(await QuestionIdAsync());
        var entry = ExpertHandlers.Id(await EntryIdAsync());

        var sent = await _h.InvokeAsync(Frank, CardVerbs.LibrarySendToMe, new LibraryOpenData(entry), conversationId: AgentsThread);
        Assert.Contains("personal chat", Message(sent), StringComparison.Ordinal);
        await using (var db = await _h.DbAsync())
        {
            var row = Assert.Single(await db.Set<OutboxMessage>().Where(m => m.Kind == OutboxKind.NotifyPerson).ToListAsync());
            Assert.Equal(Frank.Id, row.UserId);
            Assert.Contains(CardVerbs.AnswerUsed, row.Payload, StringComparison.Ordinal);
            Assert.Contains(ShortReply, row.Payload, StringComparison.Ordinal);
            Assert.True(await db.Set<LibraryRecipient>().AnyAsync(r => r.UserId == Frank.Id));
        }

        Assert.Contains("no longer in the library", Message(await _h.InvokeAsync(Frank, CardVerbs.LibrarySendToMe, new LibraryOpenData("999"), conversationId: AgentsThread)), StringComparison.Ordinal);
        Assert.Contains("no longer in the library", Message(await _h.InvokeAsync(Frank, CardVerbs.LibrarySendToMe, new LibraryOpenData("x1"), conversationId: AgentsThread)), StringComparison.Ordinal);
        await _h.InvokeAsync(Carol, CardVerbs.LibraryRetire, new LibraryRetireData(entry, "Out of date."));
        Assert.Contains("retired", Message(await _h.InvokeAsync(Frank, CardVerbs.LibrarySendToMe, new LibraryOpenData(entry), conversationId: AgentsThread)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Merge_QuestionOfTheAbsorbedTopic_ShownOnTheSurvivorsCard_JoinedAndApprovedThere()
    {
        await PostCardAsync(TopicId);
        await PostCardAsync(7);
        Assert.Contains("went to the Mail experts", Message(await AskFromCardAsync(Bob)), StringComparison.Ordinal);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync()); // T5's card: 1 agent waiting

        // T5 merges into T7 (the pipeline stores the merge with the batch, then tells the cards).
        await MergeAsync(from: TopicId, into: 7);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(2, await Flusher.FlushAsync());
        var absorbed = ChannelCardText.Of(TopicBatches.CardOf((await CardUpdatesAsync())[^1]));
        Assert.Contains("Merged into topic T7", absorbed, StringComparison.Ordinal);
        var survivor = TopicBatches.CardOf((await CardUpdatesAsync("topic:7:1"))[^1]);
        Assert.Contains("1 agent waiting for the experts' answer", ChannelCardText.Of(survivor), StringComparison.Ordinal);
        Assert.Equal("+1 / join", JoinAction(survivor).GetProperty("title").GetString());

        // "+1 / join" on the survivor joins the absorbed topic's question (no second question).
        var joined = await _h.InvokeAsync(Frank, CardVerbs.TopicAskExpert, new AskExpertData("T7"), conversationId: AgentsThread);
        Assert.Contains("joined", Message(joined), StringComparison.Ordinal);
        await using (var db = await _h.DbAsync())
        {
            Assert.Equal(1, await db.Set<ExpertQuestion>().CountAsync());
        }

        Assert.Equal(new TopicQuestionStatus(true, 2, false), (await _h.Get<IExpertAnswers>().GetTopicStatusesAsync(["T7"]))["T7"]);

        // The approval of the absorbed topic's question updates the survivor's card, not the final one.
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync());
        await AnswerAsync(await QuestionIdAsync());
        var absorbedUpdates = (await CardUpdatesAsync()).Count;
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync());
        var approved = ChannelCardText.Of(TopicBatches.CardOf((await CardUpdatesAsync("topic:7:1"))[^1]));
        Assert.Contains("Approved answer available", approved, StringComparison.Ordinal);
        Assert.Contains(ShortReply, approved, StringComparison.Ordinal);
        Assert.Equal(absorbedUpdates, (await CardUpdatesAsync()).Count);
        Assert.True(await _h.Get<IExpertAnswers>().HasApprovedAnswerAsync("T7"));
    }

    [Fact]
    public async Task Lineage_ChainOfMerges_SurvivorSeesAll_EachAbsorbedKeyResolvesToTheSurvivor()
    {
        await using var db = await _h.DbAsync();
        db.AddRange(StoredTopicRow(1), StoredTopicRow(3, mergedInto: 1), StoredTopicRow(5, mergedInto: 3), StoredTopicRow(9));
        await db.SaveChangesAsync();
        var lineage = _h.Get<ITopicLineage>();
        Assert.IsType<StoredTopicLineage>(lineage);

        var groups = await lineage.GetAbsorbedAsync(db, ["T1", "T9", "topic-17", "T3"], CancellationToken.None);
        Assert.Equal(["T1", "T3", "T5"], groups["T1"]);
        Assert.Equal(["T3", "T5"], groups["T3"]);
        Assert.Equal(["T9"], groups["T9"]);
        Assert.Equal(["topic-17"], groups["topic-17"]);
        Assert.Equal("T1", await lineage.GetSurvivorAsync(db, "T5", CancellationToken.None));
        Assert.Equal("T1", await lineage.GetSurvivorAsync(db, "t3", CancellationToken.None));
        Assert.Equal("T9", await lineage.GetSurvivorAsync(db, "T9", CancellationToken.None));
        Assert.Equal("topic-17", await lineage.GetSurvivorAsync(db, "topic-17", CancellationToken.None));
    }

    [Fact]
    public async Task Muted_ExpertChangesUpdateInPlaceOncePerMinute_VolumeWaitsForTheMuteEnd()
    {
        await PostCardAsync(TopicId);
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        var muted = await _h.InvokeAsync(Carol, CardVerbs.TopicMute, new MuteTopicData(Topic, "4"), conversationId: AgentsThread);
        Assert.Equal(ContentTypes.AdaptiveCard, muted.Type);
        await ApplyAsync(TopicBatches.More(TopicId, 40, product: "mail"));
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(0, await Flusher.FlushAsync()); // volume alone: muted

        // An ask goes out at the card's next minute despite the mute, with the numbers the card had when muted.
        await AskFromCardAsync(Bob);
        Assert.Equal(1, await Flusher.FlushAsync());
        var asked = ChannelCardText.Of(TopicBatches.CardOf(Assert.Single(await CardUpdatesAsync())));
        Assert.Contains("1 agent waiting for the experts' answer", asked, StringComparison.Ordinal);
        Assert.Contains("Alerts muted by Carol Expert", asked, StringComparison.Ordinal);
        Assert.Contains("Post number 12", asked, StringComparison.Ordinal);
        Assert.DoesNotContain("Post number 40", asked, StringComparison.Ordinal);

        // The approval right after waits for the minute (still throttled), then goes out, still muted.
        await AnswerAsync(await QuestionIdAsync());
        Assert.Equal(0, await Flusher.FlushAsync());
        _h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await Flusher.FlushAsync());
        var approved = ChannelCardText.Of(TopicBatches.CardOf((await CardUpdatesAsync())[^1]));
        Assert.Contains("Approved answer available", approved, StringComparison.Ordinal);
        Assert.Contains("Post number 12", approved, StringComparison.Ordinal);
        var row = await CardRowAsync();
        Assert.True(row.HasPending); // the volume change still waits
        Assert.False(row.ExpertPending);

        // More volume: nothing until the mute ends, then the newest numbers, unmuted.
        await ApplyAsync(TopicBatches.More(TopicId, 60, product: "mail"));
        _h.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await Flusher.FlushAsync());
        Assert.Equal(row.MutedUntil, await Flusher.NextDueAsync());
        _h.Time.Advance(TimeSpan.FromHours(4));
        Assert.Equal(1, await Flusher.FlushAsync());
        var after = ChannelCardText.Of(TopicBatches.CardOf((await CardUpdatesAsync())[^1]));
        Assert.Contains("Post number 60", after, StringComparison.Ordinal);
        Assert.Contains("Approved answer available", after, StringComparison.Ordinal);
        Assert.DoesNotContain("Alerts muted", after, StringComparison.Ordinal);
        Assert.Equal(3, (await CardUpdatesAsync()).Count);
    }

    // ───────── helpers ─────────

    /// <summary>Topic <paramref name="id"/> turns hot in product "mail" and its card is posted (the flusher's first pass).</summary>
    private async Task PostCardAsync(int id)
    {
        await using (var db = await _h.DbAsync())
        {
            await using var tx = await db.Database.BeginTransactionAsync();
            await _h.Get<TopicCardPublisher>().OnTopicsChangedAsync(db, TopicBatches.Onset(id, product: "mail"), CancellationToken.None);
            await db.SaveChangesAsync();
            await tx.CommitAsync();
        }

        Assert.Equal(1, await Flusher.FlushAsync());
    }

    private async Task ApplyAsync(CrisisBot.Features.HotTopics.Pipeline.TopicChangeBatch batch)
    {
        await using var db = await _h.DbAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        await _h.Get<TopicCardPublisher>().OnTopicsChangedAsync(db, batch, CancellationToken.None);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    /// <summary>The ask form sent from the topic card (its "Ask an expert" pre-fills the topic).</summary>
    private Task<InvokeResponse> AskFromCardAsync(TestUser user, string topic = Topic) =>
        _h.InvokeAsync(user, CardVerbs.QuestionAsk, new AskQuestionData(topic, "lost · parcel · tracking", "mail"),
            new Dictionary<string, object?> { [InputIds.Product] = "mail", [InputIds.Question] = QuestionText }, AgentsThread);

    private Task<InvokeResponse> AnswerAsync(long questionId) =>
        _h.InvokeAsync(Carol, CardVerbs.QuestionSubmitAnswer, new SubmitAnswerData(ExpertHandlers.Id(questionId)), new Dictionary<string, object?>
        {
            [InputIds.Facts] = "Storm closed two hubs; scans are late.",
            [InputIds.CustomerReply] = "Sorry for the worry: tracking is delayed after the storm. Your parcel is not lost and arrives within 2 days.",
            [InputIds.ShortReply] = ShortReply,
            [InputIds.AddToFaq] = "false",
            [InputIds.InternalNote] = "",
        });

    private async Task<long> QuestionIdAsync()
    {
        await using var db = await _h.DbAsync();
        return await db.Set<ExpertQuestion>().OrderByDescending(q => q.Id).Select(q => q.Id).FirstAsync();
    }

    private async Task<long> EntryIdAsync()
    {
        await using var db = await _h.DbAsync();
        return await db.Set<LibraryEntry>().Where(e => e.Status == LibraryEntryStatus.Active).Select(e => e.Id).SingleAsync();
    }

    private async Task<List<OutboxMessage>> CardUpdatesAsync(string cardId = CardId)
    {
        await using var db = await _h.DbAsync();
        return await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.CardId == cardId && m.Kind == OutboxKind.Update).OrderBy(m => m.Id).ToListAsync();
    }

    /// <summary>Like the ingest pipeline: stores the merge on the topics, then tells the cards in the same transaction.</summary>
    private async Task MergeAsync(int from, int into)
    {
        await using var db = await _h.DbAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        db.AddRange(StoredTopicRow(from, mergedInto: into), StoredTopicRow(into));
        await db.SaveChangesAsync();
        await _h.Get<TopicCardPublisher>().OnTopicsChangedAsync(db, TopicBatches.Batch(
            [TopicBatches.View(from, TopicState.Hot, AlarmSeverity.Low, 12, "mail", mergedInto: into), TopicBatches.View(into, TopicState.Hot, AlarmSeverity.Low, 30, "mail")],
            merges: [new TopicMerge(new TopicId(from), new TopicId(into), TopicBatches.EventTime)]), CancellationToken.None);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    private static StoredTopic StoredTopicRow(int id, int? mergedInto = null) =>
        new() { Id = id, Title = "lost · parcel · tracking", Product = "mail", State = TopicState.Hot, MergedInto = mergedInto };

    private async Task<TopicCard> CardRowAsync()
    {
        await using var db = await _h.DbAsync();
        return await db.Set<TopicCard>().AsNoTracking().SingleAsync(c => c.TopicId == TopicId);
    }

    private static JsonElement JoinAction(JsonElement card) =>
        card.GetProperty("actions").EnumerateArray().Single(a => a.TryGetProperty("verb", out var v) && v.GetString() == CardVerbs.TopicAskExpert);

    private static string Message(InvokeResponse response)
    {
        Assert.Equal(ContentTypes.ActivityMessage, response.Type);
        return response.Value.GetString()!;
    }
}

/// <summary>The flusher asks the expert loop once per pass for every due card, never once per card.</summary>
public sealed class TopicCardFlusherExpertStatusTests
{
    [Fact]
    public async Task Flush_ThreeDueCards_OneBatchedStatusQuery_StatusShownOnEachCard()
    {
        var answers = new CountingExpertAnswers();
        await using var host = await TopicCardsTestHost.StartAsync(configure: s => s.AddSingleton<IExpertAnswers>(answers));
        try
        {
            await host.LinkAsync(CrisisBot.Features.Channels.ChannelRole.Product, TopicCardsTestHost.ProductChannel, "mail-parcels");
            foreach (var id in new[] { 1, 2, 3 })
            {
                await host.ApplyAsync(TopicBatches.Onset(id));
            }

            answers.Statuses["T2"] = new TopicQuestionStatus(false, 0, true) { ApprovedEntryId = 7, ApprovedShortReply = "Parcels are delayed, not lost.", ApprovedVersion = 1 };
            answers.Statuses["T3"] = new TopicQuestionStatus(true, 3, false);
            Assert.Equal(3, await host.FlushAsync());

            var call = Assert.Single(answers.BatchCalls);
            Assert.Equal(["T1", "T2", "T3"], call.Order());
            Assert.Equal(0, answers.SingleCalls);
            var posts = (await host.OutboxAsync()).Where(m => m.Kind == OutboxKind.ChannelPost).ToDictionary(m => m.CardId!, m => ChannelCardText.Of(TopicBatches.CardOf(m)));
            Assert.DoesNotContain("Approved answer available", posts["topic:1:1"], StringComparison.Ordinal);
            Assert.Contains("Ask an expert", posts["topic:1:1"], StringComparison.Ordinal);
            Assert.Contains("Parcels are delayed, not lost.", posts["topic:2:1"], StringComparison.Ordinal);
            Assert.Contains("3 agents waiting for the experts' answer", posts["topic:3:1"], StringComparison.Ordinal);

            Assert.Equal(0, await host.FlushAsync());
            Assert.Single(answers.BatchCalls); // nothing due: no query at all
        }
        finally
        {
            TopicCardsTestHost.Delete(host.DataDirectory);
        }
    }

    private sealed class CountingExpertAnswers : IExpertAnswers
    {
        public Dictionary<string, TopicQuestionStatus> Statuses { get; } = [];

        public List<IReadOnlyCollection<string>> BatchCalls { get; } = [];

        public int SingleCalls { get; private set; }

        public Task<bool> HasApprovedAnswerAsync(string topicId, CancellationToken ct = default) => Task.FromResult(false);

        public Task<TopicQuestionStatus> GetTopicStatusAsync(string topicId, CancellationToken ct = default)
        {
            SingleCalls++;
            return Task.FromResult(Statuses.GetValueOrDefault(topicId, TopicQuestionStatus.None));
        }

        public Task<IReadOnlyDictionary<string, TopicQuestionStatus>> GetTopicStatusesAsync(IReadOnlyCollection<string> topicIds, CancellationToken ct = default)
        {
            BatchCalls.Add([.. topicIds]);
            return Task.FromResult<IReadOnlyDictionary<string, TopicQuestionStatus>>(topicIds.ToDictionary(id => id, id => Statuses.GetValueOrDefault(id, TopicQuestionStatus.None)));
        }

        public Task<IReadOnlyList<QuestionMetrics>> GetMetricsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default) =>
            Task.FromResult<IReadOnlyList<QuestionMetrics>>([]);
    }
}
