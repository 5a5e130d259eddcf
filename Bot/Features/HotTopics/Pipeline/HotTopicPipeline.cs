using System.Collections.Concurrent;
using System.Data.Common;
using System.Diagnostics;
using System.Threading.Channels;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Features.HotTopics.Text;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>
/// The one way posts enter CrisisBot (HTTP, CLI import and replay): a single consumer owning one
/// <see cref="HotTopicEngine"/>. Each batch is one database transaction: new posts are inserted (duplicates are decided
/// by the database's unique <c>(source, id)</c> key, also inside the batch), the engine processes each new post, changed
/// topics are upserted and new alarms inserted, every <see cref="ITopicChangeObserver"/> adds its rows, then everything
/// commits together. At start the engine is rebuilt from the stored posts (arrival order, which replays exactly what
/// the engine saw), with <see cref="TopicChangeBatch.IsRebuild"/> set for observers.
/// </summary>
/// <remarks>
/// Event time only: every window and rate comes from the posts' <c>createdAt</c>. Post texts are not kept in memory
/// beyond the batch (except 3 clipped samples per recently active topic). If a batch fails, it is rolled back and the
/// engine (which cannot undo) is rebuilt from storage before the next batch, so memory and database never disagree.
/// </remarks>
public sealed class HotTopicPipeline : IDisposable
{
    private readonly IDbContextFactory<CrisisDbContext> _dbFactory;
    private readonly ProductCatalog _catalog;
    private readonly ITopicChangeObserver[] _observers;
    private readonly ILogger<HotTopicPipeline> _logger;
    private readonly HotTopicOptions _options;
    private const int RebuildReleaseEvery = 4096;

    /// <summary>Largest number of posts handed between the ingest threads at once.</summary>
    private const int InsertChunk = 128;
    private readonly System.Collections.Concurrent.ConcurrentQueue<FeatureChunk> _chunkPool = new();
    private readonly TokenizedText _helperTokens = new();
    private readonly FeatureVector _helperVector = new();
    // Rule scoring only reads the router's tables (ProductRouter.ScoreRules), so the helper thread and Prepare share one.
    private readonly ProductRouter _rulesRouter;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private HotTopicEngine _engine;
    private TopicExtras _extras = new();
    private KnownKeyFilter _known = new();
    private readonly Channel<GroupRequest> _requests = Channel.CreateUnbounded<GroupRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _writerLock = new();
    private Task? _writer;
    private InsertWorker? _inserter;
    private Dictionary<int, List<int>> _mergedChildren = [];
    private bool _ready;
    private int _mergesSeen;

    public HotTopicPipeline(
        IDbContextFactory<CrisisDbContext> dbFactory,
        ProductCatalog catalog,
        IEnumerable<ITopicChangeObserver> observers,
        ILogger<HotTopicPipeline> logger,
        HotTopicOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(dbFactory);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentNullException.ThrowIfNull(logger);
        _dbFactory = dbFactory;
        _catalog = catalog;
        _observers = [.. observers];
        _logger = logger;
        _options = options ?? new HotTopicOptions();
        _rulesRouter = new ProductRouter(catalog);
        _engine = NewEngine();
    }

    /// <summary>The newest event time seen (null before the first post).</summary>
    public DateTimeOffset? Watermark => _engine.Watermark;

    /// <summary>Posts the engine has processed since it was (re)built, stored ones included.</summary>
    public long PostsProcessed => _engine.PostsProcessed;

    /// <summary>Topics whose per-topic extras (hourly counts, samples) are held in memory.</summary>
    internal int TrackedTopics => _extras.Count;

    /// <summary>Keys in the in-memory filter that spares the database a lookup for posts it cannot have.</summary>
    internal long KnownKeys => _known.Count;

    /// <summary>
    /// For bulk import on SQLite: commit with <c>PRAGMA synchronous = NORMAL</c> (WAL: a power cut may lose the last
    /// commits, never corrupt the file; an import is idempotent, so re-running it recovers them). Off by default.
    /// </summary>
    public bool RelaxedCommits { get; set; }

    /// <summary>Opt-in per-stage timing (<c>import --timing</c>); null (the default) measures nothing.</summary>
    internal IngestTiming? Timing { get; set; }

    /// <summary>What the engine holds in memory (counts), for diagnostics and benchmarks.</summary>
    public string DescribeMemory() => $"{_engine.DescribeMemory()}, extras {_extras.Count:N0}, merged-children lists {_mergedChildren.Count:N0}, known keys {_known.Count:N0} ({_known.Bytes / 1024:N0} KiB)";

    /// <summary>Rebuilds the engine from storage (once; later calls return at once).</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_ready)
            {
                await RebuildAsync(ct);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A read-only snapshot of a topic as the engine has it now (null if unknown).</summary>
    public async Task<TopicSnapshot?> GetTopicAsync(TopicId id, CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            return _engine.GetTopic(id);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Ingests one batch (at most a few thousand posts: one transaction). Returns each post's outcome in input order.
    /// Once the batch has started, <paramref name="ct"/> no longer cancels it (the engine cannot undo half a batch).
    /// </summary>
    public Task<IngestResult> IngestAsync(IReadOnlyList<SocialPost> posts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(posts);
        return IngestAsync(posts, null, ct);
    }

    /// <summary>
    /// <see cref="IngestAsync(IReadOnlyList{SocialPost}, CancellationToken)"/> for a batch whose text work was done ahead
    /// by <see cref="Prepare"/> (on another thread, while earlier batches were ingested): the same outcomes, topics and
    /// alarms, with only the order-dependent engine part and the database work left for this call.
    /// </summary>
    public Task<IngestResult> IngestAsync(PreparedBatch batch, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Chunks.Count != (batch.Posts.Count + InsertChunk - 1) / InsertChunk)
        {
            throw new InvalidOperationException("this prepared batch was already ingested");
        }

        return IngestAsync(batch.Posts, batch, ct);
    }

    /// <summary>
    /// Does a batch's text work ahead of <see cref="IngestAsync(PreparedBatch, CancellationToken)"/>: normalise, hash
    /// features, score the routing rules and flag abuse for every post (pure functions of the text). Safe to call on any
    /// thread, also while a batch is being ingested (the bulk import parses and prepares the next batch meanwhile). The
    /// result holds the batch's features (about 1 KB per post) until it is ingested.
    /// </summary>
    public PreparedBatch Prepare(IReadOnlyList<SocialPost> posts)
    {
        ArgumentNullException.ThrowIfNull(posts);
        var tokens = new TokenizedText();
        var vector = new FeatureVector();
        var chunks = new List<FeatureChunk>((posts.Count + InsertChunk - 1) / InsertChunk);
        for (var start = 0; start < posts.Count; start += InsertChunk)
        {
            var chunk = RentChunk();
            for (var i = start; i < Math.Min(posts.Count, start + InsertChunk); i++)
            {
                chunk.Add((posts[i] ?? throw new ArgumentException($"posts[{i}] is null", nameof(posts))).Text, tokens, vector, _rulesRouter);
            }

            chunks.Add(chunk);
        }

        return new PreparedBatch(posts, chunks);
    }

    private async Task<IngestResult> IngestAsync(IReadOnlyList<SocialPost> posts, PreparedBatch? prepared, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            if (!_ready)
            {
                await RebuildAsync(ct);
            }

            try
            {
                return await IngestLockedAsync(posts, prepared);
            }
            catch (Exception ex)
            {
                IntakeLog.BatchFailed(_logger, posts.Count, ex);
                _ready = false;
                throw;
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Group commit for concurrent callers (POST /api/posts): the posts join a queue, one writer ingests whatever is
    /// queued (whole requests, up to <paramref name="maxGroupPosts"/> posts, at least one request) in one transaction,
    /// and each caller gets its own outcomes once that transaction has committed. If a group fails, its requests are
    /// retried one by one, so one bad request cannot fail the others; a request that still fails gets the exception
    /// (nothing of it was stored). Cancelling <paramref name="ct"/> stops the wait, not the write.
    /// </summary>
    public Task<IngestResult> SubmitAsync(IReadOnlyList<SocialPost> posts, int maxGroupPosts, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(posts);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxGroupPosts, 1);
        ct.ThrowIfCancellationRequested();
        if (posts.Count == 0)
        {
            return Task.FromResult(new IngestResult([]));
        }

        var request = new GroupRequest(posts, maxGroupPosts);
        lock (_writerLock)
        {
            _writer ??= Task.Run(WriteGroupsAsync, CancellationToken.None);
        }

        ObjectDisposedException.ThrowIf(!_requests.Writer.TryWrite(request), this);

        return request.Completion.Task.WaitAsync(ct);
    }

    private async Task WriteGroupsAsync()
    {
        var reader = _requests.Reader;
        var group = new List<GroupRequest>();
        GroupRequest? carried = null;
        while (carried is not null || await reader.WaitToReadAsync())
        {
            group.Clear();
            var posts = new List<SocialPost>();
            if (carried is not null)
            {
                group.Add(carried);
                posts.AddRange(carried.Posts);
                carried = null;
            }

            while (reader.TryRead(out var next))
            {
                if (group.Count > 0 && posts.Count + next.Posts.Count > next.MaxGroupPosts)
                {
                    carried = next; // starts the next group
                    break;
                }

                group.Add(next);
                posts.AddRange(next.Posts);
            }

            if (group.Count == 0)
            {
                continue;
            }

            IntakeLog.GroupCommit(_logger, group.Count, posts.Count);
            try
            {
                var result = await IngestAsync(posts);
                var offset = 0;
                foreach (var request in group)
                {
                    var count = request.Posts.Count;
                    request.Completion.TrySetResult(new IngestResult([.. result.Outcomes.Skip(offset).Take(count)]));
                    offset += count;
                }
            }
            catch (Exception) when (group.Count > 1)
            {
                // Isolate the failure: each request on its own (the engine is rebuilt first, see IngestAsync).
                foreach (var request in group)
                {
                    try
                    {
                        request.Completion.TrySetResult(await IngestAsync(request.Posts));
                    }
                    catch (Exception ex)
                    {
                        request.Completion.TrySetException(ex);
                    }
                }
            }
            catch (Exception ex)
            {
                group[0].Completion.TrySetException(ex);
            }
        }
    }

    private sealed class GroupRequest(IReadOnlyList<SocialPost> posts, int maxGroupPosts)
    {
        public IReadOnlyList<SocialPost> Posts { get; } = posts;

        public int MaxGroupPosts { get; } = maxGroupPosts;

        public TaskCompletionSource<IngestResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    private async Task<IngestResult> IngestLockedAsync(IReadOnlyList<SocialPost> posts, PreparedBatch? prepared)
    {
        try
        {
            return await IngestLockedCoreAsync(posts, prepared);
        }
        finally
        {
            if (prepared is not null)
            {
                foreach (var chunk in prepared.Chunks)
                {
                    _chunkPool.Enqueue(chunk);
                }

                prepared.Chunks.Clear();
            }
        }
    }

    private async Task<IngestResult> IngestLockedCoreAsync(IReadOnlyList<SocialPost> posts, PreparedBatch? prepared)
    {
        var ct = CancellationToken.None;
        var timing = Timing;
        var t = timing is null ? 0 : Stopwatch.GetTimestamp();
        var outcomes = new IngestOutcome[posts.Count];
        await using var db = await _dbFactory.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        if (RelaxedCommits && db.Database.IsSqlite())
        {
            await db.Database.ExecuteSqlRawAsync("PRAGMA synchronous = NORMAL;", ct);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var alarmsBefore = _engine.Alarms.Count;
        var mergesBefore = _engine.Merges.Count;
        var changed = new HashSet<int>();
        using (var commands = new IntakeCommands(db.Database.GetDbConnection(), transaction.GetDbTransaction()))
        {
            // 1. Duplicates: keys already stored (batched lookups on the unique index) and repeats inside the batch.
            var keys = new PostKey[posts.Count];
            for (var i = 0; i < posts.Count; i++)
            {
                keys[i] = (posts[i] ?? throw new ArgumentException($"posts[{i}] is null", nameof(posts))).Key;
            }

            // Only keys the filter cannot rule out are looked up (none, for a file of new posts).
            var maybe = new List<PostKey>();
            foreach (var key in keys)
            {
                if (_known.MightContain(key))
                {
                    maybe.Add(key);
                }
            }

            var stored = maybe.Count > 0 ? commands.FindStored(maybe) : [];
            var seen = new HashSet<PostKey>();
            var fresh = new List<int>(posts.Count);
            for (var i = 0; i < posts.Count; i++)
            {
                if (stored.Contains(keys[i]) || !seen.Add(keys[i]))
                {
                    outcomes[i] = IngestOutcome.Duplicate;
                }
                else
                {
                    fresh.Add(i);
                }
            }

            // 2. Three stages over the fresh posts, in chunks (one hand-off per chunk, not per post): the text work
            //    (normalise, featurise: pure functions of the text) runs ahead of the engine, either prepared on the
            //    import's reader thread (Prepare) or on a helper thread; the engine runs its order-dependent part on this
            //    thread; the posts it has processed are inserted by another thread (only it uses the connection
            //    meanwhile; the insert's ON CONFLICT has the last word).
            t = timing?.Add(IngestTiming.Stage.EngineBatchHead, t) ?? 0;
            var chunkSize = Math.Clamp(fresh.Count / 16, 1, InsertChunk);
            var conflicts = new List<int>();
            Exception? engineError = null;
            List<TopicAlarm>? newAlarms = null;
            List<TopicMerge>? newMerges = null;
            List<TopicView>? views = null;
            var repoint = new List<(int Id, int Into)>();
            if (prepared is not null)
            {
                // Import: a dedicated insert thread with a blocking queue (no thread-pool worker spinning between chunks).
                var job = new InsertJob(posts, commands, conflicts, timing);
                var inserter = InsertThread();
                try
                {
                    // Features were prepared ahead (one chunk per InsertChunk posts of the batch, fresh or not).
                    for (var start = 0; start < fresh.Count; start += chunkSize)
                    {
                        var outcomesOfChunk = new (int Index, PostOutcome Outcome)[Math.Min(chunkSize, fresh.Count - start)];
                        for (var k = 0; k < outcomesOfChunk.Length; k++)
                        {
                            var i = fresh[start + k];
                            outcomesOfChunk[k] = (i, Process(posts[i], changed, prepared.Chunks[i / InsertChunk], i % InsertChunk));
                        }

                        inserter.Post(job, outcomesOfChunk);
                    }
                }
                catch (Exception ex)
                {
                    engineError = ex;
                }
                finally
                {
                    inserter.Post(job, null); // end of the batch: the inserter signals job.Done
                }

                t = timing?.Add(IngestTiming.Stage.EngineProcess, t) ?? 0;
                if (engineError is null)
                {
                    // The views only read the engine's state: built while the inserter finishes the last chunk.
                    (newAlarms, newMerges, views) = ChangedViews(alarmsBefore, mergesBefore, changed, repoint);
                    t = timing?.Add(IngestTiming.Stage.EngineViews, t) ?? 0;
                }

                // The inserter always finishes the batch before the commands are disposed (also when the engine failed).
                job.Done.Wait();
                job.Done.Dispose();
                t = timing?.Add(IngestTiming.Stage.EngineWaitInsert, t) ?? 0;
                if (engineError is null && job.Error is not null)
                {
                    System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(job.Error);
                }
            }
            else
            {
                var features = Channel.CreateUnbounded<FeatureChunk>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
                var processed = Channel.CreateUnbounded<(int Index, PostOutcome Outcome)[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
                var helper = Task.Run(async () =>
                {
                    try
                    {
                        for (var start = 0; start < fresh.Count; start += chunkSize)
                        {
                            var chunk = RentChunk();
                            for (var k = start; k < Math.Min(fresh.Count, start + chunkSize); k++)
                            {
                                chunk.Add(posts[fresh[k]].Text, _helperTokens, _helperVector, _rulesRouter);
                            }

                            features.Writer.TryWrite(chunk);
                        }

                        features.Writer.Complete();
                    }
                    catch (Exception ex)
                    {
                        features.Writer.Complete(ex);
                    }

                    await foreach (var chunk in processed.Reader.ReadAllAsync())
                    {
                        commands.InsertPosts(posts, chunk, conflicts);
                    }
                });
                try
                {
                    var done = 0;
                    await foreach (var chunk in features.Reader.ReadAllAsync(ct))
                    {
                        var outcomesOfChunk = new (int Index, PostOutcome Outcome)[chunk.Count];
                        for (var k = 0; k < chunk.Count; k++)
                        {
                            var i = fresh[done + k];
                            outcomesOfChunk[k] = (i, Process(posts[i], changed, chunk, k));
                        }

                        done += chunk.Count;
                        _chunkPool.Enqueue(chunk);
                        processed.Writer.TryWrite(outcomesOfChunk);
                    }
                }
                catch (Exception ex)
                {
                    engineError = ex;
                }
                finally
                {
                    processed.Writer.Complete();
                }

                t = timing?.Add(IngestTiming.Stage.EngineProcess, t) ?? 0;
                if (engineError is null)
                {
                    (newAlarms, newMerges, views) = ChangedViews(alarmsBefore, mergesBefore, changed, repoint);
                    t = timing?.Add(IngestTiming.Stage.EngineViews, t) ?? 0;
                }

                // The helper always finishes before the commands are disposed (also when the engine failed).
                try
                {
                    await helper;
                }
                catch (Exception) when (engineError is not null)
                {
                    // the engine's error is the one to report
                }

                t = timing?.Add(IngestTiming.Stage.EngineWaitInsert, t) ?? 0;
            }

            if (engineError is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(engineError);
            }

            foreach (var i in fresh)
            {
                outcomes[i] = IngestOutcome.Accepted;
                _known.Add(keys[i]);
            }

            foreach (var i in conflicts)
            {
                // Only another writer (a second process on the same database) can get here between the lookup and
                // the insert; the engine has counted the post once more than storage, which a restart corrects.
                IntakeLog.ConcurrentDuplicate(_logger, keys[i].ToString());
                outcomes[i] = IngestOutcome.Duplicate;
            }

            foreach (var view in views!)
            {
                commands.UpsertTopic(view.Topic);
            }

            foreach (var (id, into) in repoint)
            {
                commands.RepointMergedTopic(id, into);
            }

            foreach (var alarm in newAlarms!)
            {
                commands.InsertAlarm(alarm);
            }

            if (_observers.Length > 0 && (views.Count > 0 || newAlarms.Count > 0 || newMerges!.Count > 0))
            {
                var batch = new TopicChangeBatch(views, newAlarms, newMerges!, _engine.Watermark ?? default, IsRebuild: false);
                foreach (var observer in _observers)
                {
                    await observer.OnTopicsChangedAsync(db, batch, ct);
                }
            }
        }

        t = timing?.Add(IngestTiming.Stage.TailWrites, t) ?? 0;
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        timing?.Add(IngestTiming.Stage.Commit, t);
        ReleaseSettled();
        return new IngestResult(outcomes);
    }

    /// <summary>The batch's new alarms and merges and the views of every topic they, the posts or the sweep changed.</summary>
    private (List<TopicAlarm> Alarms, List<TopicMerge> Merges, List<TopicView> Views) ChangedViews(
        int alarmsBefore, int mergesBefore, HashSet<int> changed, List<(int Id, int Into)> repoint)
    {
        var newAlarms = Slice(_engine.Alarms, alarmsBefore);
        var newMerges = Slice(_engine.Merges, mergesBefore);
        CollectChanges(newAlarms, newMerges, changed);
        return (newAlarms, newMerges, BuildViews(changed, repoint));
    }

    private InsertWorker InsertThread()
    {
        lock (_writerLock)
        {
            return _inserter ??= new InsertWorker();
        }
    }

    /// <summary>One batch's inserts on the <see cref="InsertWorker"/>: its connection's commands and what came of them.</summary>
    private sealed class InsertJob(IReadOnlyList<SocialPost> posts, IntakeCommands commands, List<int> conflicts, IngestTiming? timing)
    {
        public IReadOnlyList<SocialPost> Posts { get; } = posts;

        public IntakeCommands Commands { get; } = commands;

        public List<int> Conflicts { get; } = conflicts;

        public IngestTiming? Timing { get; } = timing;

        /// <summary>The first insert failure (the batch's later chunks are skipped; the batch then fails).</summary>
        public Exception? Error { get; set; }

        /// <summary>Set by the worker once it has handled every chunk posted before the end marker.</summary>
        public ManualResetEventSlim Done { get; } = new(false);
    }

    /// <summary>
    /// A dedicated thread for the import's post inserts, fed chunk by chunk through a blocking queue: between chunks it
    /// sleeps in the kernel instead of a thread-pool worker spinning for work (the import hands off a chunk every
    /// few milliseconds). Started on the first prepared batch; a background thread, ended by <see cref="Dispose"/>.
    /// </summary>
    private sealed class InsertWorker : IDisposable
    {
        private readonly BlockingCollection<(InsertJob Job, (int Index, PostOutcome Outcome)[]? Rows)> _queue = new(new ConcurrentQueue<(InsertJob, (int, PostOutcome)[]?)>());

        public InsertWorker()
        {
            new Thread(Run) { IsBackground = true, Name = "hot-topic insert" }.Start();
        }

        /// <summary>Queues a chunk of processed posts, or (<paramref name="rows"/> null) the end of the job's batch.</summary>
        public void Post(InsertJob job, (int Index, PostOutcome Outcome)[]? rows) => _queue.Add((job, rows));

        private void Run()
        {
            while (true)
            {
                var waited = Stopwatch.GetTimestamp();
                if (!_queue.TryTake(out var item, Timeout.Infinite))
                {
                    return; // disposed
                }

                var (job, rows) = item;
                var t = job.Timing?.Add(IngestTiming.Stage.InsertWaitInput, waited) ?? 0;
                if (rows is null)
                {
                    job.Done.Set();
                    continue;
                }

                if (job.Error is null)
                {
                    try
                    {
                        job.Commands.InsertPosts(job.Posts, rows, job.Conflicts);
                    }
                    catch (Exception ex)
                    {
                        job.Error = ex;
                    }
                }

                job.Timing?.Add(IngestTiming.Stage.InsertBusy, t);
            }
        }

        public void Dispose()
        {
            _queue.CompleteAdding();
        }
    }

    private FeatureChunk RentChunk()
    {
        if (!_chunkPool.TryDequeue(out var chunk))
        {
            chunk = new FeatureChunk();
        }

        chunk.Clear();
        return chunk;
    }

    /// <summary>Drops settled topics (saved, resolved, out of the index) from the engine and the extras: bounded memory.</summary>
    private void ReleaseSettled()
    {
        foreach (var id in _engine.ReleaseSettled())
        {
            _extras.Forget(id);
            _mergedChildren.Remove(id.Value);
        }
    }

    /// <summary>Runs one post through the engine and the per-topic extras; records the topics it touched.</summary>
    private PostOutcome Process(SocialPost post, HashSet<int> changed, FeatureChunk? prepared = null, int index = 0)
    {
        var alarmsBefore = _engine.Alarms.Count;
        var outcome = _engine.Process(post, prepared, index);
        var merges = _engine.Merges;
        for (; _mergesSeen < merges.Count; _mergesSeen++)
        {
            var m = merges[_mergesSeen];
            _extras.Merge(m.From, m.Into);
            changed.Add(m.From.Value);
            changed.Add(m.Into.Value);

            // Topics merged earlier into m.From now point at m.Into too: re-save them, so the stored MergedInto is
            // always the survivor, whatever the batch boundaries were.
            if (!_mergedChildren.TryGetValue(m.Into.Value, out var children))
            {
                children = [];
                _mergedChildren[m.Into.Value] = children;
            }

            children.Add(m.From.Value);
            if (_mergedChildren.Remove(m.From.Value, out var grandChildren))
            {
                children.AddRange(grandChildren);
                foreach (var child in grandChildren)
                {
                    changed.Add(child);
                }
            }
        }

        if (outcome.TopicId is { } topic)
        {
            var canonical = _engine.Canonical(topic);
            _extras.Record(canonical, post);
            changed.Add(canonical.Value);
        }

        var alarms = _engine.Alarms;
        for (var a = alarmsBefore; a < alarms.Count; a++)
        {
            if (alarms[a].TopicId is { } alarmTopic)
            {
                _extras.RecordAlarm(alarmTopic, alarms[a]);
                changed.Add(alarmTopic.Value);
            }
        }

        if (_engine.Watermark is { } watermark)
        {
            _extras.Evict(watermark);
        }

        return outcome;
    }

    private void CollectChanges(IReadOnlyList<TopicAlarm> newAlarms, IReadOnlyList<TopicMerge> newMerges, HashSet<int> changed)
    {
        foreach (var a in newAlarms)
        {
            if (a.TopicId is { } t)
            {
                changed.Add(t.Value);
            }
        }

        foreach (var m in newMerges)
        {
            changed.Add(m.From.Value);
            changed.Add(m.Into.Value);
        }

        var swept = new List<TopicId>();
        _engine.DrainSweptTopics(swept);
        foreach (var t in swept)
        {
            changed.Add(t.Value);
        }
    }

    /// <summary>
    /// The views of <paramref name="topicIds"/>, by id. A topic merged into another is released once its merge is saved
    /// (its row is final but for where it points); when a later merge moves its survivor, the new survivor goes to
    /// <paramref name="repoint"/> instead of a view.
    /// </summary>
    private List<TopicView> BuildViews(IEnumerable<int> topicIds, List<(int Id, int Into)>? repoint = null)
    {
        var watermark = _engine.Watermark ?? default;
        var views = new List<TopicView>();
        foreach (var id in topicIds.Order())
        {
            var topicId = new TopicId(id);
            if (_engine.GetTopic(topicId) is not { } snapshot)
            {
                if (repoint is not null && _engine.Canonical(topicId) is var into && into != topicId)
                {
                    repoint.Add((id, into.Value));
                }

                continue;
            }

            views.Add(new TopicView(snapshot, _extras.HourlyCounts(topicId, watermark), _extras.SamplePosts(topicId), _extras.Alarms(topicId)));
        }

        return views;
    }

    private async Task RebuildAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        _engine = NewEngine();
        _extras = new TopicExtras();
        _known = new KnownKeyFilter();
        _mergedChildren = [];
        _mergesSeen = 0;
        var changed = new HashSet<int>();
        await using (var db = await _dbFactory.CreateDbContextAsync(ct))
        {
            await db.Database.OpenConnectionAsync(ct);
            await using var command = db.Database.GetDbConnection().CreateCommand();
            command.CommandText =
                """SELECT "Source", "PostId", "Text", "AuthorHandle", "AuthorName", "CreatedAtMs", "Reach", "Url" FROM "HotTopicPosts" ORDER BY "Seq" """;
            await using var reader = await command.ExecuteReaderAsync(ct);
            var n = 0;
            while (await reader.ReadAsync(ct))
            {
                var post = ReadPost(reader);
                _known.Add(post.Key);
                Process(post, changed);
                changed.Clear(); // the final state is published below, not each step
                if (++n % RebuildReleaseEvery == 0)
                {
                    // Stored topics are final already: the rebuild releases settled ones as it goes (bounded memory).
                    _engine.DrainSweptTopics(new List<TopicId>());
                    ReleaseSettled();
                }
            }
        }

        // Topics whose state the sweep changed are covered by the final snapshot too.
        _engine.DrainSweptTopics(new List<TopicId>());

        // Re-save the live topics (they match what was stored, unless a batch failed mid-way) and tell observers, so
        // they can resynchronise their own state; IsRebuild tells them not to send anything.
        var live = _engine.Topics().Where(t => t.State != TopicState.Resolved).Select(t => t.Id.Value).ToList();
        if (live.Count > 0)
        {
            await using var db = await _dbFactory.CreateDbContextAsync(ct);
            await db.Database.OpenConnectionAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var views = BuildViews(live);
            using (var commands = new IntakeCommands(db.Database.GetDbConnection(), transaction.GetDbTransaction()))
            {
                foreach (var view in views)
                {
                    commands.UpsertTopic(view.Topic);
                }
            }

            var batch = new TopicChangeBatch(views, [], [], _engine.Watermark ?? default, IsRebuild: true);
            foreach (var observer in _observers)
            {
                await observer.OnTopicsChangedAsync(db, batch, ct);
            }

            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
        }

        _ready = true;
        IntakeLog.Rebuilt(_logger, _engine.PostsProcessed, watch.ElapsedMilliseconds, live.Count, _engine.Watermark);
    }

    private static SocialPost ReadPost(DbDataReader reader)
    {
        var handle = reader.IsDBNull(3) ? null : reader.GetString(3);
        var name = reader.IsDBNull(4) ? null : reader.GetString(4);
        var reach = reader.GetInt64(6);
        return new SocialPost(
            reader.GetString(1),
            reader.GetString(0),
            reader.GetString(2),
            DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(5)),
            handle is null && name is null ? null : new PostAuthor(handle, name, null, null),
            reader.IsDBNull(7) ? null : reader.GetString(7),
            Metrics: reach > 0 ? new PostMetrics(null, null, null, reach) : null);
    }

    private HotTopicEngine NewEngine() => new(new ProductRouter(_catalog), _options);

    private static List<T> Slice<T>(IReadOnlyList<T> list, int from)
    {
        var result = new List<T>(Math.Max(0, list.Count - from));
        for (var i = from; i < list.Count; i++)
        {
            result.Add(list[i]);
        }

        return result;
    }

    public void Dispose()
    {
        _requests.Writer.TryComplete();
        lock (_writerLock)
        {
            _inserter?.Dispose();
        }

        _gate.Dispose();
    }
}

/// <summary>A batch of posts with its text work done ahead (<see cref="HotTopicPipeline.Prepare"/>); ingest it once.</summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(IReadOnlyList<SocialPost> posts, List<FeatureChunk> chunks)
    {
        Posts = posts;
        Chunks = chunks;
    }

    public IReadOnlyList<SocialPost> Posts { get; }

    internal List<FeatureChunk> Chunks { get; }
}
