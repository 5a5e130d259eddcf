using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Tests.Features.HotTopics.Pipeline;

/// <summary>The ingest pipeline on a real database: idempotency, transactions, observers, rebuild, determinism.</summary>
public class HotTopicPipelineTests
{
    protected virtual bool OnPostgres => false;

    private Task<IntakeTestHost> HostAsync(params ITopicChangeObserver[] observers) => IntakeTestHost.CreateAsync(OnPostgres, observers);

    private static SocialPost Post(string id, string text = "my parcel was never delivered and tracking shows nothing", int minutes = 0, string source = "twitter") =>
        Posts.Make(id, text, Posts.T0.AddMinutes(minutes), source);

    private static async Task<int> CountPostsAsync(IntakeTestHost host)
    {
        await using var db = await host.DbFactory.CreateDbContextAsync();
        return await db.Set<StoredPost>().CountAsync();
    }

    [StorageFact]
    public async Task IngestAsync_SamePostTwiceInOneBatch_SecondIsDuplicate()
    {
        await using var host = await HostAsync();

        var result = await host.Pipeline.IngestAsync([Post("1"), Post("2"), Post("1", "different text, same key")]);

        Assert.Equal([IngestOutcome.Accepted, IngestOutcome.Accepted, IngestOutcome.Duplicate], result.Outcomes);
        Assert.Equal(2, await CountPostsAsync(host));
        Assert.Equal(2, host.Pipeline.PostsProcessed);
    }

    [StorageFact]
    public async Task IngestAsync_SamePostInLaterBatch_DuplicateAndSourceCaseIgnored()
    {
        await using var host = await HostAsync();
        await host.Pipeline.IngestAsync([Post("1", source: "Twitter")]);

        var result = await host.Pipeline.IngestAsync([Post("1", source: "TWITTER"), Post("1", source: "facebook")]);

        Assert.Equal([IngestOutcome.Duplicate, IngestOutcome.Accepted], result.Outcomes);
        Assert.Equal(2, await CountPostsAsync(host));
    }

    [StorageFact]
    public async Task IngestAsync_AfterRestart_StoredPostsAreDuplicatesAndEngineIsRebuilt()
    {
        await using var host = await HostAsync();
        await host.Pipeline.IngestAsync([Post("1"), Post("2", minutes: 1), Post("3", minutes: 2)]);

        var pipeline = await host.RestartAsync();
        var result = await pipeline.IngestAsync([Post("2", minutes: 1), Post("4", minutes: 3)]);

        Assert.Equal([IngestOutcome.Duplicate, IngestOutcome.Accepted], result.Outcomes);
        Assert.Equal(4, pipeline.PostsProcessed);
        Assert.Equal(Posts.T0.AddMinutes(3), pipeline.Watermark);
    }

    [StorageFact]
    public async Task IngestAsync_PostsStoredWithTopicProductAndEventTime()
    {
        await using var host = await HostAsync();
        await host.Pipeline.IngestAsync(
        [
            Posts.Make("1", "my parcel was never delivered, tracking says nothing", Posts.T0, followers: 5000),
            Posts.Make("2", "parcel never delivered and tracking shows nothing at all", Posts.T0.AddMinutes(5)),
        ]);

        await using var db = await host.DbFactory.CreateDbContextAsync();
        var rows = await db.Set<StoredPost>().OrderBy(p => p.Seq).ToListAsync();
        Assert.Equal(2, rows.Count);
        Assert.Equal("twitter", rows[0].Source);
        Assert.Equal(Posts.T0.ToUnixTimeMilliseconds(), rows[0].CreatedAtMs);
        Assert.Equal(5000, rows[0].Reach);
        Assert.Equal("mail-parcels", rows[0].Product);
        Assert.NotNull(rows[0].TopicId);
        Assert.Equal(rows[0].TopicId, rows[1].TopicId);
        var topic = await db.Set<StoredTopic>().SingleAsync(t => t.Id == rows[0].TopicId);
        Assert.Equal(2, topic.Posts);
        Assert.Equal("mail-parcels", topic.Product);
        Assert.Equal(Posts.T0.AddMinutes(5).ToUnixTimeMilliseconds(), topic.LastSeenMs);
    }

    [StorageFact]
    public async Task IngestAsync_ObserverSeesChangedTopicsAndItsRowsCommitWithTheBatch()
    {
        var observer = new RecordingObserver
        {
            OnBatch = (db, batch) =>
            {
                db.Set<AuditEntry>().Add(AuditEntry.Create(batch.Watermark, "test.observer", "test", null, $"{batch.ChangedTopics.Count} topics", null));
                return Task.CompletedTask;
            },
        };
        await using var host = await HostAsync(observer);

        await host.Pipeline.IngestAsync([Post("1"), Post("2", "parcel never delivered, tracking shows nothing", 61), Post("3", "parcel not delivered and the tracking shows nothing", 62)]);

        var batch = Assert.Single(observer.Batches);
        Assert.False(batch.IsRebuild);
        Assert.Equal(Posts.T0.AddMinutes(62), batch.Watermark);
        var view = Assert.Single(batch.ChangedTopics);
        Assert.Equal(3, view.Topic.Posts);
        Assert.Equal(24, view.HourlyCounts.Count);
        Assert.Equal([1, 2], view.HourlyCounts.TakeLast(2));
        Assert.Equal(3, view.HourlyCounts.Sum());
        Assert.Equal(3, view.SamplePosts.Count);
        await using var db = await host.DbFactory.CreateDbContextAsync();
        Assert.Equal("1 topics", (await db.Set<AuditEntry>().SingleAsync(a => a.Action == "test.observer")).Subject);
    }

    [StorageFact]
    public async Task IngestAsync_CardExtrasKeptOnlyForObservers_TopicsTheSameEitherWay()
    {
        SocialPost[] posts = [Post("1"), Post("2", "parcel never delivered, tracking shows nothing", 61), Post("3", "card declined at the till", 62)];
        await using var plain = await HostAsync();
        await using var observed = await HostAsync(new RecordingObserver());

        await plain.Pipeline.IngestAsync(posts);
        await observed.Pipeline.IngestAsync(posts);

        // The hourly counts, samples and alarm history only feed the observers' views: without observers none is kept.
        Assert.Equal(0, plain.Pipeline.TrackedTopics);
        Assert.Equal(await CountTopicsAsync(observed), observed.Pipeline.TrackedTopics);
        static async Task<string> TopicsAsync(IntakeTestHost host)
        {
            await using var db = await host.DbFactory.CreateDbContextAsync();
            var rows = await db.Set<StoredTopic>().OrderBy(t => t.Id).ToListAsync();
            return string.Join("\n", rows.Select(t => $"{t.Id}|{t.Title}|{t.Product}|{t.State}|{t.Posts}|{t.MergedInto}"));
        }

        Assert.Equal(await TopicsAsync(observed), await TopicsAsync(plain));
        Assert.Equal(3, (await TopicsAsync(plain)).Split('\n').Sum(row => int.Parse(row.Split('|')[4], System.Globalization.CultureInfo.InvariantCulture)));
        static async Task<int> CountTopicsAsync(IntakeTestHost host)
        {
            await using var db = await host.DbFactory.CreateDbContextAsync();
            return await db.Set<StoredTopic>().CountAsync();
        }
    }

    [StorageFact]
    public async Task IngestAsync_ObserverFails_BatchRolledBackAndRetrySucceeds()
    {
        var fail = true;
        var observer = new RecordingObserver
        {
            OnBatch = (_, _) => fail ? throw new InvalidOperationException("observer broke") : Task.CompletedTask,
        };
        await using var host = await HostAsync(observer);
        await host.Pipeline.IngestAsync([]); // builds the engine (no posts)
        fail = false;
        await host.Pipeline.IngestAsync([Post("1")]);
        fail = true;

        await Assert.ThrowsAsync<InvalidOperationException>(() => host.Pipeline.IngestAsync([Post("2", minutes: 1), Post("3", minutes: 2)]));
        Assert.Equal(1, await CountPostsAsync(host));

        fail = false;
        var retry = await host.Pipeline.IngestAsync([Post("2", minutes: 1), Post("3", minutes: 2)]);

        Assert.Equal([IngestOutcome.Accepted, IngestOutcome.Accepted], retry.Outcomes);
        Assert.Equal(3, await CountPostsAsync(host));
        Assert.Equal(3, host.Pipeline.PostsProcessed); // rebuilt from storage: the failed batch left no trace
    }

    [StorageFact]
    public async Task SubmitAsync_ConcurrentRequests_EachGetsItsOwnOutcomesOnceCommitted()
    {
        await using var host = await HostAsync();
        await host.Pipeline.IngestAsync([Post("0")]);

        var requests = Enumerable.Range(1, 8)
            .Select(r => host.Pipeline.SubmitAsync([Post($"r{r}", minutes: r), Post("0"), Post("shared", minutes: 9)], maxGroupPosts: 4000))
            .ToList();
        var results = await Task.WhenAll(requests);

        Assert.All(results, r => Assert.Equal(3, r.Outcomes.Count));
        Assert.All(results, r => Assert.Equal([IngestOutcome.Accepted, IngestOutcome.Duplicate], r.Outcomes.Take(2)));
        Assert.Equal(1, results.Count(r => r.Outcomes[2] == IngestOutcome.Accepted)); // the database decides once
        Assert.Equal(10, await CountPostsAsync(host)); // committed before any answer
        Assert.Equal(10, host.Pipeline.PostsProcessed);
    }

    [StorageFact]
    public async Task SubmitAsync_GroupFails_EveryRequestGetsTheErrorAndNothingIsStored()
    {
        var fail = true;
        var observer = new RecordingObserver
        {
            OnBatch = (_, _) => fail ? throw new InvalidOperationException("observer broke") : Task.CompletedTask,
        };
        await using var host = await HostAsync(observer);

        var requests = Enumerable.Range(1, 4).Select(r => host.Pipeline.SubmitAsync([Post($"r{r}", minutes: r)], maxGroupPosts: 4000)).ToList();

        foreach (var request in requests)
        {
            await Assert.ThrowsAsync<InvalidOperationException>(() => request);
        }

        Assert.Equal(0, await CountPostsAsync(host));
        fail = false;
        var retry = await host.Pipeline.SubmitAsync([Post("r1", minutes: 1), Post("r2", minutes: 2)], maxGroupPosts: 1);
        Assert.Equal([IngestOutcome.Accepted, IngestOutcome.Accepted], retry.Outcomes);
        Assert.Equal(2, await CountPostsAsync(host));
    }

    [StorageFact]
    public async Task IngestAsync_SettledTopicsReleased_LaterDuplicatesStillFoundAndRestartRebuilds()
    {
        await using var host = await HostAsync();
        await host.Pipeline.IngestAsync([Post("old", "xylophone quartet rehearsal tonight")]);

        // Four days later the old single-post topic is resolved and out of the index: released after this commit.
        var later = await host.Pipeline.IngestAsync([Post("new", minutes: 4 * 24 * 60), Post("old", "xylophone quartet rehearsal tonight")]);

        Assert.Equal([IngestOutcome.Accepted, IngestOutcome.Duplicate], later.Outcomes);
        Assert.Null(await host.Pipeline.GetTopicAsync(new CrisisBot.Features.HotTopics.Topics.TopicId(1)));
        await using (var db = await host.DbFactory.CreateDbContextAsync())
        {
            Assert.Equal(2, await db.Set<StoredTopic>().CountAsync()); // its stored row stays
        }

        var pipeline = await host.RestartAsync();
        var again = await pipeline.IngestAsync([Post("old"), Post("new", minutes: 4 * 24 * 60)]);
        Assert.Equal([IngestOutcome.Duplicate, IngestOutcome.Duplicate], again.Outcomes);
        Assert.Equal(2, pipeline.PostsProcessed);
    }

    [StorageFact]
    public async Task Restart_RebuildsTheSameTopicsAndTellsObserversItIsARebuild()
    {
        var observer = new RecordingObserver();
        await using var host = await HostAsync(observer);
        var demo = SamplePaths.DemoPosts();
        foreach (var chunk in demo.Chunk(700))
        {
            await host.Pipeline.IngestAsync(chunk);
        }

        var before = await StoredStateAsync(host);
        var live = demo.Select(p => p.CreatedAt).Max();
        observer.Batches.Clear();

        var pipeline = await host.RestartAsync();

        Assert.Equal(live, pipeline.Watermark);
        Assert.Equal(before, await StoredStateAsync(host));
        var rebuild = Assert.Single(observer.Batches);
        Assert.True(rebuild.IsRebuild);
        Assert.Empty(rebuild.NewAlarms);
        Assert.NotEmpty(rebuild.ChangedTopics);
    }

    [StorageFact]
    public async Task IngestAsync_SameFileTwiceWithDifferentBatchSizes_SameTopicsAndAlarms()
    {
        var demo = SamplePaths.DemoPosts();
        await using var first = await HostAsync();
        foreach (var chunk in demo.Chunk(4000))
        {
            await first.Pipeline.IngestAsync(chunk);
        }

        await using var second = await HostAsync();
        foreach (var chunk in demo.Chunk(137))
        {
            await second.Pipeline.IngestAsync(chunk);
        }

        var a = await StoredStateAsync(first);
        var b = await StoredStateAsync(second);
        Assert.Equal(a, b);
        Assert.Contains("alarm", a, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task IngestAsync_MergedTopicsReleasedAfterTheirBatch_StoredRowsStillPointAtTheFinalSurvivor()
    {
        // Small batches: a topic merged in one batch is released after it commits, and when its survivor merges into
        // another topic in a later batch, its stored row must still be re-pointed at the new survivor.
        var merges = new List<CrisisBot.Features.HotTopics.Topics.TopicMerge>();
        var observer = new RecordingObserver { OnBatch = (_, batch) => { merges.AddRange(batch.NewMerges); return Task.CompletedTask; } };
        await using var host = await HostAsync(observer);
        foreach (var chunk in SamplePaths.DemoPosts().Chunk(50))
        {
            await host.Pipeline.IngestAsync(chunk);
        }

        var into = merges.ToDictionary(m => m.From.Value, m => m.Into.Value);
        int Final(int id) => into.TryGetValue(id, out var next) ? Final(next) : id;
        var chained = merges.Where(m => Final(m.Into.Value) != m.Into.Value).Select(m => m.From.Value).ToList();
        Assert.NotEmpty(chained); // the demo has merges whose survivor merged again later

        await using var db = await host.DbFactory.CreateDbContextAsync();
        var stored = await db.Set<StoredTopic>().Where(t => t.MergedInto != null).ToDictionaryAsync(t => t.Id, t => t.MergedInto!.Value);
        Assert.Equal(into.Keys.Order(), stored.Keys.Order());
        Assert.All(into.Keys, id => Assert.Equal(Final(id), stored[id]));
    }

    [StorageFact]
    public async Task IngestAsync_PreparedAheadOnAnotherThread_SameOutcomesTopicsAndAlarms()
    {
        // The bulk import prepares batch N+1's text work on its reader thread while batch N is ingested.
        var demo = SamplePaths.DemoPosts();
        await using var plain = await HostAsync();
        var plainOutcomes = new List<IngestOutcome>();
        foreach (var chunk in demo.Chunk(300))
        {
            plainOutcomes.AddRange((await plain.Pipeline.IngestAsync(chunk)).Outcomes);
        }

        await using var prepared = await HostAsync();
        var preparedOutcomes = new List<IngestOutcome>();
        var chunks = demo.Chunk(300).ToList();
        chunks.Insert(1, chunks[0]); // a whole batch again: every post a duplicate, decided by the database
        var next = Task.Run(() => prepared.Pipeline.Prepare(chunks[0]));
        for (var i = 0; i < chunks.Count; i++)
        {
            var batch = await next;
            var following = i + 1; // not i itself: the task may start after the loop has moved on
            next = following < chunks.Count ? Task.Run(() => prepared.Pipeline.Prepare(chunks[following])) : next;
            var outcomes = (await prepared.Pipeline.IngestAsync(batch)).Outcomes;
            if (i == 1)
            {
                Assert.All(outcomes, o => Assert.Equal(IngestOutcome.Duplicate, o));
                continue;
            }

            preparedOutcomes.AddRange(outcomes);
        }

        Assert.Equal(plainOutcomes, preparedOutcomes);
        var a = await StoredStateAsync(plain);
        Assert.Equal(a, await StoredStateAsync(prepared));
        Assert.Contains("alarm", a, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task IngestOverlappedAsync_NextBatchBeforeCommit_SameOutcomesTopicsAndAlarmsAsPlain()
    {
        // The import's overlap: batch N+1 enters the engine before batch N has committed; a repeat of a batch that is
        // not committed yet must still be all duplicates.
        var demo = SamplePaths.DemoPosts();
        await using var plain = await HostAsync();
        var plainOutcomes = new List<IngestOutcome>();
        foreach (var chunk in demo.Chunk(300))
        {
            plainOutcomes.AddRange((await plain.Pipeline.IngestAsync(chunk)).Outcomes);
        }

        await using var overlapped = await HostAsync();
        var chunks = demo.Chunk(300).ToList();
        chunks.Insert(1, chunks[0]);
        var writes = new List<Task<IngestResult>>();
        foreach (var chunk in chunks)
        {
            writes.Add(await overlapped.Pipeline.IngestOverlappedAsync(overlapped.Pipeline.Prepare(chunk)));
        }

        var results = await Task.WhenAll(writes);

        Assert.All(results[1].Outcomes, o => Assert.Equal(IngestOutcome.Duplicate, o));
        Assert.Equal(plainOutcomes, results.Where((_, i) => i != 1).SelectMany(r => r.Outcomes));
        var a = await StoredStateAsync(plain);
        Assert.Equal(a, await StoredStateAsync(overlapped));
        Assert.Contains("alarm", a, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Prepare_NullPost_ArgumentExceptionNamingItsIndex()
    {
        await using var host = await HostAsync(new RecordingObserver());

        var error = Assert.Throws<ArgumentException>(() => host.Pipeline.Prepare([Post("1"), null!, Post("3")]));

        Assert.Equal("posts", error.ParamName);
        Assert.Contains("posts[1] is null", error.Message, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task IngestOverlappedAsync_PreparedBeforeEarlierBatchesRan_DuplicatesInTheBatchInFlightAndStored()
    {
        // The import's reader finds a batch's keys and repeats before the engine has seen the batches ahead of it; the
        // engine still decides against what it has seen: repeats inside the batch, keys of batches not committed yet
        // (the writer is held until every batch went through the engine), and keys already in the database.
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var observer = new RecordingObserver();
        await using var host = await HostAsync(observer);
        await host.Pipeline.IngestAsync([Post("s1"), Post("s2", minutes: 1)]);
        observer.OnBatch = (_, _) => release.Task;

        var pipeline = host.Pipeline;
        var b1 = pipeline.Prepare([Post("1", minutes: 2), Post("2", minutes: 2), Post("1", "same key, other text", 3), Post("s1", minutes: 3)]);
        var b2 = pipeline.Prepare([Post("2", minutes: 4), Post("3", minutes: 4), Post("s2", minutes: 4), Post("3", minutes: 5), Post("1", minutes: 5, source: "TWITTER")]);
        var b3 = pipeline.Prepare([Post("3", minutes: 6), Post("4", minutes: 6), Post("s2", minutes: 6), Post("4", minutes: 7), Post("2", minutes: 7, source: "facebook")]);
        var w1 = await pipeline.IngestOverlappedAsync(b1);
        var w2 = await pipeline.IngestOverlappedAsync(b2);
        var w3 = await pipeline.IngestOverlappedAsync(b3);
        Assert.False(w1.IsCompleted); // b2 and b3 met b1 (and b3 met b2) before their commits
        release.SetResult();

        const IngestOutcome A = IngestOutcome.Accepted, D = IngestOutcome.Duplicate;
        Assert.Equal([A, A, D, D], (await w1).Outcomes);
        Assert.Equal([D, A, D, D, D], (await w2).Outcomes);
        Assert.Equal([D, A, D, D, A], (await w3).Outcomes);
        Assert.Equal(7, await CountPostsAsync(host));
        Assert.Equal(7, pipeline.PostsProcessed);
    }

    [StorageFact]
    public async Task IngestOverlappedAsync_ObserverOverManyBatches_EachBatchStartsUntrackedAndItsRowsCommit()
    {
        // The writer keeps one context for the whole import: each batch's observer must still start with nothing
        // tracked, and what it adds must commit with its batch.
        var trackedAtStart = new List<int>();
        var observer = new RecordingObserver();
        observer.OnBatch = (db, batch) =>
        {
            trackedAtStart.Add(db.ChangeTracker.Entries().Count());
            db.Add(AuditEntry.Create(batch.Watermark, "test.batch", "writer-test", null, $"batch {trackedAtStart.Count}", null));
            return Task.CompletedTask;
        };
        await using var host = await HostAsync(observer);
        var writes = new List<Task<IngestResult>>();
        foreach (var chunk in SamplePaths.DemoPosts().Chunk(300))
        {
            writes.Add(await host.Pipeline.IngestOverlappedAsync(host.Pipeline.Prepare(chunk)));
        }

        await Task.WhenAll(writes);

        Assert.True(trackedAtStart.Count > 1);
        Assert.All(trackedAtStart, n => Assert.Equal(0, n));
        await using var check = await host.DbFactory.CreateDbContextAsync();
        var subjects = await check.Set<AuditEntry>().Where(e => e.Action == "test.batch").Select(e => e.Subject).ToListAsync();
        Assert.Equal(Enumerable.Range(1, trackedAtStart.Count).Select(i => $"batch {i}").Order(), subjects.Order());
    }

    [StorageFact]
    public async Task IngestAsync_PreparedBatchIngestedTwice_RefusedAndNothingChanges()
    {
        await using var host = await HostAsync();
        var batch = host.Pipeline.Prepare([Post("1"), Post("2", minutes: 1)]);
        await host.Pipeline.IngestAsync(batch);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => host.Pipeline.IngestAsync(batch));

        Assert.Contains("already ingested", error.Message, StringComparison.Ordinal);
        Assert.Equal(2, await CountPostsAsync(host));
        Assert.Equal(2, host.Pipeline.PostsProcessed);
    }

    [StorageFact]
    public async Task IngestAsync_Spike_AlarmStoredAtEventTime()
    {
        await using var host = await HostAsync();
        var posts = new List<SocialPost>();
        // A quiet day of unrelated chatter, then 20 complaints about the same thing within 10 minutes.
        for (var i = 0; i < 48; i++)
        {
            posts.Add(Posts.Make($"q{i}", $"lovely weather today number {i} at the beach", Posts.T0.AddMinutes(30 * i)));
        }

        var spikeStart = Posts.T0.AddHours(25);
        for (var i = 0; i < 20; i++)
        {
            posts.Add(Posts.Make($"s{i}", $"travel money card blocked abroad cannot pay {i}", spikeStart.AddSeconds(30 * i)));
        }

        await host.Pipeline.IngestAsync(posts);

        await using var db = await host.DbFactory.CreateDbContextAsync();
        var alarm = await db.Set<StoredAlarm>().Where(a => a.Scope == AlarmScope.Topic).OrderBy(a => a.Seq).FirstAsync();
        Assert.Equal(AlarmTransition.Onset, alarm.Transition);
        Assert.InRange(DateTimeOffset.FromUnixTimeMilliseconds(alarm.AtMs), spikeStart, spikeStart.AddMinutes(10));
        var topic = await db.Set<StoredTopic>().SingleAsync(t => t.Id == alarm.TopicId);
        Assert.Equal(CrisisBot.Features.HotTopics.Topics.TopicState.Hot, topic.State);
        Assert.Equal("travel-money", topic.Product);
    }

    /// <summary>Every stored topic and alarm as text (ids, titles, states, counts, event times).</summary>
    private static async Task<string> StoredStateAsync(IntakeTestHost host)
    {
        await using var db = await host.DbFactory.CreateDbContextAsync();
        var topics = await db.Set<StoredTopic>().OrderBy(t => t.Id).ToListAsync();
        var alarms = await db.Set<StoredAlarm>().OrderBy(a => a.Seq).ToListAsync();
        var posts = await db.Set<StoredPost>().OrderBy(p => p.Seq).Select(p => p.PostId + ">" + p.TopicId + "/" + p.Product).ToListAsync();
        return string.Join('\n', topics.Select(t => $"topic {t.Id} {t.Title} {t.Product} {t.State} {t.Severity} {t.Posts} {t.FirstSeenMs} {t.LastSeenMs} {t.MergedInto}"))
            + "\n" + string.Join('\n', alarms.Select(a => $"alarm {a.TopicId} {a.Product} {a.Scope} {a.AtMs} {a.Severity} {a.Transition}"))
            + "\n" + string.Join(',', posts);
    }
}

[PostgresTests]
public sealed class HotTopicPipelinePostgresTests : HotTopicPipelineTests
{
    protected override bool OnPostgres => true;
}
