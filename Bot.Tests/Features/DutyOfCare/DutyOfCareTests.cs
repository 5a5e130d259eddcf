using CrisisBot.Cards.Actions;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Tests.Features.Experts;
using CrisisBot.Tests.Infrastructure.Storage;
using CrisisBot.Tests.TestData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CrisisBot.Tests.Features.Experts.ExpertTestHost;

namespace CrisisBot.Tests.Features.DutyOfCare;

/// <summary>
/// Duty of care on the expert-loop host: agents work on topics by asking/joining/using answers, abusive posts arriving in
/// those topics are exposures, N within M minutes sends one private break prompt per cooldown. SQLite and PostgreSQL.
/// </summary>
public class DutyOfCareTests : StorageProviderTests
{
    private const int Topic = 7;
    private const int OtherTopic = 8;
    private ExpertTestHost _host = null!;
    private int _posts;

    protected override async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
            DeleteDirectory(_host.DataDirectory);
        }
    }

    private async Task<ExpertTestHost> StartAsync(int threshold = 3, bool named = false, string workWindow = "01:00:00")
    {
        var settings = new Dictionary<string, string?>
        {
            ["DutyOfCare:Threshold"] = threshold.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["DutyOfCare:Window"] = "00:30:00",
            ["DutyOfCare:WorkWindow"] = workWindow,
            ["DutyOfCare:Cooldown"] = "02:00:00",
            ["DutyOfCare:NameAgentsInSummary"] = named ? "true" : "false",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        _host = await ExpertTestHost.StartAsync(Postgres, s => s.AddDutyOfCareFeature(configuration).AddHotTopicsCore(configuration));
        await using var db = await _host.DbAsync();
        foreach (var id in new[] { Topic, OtherTopic })
        {
            db.Add(new StoredTopic { Id = id, Title = $"Topic {id}", Product = "travel-insurance", Posts = 1 });
        }

        await db.SaveChangesAsync();
        return _host;
    }

    [StorageFact]
    public async Task Exposures_OneBelowThreshold_NoPrompt()
    {
        var h = await StartAsync(threshold: 3);
        await AskAsync(Bob, Topic);
        await ArriveAsync(Topic, abusive: 2, clean: 5);

        Assert.Equal(2, await CountAsync<CareExposure>());
        Assert.Equal(0, await CountAsync<CarePrompt>());
        Assert.Empty(await PromptRowsAsync(h));
    }

    [StorageFact]
    public async Task Exposures_ThresholdWithinWindow_OnePrivatePromptToTheAgent()
    {
        var h = await StartAsync(threshold: 3);
        await AskAsync(Bob, Topic);
        await ArriveAsync(Topic, abusive: 1);
        await ArriveAsync(OtherTopic, abusive: 4); // another topic: not Bob's
        h.Time.Advance(TimeSpan.FromMinutes(10));
        await ArriveAsync(Topic, abusive: 1, clean: 3);
        Assert.Equal(0, await CountAsync<CarePrompt>());
        h.Time.Advance(TimeSpan.FromMinutes(15));
        await ArriveAsync(Topic, abusive: 1);

        var prompt = Assert.Single(await RowsAsync<CarePrompt>());
        Assert.Equal(Bob.Aad, prompt.AgentId);
        Assert.Equal(3, prompt.Exposures);
        var row = Assert.Single(await PromptRowsAsync(h));
        Assert.Equal(Bob.Id, row.UserId);
        Assert.Contains("Time for a break", row.Payload, StringComparison.Ordinal);
        Assert.Contains(prompt.Key, row.Payload, StringComparison.Ordinal);
        Assert.Contains("3 posts in the topics you are working on contained abuse", row.Payload, StringComparison.Ordinal);
        Assert.Contains("on shift for 25 min", row.Payload, StringComparison.Ordinal); // on shift since the ask
        await h.DeliverAsync();
        var sent = Assert.Single(h.Connector.Calls, c => c.Activity is not null && Json(c.Activity).Contains("Time for a break", StringComparison.Ordinal));
        Assert.Equal("send", sent.Operation);
        Assert.Contains(h.Connector.Calls, c => c.Operation == "create" && c.ConversationId == sent.ConversationId.Split(';')[0]); // a new 1:1 chat
    }

    [StorageFact]
    public async Task Exposures_SpreadOverMoreThanWindow_NoPrompt()
    {
        var h = await StartAsync(threshold: 3);
        await AskAsync(Bob, Topic);
        await ArriveAsync(Topic, abusive: 1);
        h.Time.Advance(TimeSpan.FromMinutes(20));
        await ArriveAsync(Topic, abusive: 1);
        h.Time.Advance(TimeSpan.FromMinutes(20));
        await ArriveAsync(Topic, abusive: 1);

        Assert.Equal(3, await CountAsync<CareExposure>());
        Assert.Equal(0, await CountAsync<CarePrompt>());
    }

    [StorageFact]
    public async Task Exposures_AfterTheWorkWindow_NotCounted()
    {
        var h = await StartAsync(threshold: 1);
        await AskAsync(Bob, Topic);
        h.Time.Advance(TimeSpan.FromMinutes(61));
        await ArriveAsync(Topic, abusive: 3);

        Assert.Equal(0, await CountAsync<CareExposure>());
        Assert.Equal(0, await CountAsync<CarePrompt>());
    }

    [StorageFact]
    public async Task Prompt_WithinCooldown_AtMostOne_AfterCooldownAgain()
    {
        var h = await StartAsync(threshold: 2, workWindow: "04:00:00");
        await AskAsync(Bob, Topic);
        await ArriveAsync(Topic, abusive: 2);
        Assert.Equal(1, await CountAsync<CarePrompt>());

        h.Time.Advance(TimeSpan.FromMinutes(50)); // still working, threshold reached again, but within the cooldown
        await ArriveAsync(Topic, abusive: 3);
        Assert.Equal(1, await CountAsync<CarePrompt>());

        h.Time.Advance(TimeSpan.FromMinutes(71)); // 2 h 1 min after the first prompt
        await ArriveAsync(Topic, abusive: 2);
        Assert.Equal(2, await CountAsync<CarePrompt>());
        Assert.Equal(2, (await PromptRowsAsync(h)).Count);
    }

    [StorageFact]
    public async Task Exposures_JoinedAgentAndMergedTopic_BothCounted()
    {
        var h = await StartAsync(threshold: 10);
        await AskAsync(Bob, Topic);
        await AskAsync(Frank, Topic, "Do you cover strike cancellations on trips booked earlier?"); // joins Bob's open question
        await using (var db = await h.DbAsync())
        {
            var merged = await db.Set<StoredTopic>().SingleAsync(t => t.Id == Topic);
            merged.MergedInto = OtherTopic; // topic 7 merged into 8: posts of 8 are shown to 7's agents
            await db.SaveChangesAsync();
        }

        await ArriveAsync(OtherTopic, abusive: 2);
        var exposures = await RowsAsync<CareExposure>();
        Assert.Equal(2, exposures.Count(e => e.AgentId == Bob.Aad));
        Assert.Equal(2, exposures.Count(e => e.AgentId == Frank.Aad));
        Assert.All(exposures, e => Assert.Equal(OtherTopic, e.TopicId));
        var kinds = (await RowsAsync<CareEngagement>()).Select(e => e.Kind).Order().ToList();
        Assert.Equal([CareEngagementKind.Asked, CareEngagementKind.Joined], kinds);
    }

    [StorageFact]
    public async Task UsedThis_OnAnswerOfTheTopic_CountsAsWorking()
    {
        var h = await StartAsync(threshold: 2);
        long entryId;
        await using (var db = await h.DbAsync())
        {
            var question = new ExpertQuestion { ProductKey = "travel-insurance", TopicId = "T7", Text = "Strikes?", Status = QuestionStatus.Approved, ChannelId = ProductChannel, ServiceUrl = ServiceUrl, TenantId = Tenant };
            db.Add(question);
            await db.SaveChangesAsync();
            var entry = new LibraryEntry { QuestionId = question.Id, ProductKey = "travel-insurance", ProductName = "Travel Insurance", Question = "Strikes?", CustomerReply = "Yes.", ShortReply = "Yes.", Version = 1 };
            db.Add(entry);
            await db.SaveChangesAsync();
            entryId = entry.Id;
        }

        await h.InvokeAsync(Frank, CardVerbs.AnswerUsed, new AnswerUsedData(entryId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        await ArriveAsync(Topic, abusive: 2);

        var engagement = Assert.Single(await RowsAsync<CareEngagement>());
        Assert.Equal(CareEngagementKind.UsedAnswer, engagement.Kind);
        Assert.Equal(entryId, engagement.EntryId);
        Assert.Equal(Frank.Aad, Assert.Single(await RowsAsync<CarePrompt>()).AgentId);
    }

    [StorageFact]
    public async Task PromptButtons_SomeoneElse_RefusedAndAudited_AgentAnswerRecorded()
    {
        var h = await StartAsync(threshold: 1);
        await AskAsync(Bob, Topic);
        await ArriveAsync(Topic, abusive: 1);
        var prompt = Assert.Single(await RowsAsync<CarePrompt>());

        var refused = await h.InvokeAsync(Mallory, CardVerbs.DutyTakeBreak, new TakeBreakData(prompt.Key, 15));
        Assert.Contains("sent to someone else", Message(refused), StringComparison.Ordinal);
        Assert.Equal(CareAnswer.None, Assert.Single(await RowsAsync<CarePrompt>()).Answer);
        var audit = Assert.Single(await RowsAsync<AuditEntry>(), a => a.Action == CardVerbs.DutyTakeBreak + ".refused");
        Assert.Equal(Mallory.Aad, audit.ActorId);

        var unknown = await h.InvokeAsync(Bob, CardVerbs.DutyDismiss, new DutyOfCareData("no-such-prompt"));
        Assert.Contains("no longer available", Message(unknown), StringComparison.Ordinal);

        var breakTaken = await h.InvokeAsync(Bob, CardVerbs.DutyTakeBreak, new TakeBreakData(prompt.Key, 15));
        Assert.Contains("Enjoy your 15 minutes", Message(breakTaken), StringComparison.Ordinal);
        var answered = Assert.Single(await RowsAsync<CarePrompt>());
        Assert.Equal(CareAnswer.TakingBreak, answered.Answer);
        Assert.Equal(15, answered.BreakMinutes);
        Assert.Equal(h.Time.GetUtcNow(), answered.AnsweredAt);

        var support = await h.InvokeAsync(Bob, CardVerbs.DutyRequestSupport, new DutyOfCareData(prompt.Key), new Dictionary<string, object?> { ["supportNote"] = "rough morning" });
        Assert.Contains("No crisis lead is on record", Message(support), StringComparison.Ordinal);
        Assert.Equal(CareAnswer.AskedForSupport, Assert.Single(await RowsAsync<CarePrompt>()).Answer);

        var tooLong = await h.InvokeAsync(Bob, CardVerbs.DutyRequestSupport, new DutyOfCareData(prompt.Key), new Dictionary<string, object?> { ["supportNote"] = new string('x', 501) });
        Assert.Contains("keep it to 500", Message(tooLong), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Ingest_RealPipeline_AbusivePostsOfTheAskedTopicBecomeExposuresInTheBatch()
    {
        var h = await StartAsync(threshold: 100);
        var pipeline = h.Get<HotTopicPipeline>();
        var t = Tests.Features.HotTopics.Pipeline.Posts.T0;
        await pipeline.IngestAsync([.. Enumerable.Range(0, 6).Select(i => Tests.Features.HotTopics.Pipeline.Posts.Make($"a{i}", $"travel insurance claim refused after the airport strike again {i}", t.AddMinutes(i)))]);
        int topic;
        await using (var db = await h.DbAsync())
        {
            topic = (await db.Set<StoredPost>().Where(p => p.PostId == "a5").Select(p => p.TopicId).SingleAsync())!.Value;
        }

        await AskAsync(Bob, topic);
        await pipeline.IngestAsync([.. Enumerable.Range(0, 4).Select(i => Tests.Features.HotTopics.Pipeline.Posts.Make($"b{i}", $"travel insurance claim refused after the airport strike you idiots {i}", t.AddMinutes(10 + i)))]);

        await using var check = await h.DbAsync();
        var abusive = await check.Set<StoredPost>().Where(p => p.Abusive).Select(p => new { p.Seq, p.TopicId }).ToListAsync();
        Assert.Equal(4, abusive.Count);
        var merged = await check.Set<StoredTopic>().Where(x => x.MergedInto != null).ToDictionaryAsync(x => x.Id, x => x.MergedInto!.Value);
        int Canonical(int id) => merged.GetValueOrDefault(id, id);
        var expected = abusive.Where(p => p.TopicId is { } id && Canonical(id) == Canonical(topic)).Select(p => p.Seq).Order().ToList();
        Assert.NotEmpty(expected);
        var exposures = await check.Set<CareExposure>().Where(e => e.AgentId == Bob.Aad).Select(e => e.PostSeq).OrderBy(x => x).ToListAsync();
        Assert.Equal(expected, exposures);
    }

    [StorageTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TeamLoad_NamingOffOrOn_CountsAndNamesOnlyWhenConfigured(bool named)
    {
        var h = await StartAsync(threshold: 2, named: named);
        var since = h.Time.GetUtcNow();
        await AskAsync(Bob, Topic);
        await AskAsync(Frank, OtherTopic, "Is my laptop covered when stolen from a hotel room?");
        await ArriveAsync(Topic, abusive: 3);

        var load = await h.Get<ITeamLoad>().GetTeamLoadAsync(since, h.Time.GetUtcNow().AddMinutes(1));
        Assert.NotNull(load);
        Assert.Equal(2, load.AgentsActive);
        Assert.Equal(1, load.AgentsExposed);
        Assert.Equal(3, load.AbusiveExposures);
        Assert.Equal(1, load.BreakPrompts);
        if (named)
        {
            Assert.Equal(["Bob Agent", "Frank Agent"], load.Named.Select(a => a.Name));
            Assert.Equal(3, load.Named[0].AbusiveExposures);
        }
        else
        {
            Assert.Empty(load.Named);
            Assert.DoesNotContain("Bob", CareTeamLoad.Describe(load), StringComparison.Ordinal);
        }

        var before = await h.Get<ITeamLoad>().GetTeamLoadAsync(since.AddHours(-2), since);
        Assert.Equal(0, before!.AgentsActive);
    }

    // ───────── helpers ─────────

    private async Task AskAsync(TestUser user, int topic, string question = "Are strike cancellations covered by travel insurance?")
    {
        var activity = ActivityBuilder.Personal("ask").WithFrom(user.Id, user.Name, user.Aad).WithServiceUrl(ServiceUrl).WithTenant(Tenant).Build();
        var result = await _host.Get<ExpertService>().AskAsync(activity, new AskRequest("travel-insurance", question, "T" + topic, "Topic " + topic));
        Assert.NotEqual(AskOutcome.Refused, result.Outcome);
    }

    /// <summary>Posts arrive as in an ingest batch: inserted, then the topic observers run in the same transaction.</summary>
    private async Task ArriveAsync(int topic, int abusive, int clean = 0)
    {
        await using var db = await _host.DbAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        var now = _host.Time.GetUtcNow();
        for (var i = 0; i < abusive + clean; i++)
        {
            db.Add(new StoredPost
            {
                Source = "twitter",
                PostId = (++_posts).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Text = i < abusive ? "you idiots" : "my claim",
                CreatedAtMs = now.ToUnixTimeMilliseconds(),
                Product = "travel-insurance",
                TopicId = topic,
                Abusive = i < abusive,
            });
        }

        await db.SaveChangesAsync();
        foreach (var observer in _host.Services.GetServices<ITopicChangeObserver>())
        {
            await observer.OnTopicsChangedAsync(db, new TopicChangeBatch([], [], [], now, IsRebuild: false), CancellationToken.None);
        }

        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    private async Task<List<T>> RowsAsync<T>()
        where T : class
    {
        await using var db = await _host.DbAsync();
        return await db.Set<T>().AsNoTracking().ToListAsync();
    }

    private async Task<int> CountAsync<T>()
        where T : class => (await RowsAsync<T>()).Count;

    private static async Task<List<OutboxMessage>> PromptRowsAsync(ExpertTestHost h)
    {
        await using var db = await h.DbAsync();
        return await db.Set<OutboxMessage>().AsNoTracking().Where(m => m.Kind == OutboxKind.NotifyPerson).OrderBy(m => m.Id).ToListAsync();
    }

    private static string Json(OutgoingActivity activity) =>
        System.Text.Json.JsonSerializer.Serialize(activity, CrisisBot.Protocol.ProtocolJsonContext.Default.OutgoingActivity);

    private static string Message(CrisisBot.Protocol.Routing.InvokeResponse response)
    {
        Assert.Equal(ContentTypes.ActivityMessage, response.Type);
        return response.Value.GetString()!;
    }
}

/// <summary>The same on PostgreSQL (each test on its own database).</summary>
[PostgresTests]
public sealed class DutyOfCarePostgresTests : DutyOfCareTests
{
    protected override bool OnPostgres => true;
}
