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
    private readonly IntakeDatabase _database;
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

    // The extras (hourly counts, sample posts, alarm history) only feed the observers' views: without observers (an
    // import from the command line) there are none (null).
    private TopicExtras? _extras;
    private KnownKeyFilter _known = new();
    private readonly Channel<GroupRequest> _requests = Channel.CreateUnbounded<GroupRequest>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Lock _writerLock = new();
    private Task? _writer;
    private WriterThread? _writerThread;
    private Task<IngestResult>? _lastWrite;
    private Exception? _writerFault;
    private readonly List<(Task<IngestResult> Commit, HashSet<PostKey> Keys)> _pendingKeys = [];

    /// <summary>The topics an overlapped batch changed (engine thread, under the gate; read out before the batch ends).</summary>
    private readonly HashSet<int> _changedScratch = [];
    private IntakeSession? _readSession;
    private IntakeCommands? _readCommands;
    private Dictionary<int, List<int>> _mergedChildren = [];
    private bool _ready;
    private int _mergesSeen;

    public HotTopicPipeline(
        IntakeDatabase database,
        ProductCatalog catalog,
        IEnumerable<ITopicChangeObserver> observers,
        ILogger<HotTopicPipeline> logger,
        HotTopicOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(observers);
        ArgumentNullException.ThrowIfNull(logger);
        _database = database;
        _catalog = catalog;
        _observers = [.. observers];
        _extras = NewExtras();
        _logger = logger;
        _options = options ?? new HotTopicOptions();
        _rulesRouter = new ProductRouter(catalog);
        _engine = NewEngine();
    }

    /// <summary>The newest event time seen (null before the first post).</summary>
    public DateTimeOffset? Watermark => _engine.Watermark;

    /// <summary>Posts the engine has processed since it was (re)built, stored ones included.</summary>
    public long PostsProcessed => _engine.PostsProcessed;

    /// <summary>Topics whose per-topic extras (hourly counts, sample posts, alarms) are held in memory: none without observers.</summary>
    internal int TrackedTopics => _extras?.Count ?? 0;

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
    public string DescribeMemory() => $"{_engine.DescribeMemory()}, extras {TrackedTopics:N0}, merged-children lists {_mergedChildren.Count:N0}, known keys {_known.Count:N0} ({_known.Bytes / 1024:N0} KiB)";

    /// <summary>Rebuilds the engine from storage (once; later calls return at once).</summary>
    public async Task StartAsync(CancellationToken ct = default)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await EnsureReadyAsync(drain: true, ct);
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
        return IngestCoreAsync(posts, ct);
    }

    /// <summary>
    /// <see cref="IngestAsync(IReadOnlyList{SocialPost}, CancellationToken)"/> for a batch whose text work was done ahead
    /// by <see cref="Prepare"/> (on another thread, while earlier batches were ingested): the same outcomes, topics and
    /// alarms, with only the order-dependent engine part and the database work left for this call.
    /// </summary>
    public async Task<IngestResult> IngestAsync(PreparedBatch batch, CancellationToken ct = default)
    {
        var committed = await IngestOverlappedAsync(batch, recover: true, ct);
        return await committed;
    }

    /// <summary>
    /// Bulk import: runs the engine over a prepared batch and returns as soon as the engine is done with it, with a task
    /// that completes once the batch has committed. The posts' inserts, the topic upserts, alarm inserts, observers and
    /// the commit run on the pipeline's writer thread (in batch order, one transaction per batch), so the engine can
    /// start the next batch while this one is written. Keys of batches not yet committed still count as duplicates
    /// (the engine keeps their keys until it has seen their commit; other lookups use its own read connection). If a
    /// batch fails to write, it and every batch queued after it fail (their tasks throw; nothing of them is stored),
    /// and every later call of this method throws <see cref="InvalidOperationException"/> (naming the failure) without
    /// touching anything, so a caller counting committed batches counts exactly what is stored; the next call of another
    /// ingest method (or <see cref="StartAsync"/>) waits for the writer and rebuilds the engine from storage.
    /// </summary>
    public Task<Task<IngestResult>> IngestOverlappedAsync(PreparedBatch batch, CancellationToken ct = default) =>
        IngestOverlappedAsync(batch, recover: false, ct);

    private async Task<Task<IngestResult>> IngestOverlappedAsync(PreparedBatch batch, bool recover, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.Chunks.Count != (batch.Posts.Count + InsertChunk - 1) / InsertChunk)
        {
            throw new InvalidOperationException("this prepared batch was already ingested");
        }

        await _gate.WaitAsync(ct);
        try
        {
            await EnsureReadyAsync(drain: recover, ct);
            try
            {
                return EngineOverlapped(batch);
            }
            catch (Exception ex)
            {
                IntakeLog.BatchFailed(_logger, batch.Posts.Count, ex);
                _ready = false;
                throw;
            }
            finally
            {
                foreach (var chunk in batch.Chunks)
                {
                    _chunkPool.Enqueue(chunk);
                }

                batch.Chunks.Clear();
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Under the gate. With <paramref name="drain"/> (or when the engine must be rebuilt): waits until the writer has
    /// committed (or failed) every queued batch, and rebuilds the engine from storage when a batch failed or it was never
    /// built. Without it (the next overlapped batch), a failed write throws instead.
    /// </summary>
    private async Task EnsureReadyAsync(bool drain, CancellationToken ct)
    {
        if (!drain && Volatile.Read(ref _writerFault) is { } fault)
        {
            throw new InvalidOperationException($"an earlier batch failed to write (it and the batches after it are not stored): {fault.Message}", fault);
        }

        if (!drain && _ready)
        {
            return;
        }

        if (_lastWrite is { } last)
        {
            try
            {
                await last;
            }
            catch (Exception)
            {
                // its caller got the exception; the fault below makes the engine rebuild
            }

            _lastWrite = null;
        }

        _pendingKeys.Clear(); // every queued batch committed or failed
        if (Interlocked.Exchange(ref _writerFault, null) is not null)
        {
            _ready = false;
        }

        if (!_ready)
        {
            await RebuildAsync(ct);
        }
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
        var keys = BatchKeys.Of(posts, nameof(posts)); // also rejects a null post
        for (var start = 0; start < posts.Count; start += InsertChunk)
        {
            var chunk = RentChunk();
            for (var i = start; i < Math.Min(posts.Count, start + InsertChunk); i++)
            {
                chunk.Add(posts[i].Text, tokens, vector, _rulesRouter);
            }

            chunks.Add(chunk);
        }

        return new PreparedBatch(posts, chunks, keys);
    }

    private async Task<IngestResult> IngestCoreAsync(IReadOnlyList<SocialPost> posts, CancellationToken ct)
    {
        await _gate.WaitAsync(ct);
        try
        {
            await EnsureReadyAsync(drain: true, ct);

            try
            {
                return await IngestLockedCoreAsync(posts);
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

    private async Task<IngestResult> IngestLockedCoreAsync(IReadOnlyList<SocialPost> posts)
    {
        var ct = CancellationToken.None;
        var timing = Timing;
        var t = timing is null ? 0 : Stopwatch.GetTimestamp();
        var outcomes = new IngestOutcome[posts.Count];
        await using var db = await _database.Contexts.CreateDbContextAsync(ct);
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
            var batchKeys = BatchKeys.Of(posts, nameof(posts));
            var keys = batchKeys.Keys;
            var hashes = batchKeys.Hashes;

            // Only keys the filter cannot rule out are looked up (none, for a file of new posts).
            var maybe = MaybeStored(batchKeys);
            var stored = maybe.Count > 0 ? commands.FindStored(maybe) : [];
            var fresh = batchKeys.MarkDuplicates(stored, outcomes);

            // 2. Three stages over the fresh posts, in chunks (one hand-off per chunk, not per post): a helper thread
            //    normalises and featurises them (pure functions of the text) ahead of the engine, then inserts the posts
            //    the engine has processed (only it uses the connection meanwhile; the insert's ON CONFLICT has the last
            //    word); the engine runs its order-dependent part on this thread. (The import's prepared batches take
            //    EngineOverlapped instead.)
            t = timing?.Add(IngestTiming.Stage.EngineBatchHead, t) ?? 0;
            var chunkSize = Math.Clamp(fresh.Count / 16, 1, InsertChunk);
            var conflicts = new List<int>();
            Exception? engineError = null;
            List<TopicAlarm>? newAlarms = null;
            List<TopicMerge>? newMerges = null;
            List<TopicView>? views = null;
            var repoint = new List<(int Id, int Into)>();
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

                t = timing?.Add(IngestTiming.Stage.EngineWaitWriter, t) ?? 0;
            }

            if (engineError is not null)
            {
                System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(engineError);
            }

            foreach (var i in fresh)
            {
                outcomes[i] = IngestOutcome.Accepted;
                _known.Add(hashes[i]);
            }

            foreach (var i in conflicts)
            {
                // Only another writer (a second process on the same database) can get here between the lookup and
                // the insert; the engine has counted the post once more than storage, which a restart corrects.
                IntakeLog.ConcurrentDuplicate(_logger, keys[i].ToString());
                outcomes[i] = IngestOutcome.Duplicate;
            }

            WriteTopicChanges(commands, views!, repoint, newAlarms!);

            if (_observers.Length > 0 && (views!.Count > 0 || newAlarms!.Count > 0 || newMerges!.Count > 0))
            {
                var batch = new TopicChangeBatch(views, newAlarms!, newMerges!, _engine.Watermark ?? default, IsRebuild: false);
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

    /// <summary>
    /// The engine's part of an overlapped batch (engine thread, under the gate): duplicates, the engine over the fresh
    /// posts, the views of what changed; the writer thread gets the batch's steps in order (begin, rows,
    /// commit) and completes the returned task once it committed.
    /// </summary>
    private Task<IngestResult> EngineOverlapped(PreparedBatch prepared)
    {
        var posts = prepared.Posts;
        var timing = Timing;
        var t = timing is null ? 0 : Stopwatch.GetTimestamp();
        var outcomes = new IngestOutcome[posts.Count];
        var job = new WriteJob(posts, outcomes, RelaxedCommits, timing);
        var writer = Writer();
        writer.Post(job, WriteStep.Begin);
        try
        {
            // 1. Duplicates: keys stored or in a batch not committed yet, and repeats inside the batch. The filter holds
            //    the keys of every batch the engine processed; those it cannot rule out are checked against the keys of
            //    the batches whose commit this thread has not seen yet, then looked up on a read connection of its own
            //    (it sees every commit; a batch is dropped from the pending list only once its commit was seen).
            //    The batch's keys, their filter hashes and its repeats were found by Prepare (the reader thread): they
            //    depend on the batch alone, not on what the engine has seen.
            var batchKeys = prepared.Keys;
            var keys = batchKeys.Keys;
            var hashes = batchKeys.Hashes;
            var maybe = MaybeStored(batchKeys);

            _pendingKeys.RemoveAll(p => p.Commit.IsCompleted);
            HashSet<PostKey> stored = [];
            if (maybe.Count > 0)
            {
                var ask = new List<PostKey>(maybe.Count);
                foreach (var key in maybe)
                {
                    if (_pendingKeys.Exists(p => p.Keys.Contains(key)))
                    {
                        stored.Add(key);
                    }
                    else
                    {
                        ask.Add(key);
                    }
                }

                if (ask.Count > 0)
                {
                    stored.UnionWith(ReadCommands().FindStored(ask));
                }
            }

            var fresh = batchKeys.MarkDuplicates(stored, outcomes);
            t = timing?.Add(IngestTiming.Stage.EngineBatchHead, t) ?? 0;

            // 2. The engine over the fresh posts (features prepared ahead, one chunk per InsertChunk posts of the batch);
            //    every chunk of processed posts goes to the writer at once.
            var alarmsBefore = _engine.Alarms.Count;
            var mergesBefore = _engine.Merges.Count;
            var changed = _changedScratch;
            changed.Clear(); // keeps its capacity: no regrowth per batch
            var chunkSize = Math.Clamp(fresh.Count / 16, 1, InsertChunk);
            for (var start = 0; start < fresh.Count; start += chunkSize)
            {
                var rows = new (int Index, PostOutcome Outcome)[Math.Min(chunkSize, fresh.Count - start)];
                for (var k = 0; k < rows.Length; k++)
                {
                    var i = fresh[start + k];
                    rows[k] = (i, Process(posts[i], changed, prepared.Chunks[i / InsertChunk], i % InsertChunk));
                }

                writer.Post(job, WriteStep.Rows, rows);
            }

            t = timing?.Add(IngestTiming.Stage.EngineProcess, t) ?? 0;

            // 3. What changed, as the writer will store it (views are snapshots: the engine moves on meanwhile).
            (job.Alarms, job.Merges, job.Views) = ChangedViews(alarmsBefore, mergesBefore, changed, job.Repoint);
            job.Watermark = _engine.Watermark ?? default;
            foreach (var i in fresh)
            {
                outcomes[i] = IngestOutcome.Accepted; // the writer turns insert conflicts into duplicates
                _known.Add(hashes[i]);
            }

            // The fresh posts' keys: with nothing stored, the batch's distinct keys (each one's first post is fresh).
            HashSet<PostKey> pending;
            if (stored.Count == 0)
            {
                pending = batchKeys.Distinct;
            }
            else
            {
                pending = new HashSet<PostKey>(fresh.Count);
                foreach (var i in fresh)
                {
                    pending.Add(keys[i]);
                }
            }

            _pendingKeys.Add((job.Completion.Task, pending));

            ReleaseSettled();
            timing?.Add(IngestTiming.Stage.EngineViews, t);
        }
        catch (Exception ex)
        {
            job.Error ??= ex;
            writer.Post(job, WriteStep.Abort);
            throw;
        }

        writer.Post(job, WriteStep.Commit);
        _lastWrite = job.Completion.Task;
        return job.Completion.Task;
    }

    /// <summary>The engine thread's own connection for duplicate lookups of overlapped batches (no transaction).</summary>
    private IntakeCommands ReadCommands()
    {
        if (_readCommands is null)
        {
            _readSession = _database.Open(withContext: false);
            _readCommands = new IntakeCommands(_readSession.Connection, null);
        }

        return _readCommands;
    }

    private WriterThread Writer()
    {
        lock (_writerLock)
        {
            return _writerThread ??= new WriterThread(this);
        }
    }

    private enum WriteStep
    {
        Begin,
        Rows,
        Commit,
        Abort,
    }

    /// <summary>One overlapped batch on the writer: its transaction, what the engine handed over, and its outcome.</summary>
    private sealed class WriteJob(IReadOnlyList<SocialPost> posts, IngestOutcome[] outcomes, bool relaxed, IngestTiming? timing)
    {
        public IReadOnlyList<SocialPost> Posts { get; } = posts;

        public IngestOutcome[] Outcomes { get; } = outcomes;

        public bool Relaxed { get; } = relaxed;

        public IngestTiming? Timing { get; } = timing;

        public List<int> Conflicts { get; } = [];

        public IntakeSession? Session { get; set; }

        public IntakeCommands? Commands { get; set; }

        public List<TopicAlarm> Alarms { get; set; } = [];

        public List<TopicMerge> Merges { get; set; } = [];

        public List<TopicView> Views { get; set; } = [];

        public List<(int Id, int Into)> Repoint { get; } = [];

        public DateTimeOffset Watermark { get; set; }

        /// <summary>The first failure of this batch (its own, the engine's, or an earlier batch's).</summary>
        public Exception? Error { get; set; }

        public TaskCompletionSource<IngestResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>
    /// The import's writer: a dedicated thread that owns the overlapped batches' transactions, fed step by step through a
    /// blocking queue (between steps it sleeps in the kernel; no thread-pool worker spins for work). Batches are written
    /// strictly in order; after a failure every later batch fails too (the engine has seen them, storage must not) until
    /// the pipeline has rebuilt. A background thread, started on the first prepared batch, ended by Dispose.
    /// </summary>
    private sealed class WriterThread : IDisposable
    {
        /// <summary>How long the writer keeps its connection and prepared statements open without work.</summary>
        private static readonly TimeSpan IdleClose = TimeSpan.FromSeconds(5);

        private readonly HandOffQueue<(WriteJob Job, WriteStep Step, (int Index, PostOutcome Outcome)[]? Rows)> _queue = new();

        private readonly HotTopicPipeline _pipeline;
        private readonly Thread _thread;

        // The writer's session: one context, connection and set of prepared statements for every batch until it is idle
        // for IdleClose, the pipeline is disposed, or a batch fails (then the next batch opens a new one). Each batch is
        // still its own transaction on it.
        private IntakeSession? _db;
        private IntakeCommands? _commands;
        private bool _relaxed;
        private string? _synchronousBefore;

        public WriterThread(HotTopicPipeline pipeline)
        {
            _pipeline = pipeline;
            _thread = new Thread(Run) { IsBackground = true, Name = "hot-topic writer" };
            _thread.Start();
        }

        public void Post(WriteJob job, WriteStep step, (int Index, PostOutcome Outcome)[]? rows = null)
        {
            ObjectDisposedException.ThrowIf(!_queue.Add((job, step, rows)), this);
        }

        private void Run()
        {
            try
            {
                RunSteps();
            }
            finally
            {
                CloseSession();
            }
        }

        private void RunSteps()
        {
            while (true)
            {
                var waited = Stopwatch.GetTimestamp();
                var taken = _db is not null ? _queue.TryTake(out var item, IdleClose) : _queue.TryTake(out item);
                if (!taken)
                {
                    if (_db is null || _queue.IsCompleted)
                    {
                        return; // disposed
                    }

                    CloseSession(); // idle: the connection goes back to the pool
                    continue;
                }

                var (job, step, rows) = item;
                var t = job.Timing?.Add(IngestTiming.Stage.WriterWaitInput, waited) ?? 0;
                if (job.Error is null && Volatile.Read(ref _pipeline._writerFault) is { } fault)
                {
                    job.Error = new InvalidOperationException("not written: an earlier batch failed to write", fault);
                }

                try
                {
                    if (job.Error is null)
                    {
                        Do(job, step, rows, t);
                    }
                }
                catch (Exception ex)
                {
                    job.Error = ex;
                    Interlocked.CompareExchange(ref _pipeline._writerFault, ex, null);
                    IntakeLog.BatchFailed(_pipeline._logger, job.Posts.Count, ex);
                }

                if (step is WriteStep.Commit or WriteStep.Abort && job.Error is { } error)
                {
                    try
                    {
                        Close(job); // rolls the transaction back
                    }
                    catch (Exception closeError)
                    {
                        IntakeLog.BatchFailed(_pipeline._logger, job.Posts.Count, closeError);
                    }

                    job.Completion.TrySetException(error);
                }
            }
        }

        private void Do(WriteJob job, WriteStep step, (int Index, PostOutcome Outcome)[]? rows, long t)
        {
            var timing = job.Timing;
            switch (step)
            {
                case WriteStep.Begin:
                    var db = OpenSession(job.Relaxed);
                    job.Session = db;
                    var transaction = db.Begin();
                    job.Commands = _commands;
                    _commands!.UseTransaction(transaction);
                    timing?.Add(IngestTiming.Stage.WriterBegin, t);
                    break;
                case WriteStep.Rows:
                    job.Commands!.InsertPosts(job.Posts, rows, job.Conflicts);
                    timing?.Add(IngestTiming.Stage.WriterInsert, t);
                    break;
                case WriteStep.Commit:
                    WriteTopicChanges(job.Commands!, job.Views, job.Repoint, job.Alarms);

                    var observers = _pipeline._observers;
                    if (observers.Length > 0)
                    {
                        var batch = job.Views.Count > 0 || job.Alarms.Count > 0 || job.Merges.Count > 0
                            ? new TopicChangeBatch(job.Views, job.Alarms, job.Merges, job.Watermark, IsRebuild: false)
                            : null;

                        // This dedicated thread has no synchronisation context: waiting here blocks only the writer.
                        job.Session!.NotifyAndSaveAsync(observers, batch, CancellationToken.None).GetAwaiter().GetResult();
                    }

                    t = timing?.Add(IngestTiming.Stage.TailWrites, t) ?? 0;
                    job.Session!.Commit();
                    timing?.Add(IngestTiming.Stage.Commit, t);
                    foreach (var i in job.Conflicts)
                    {
                        // Only another writer (a second process on the same database) can get here between the lookup
                        // and the insert; the engine has counted the post once more than storage, which a restart corrects.
                        IntakeLog.ConcurrentDuplicate(_pipeline._logger, job.Posts[i].Key.ToString());
                        job.Outcomes[i] = IngestOutcome.Duplicate;
                    }

                    EndBatch(job);
                    job.Completion.TrySetResult(new IngestResult(job.Outcomes));
                    break;
                case WriteStep.Abort:
                    break;
            }
        }

        /// <summary>The session with its connection open (opened on first use, PRAGMAs set once).</summary>
        private IntakeSession OpenSession(bool relaxed)
        {
            if (_db is not null && _relaxed != relaxed)
            {
                CloseSession();
            }

            if (_db is null)
            {
                var db = _pipeline._database.Open(withContext: _pipeline._observers.Length > 0);
                try
                {
                    var connection = db.Connection;
                    if (relaxed && db.IsSqlite)
                    {
                        // Per connection; the previous value is restored before the connection goes back to the pool.
                        using var command = connection.CreateCommand();
                        command.CommandText = "PRAGMA synchronous;";
                        _synchronousBefore = Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
                        command.CommandText = "PRAGMA synchronous = NORMAL;";
                        command.ExecuteNonQuery();
                    }

                    _commands = new IntakeCommands(connection, null);
                    _relaxed = relaxed;
                    _db = db;
                }
                catch
                {
                    db.Dispose();
                    _synchronousBefore = null;
                    throw;
                }
            }

            return _db;
        }

        /// <summary>After a commit: the transaction ends, the session stays open for the next batch, nothing stays tracked.</summary>
        private void EndBatch(WriteJob job)
        {
            try
            {
                job.Session?.EndTransaction();
                _commands?.UseTransaction(null);
            }
            finally
            {
                job.Commands = null;
                job.Session = null;
            }
        }

        /// <summary>Ends the job's transaction (rolled back unless committed) and the session with it.</summary>
        private void Close(WriteJob job)
        {
            try
            {
                job.Session?.EndTransaction();
            }
            finally
            {
                job.Commands = null;
                job.Session = null;
                CloseSession();
            }
        }

        private void CloseSession()
        {
            var db = _db;
            var commands = _commands;
            var synchronousBefore = _synchronousBefore;
            _db = null;
            _commands = null;
            _synchronousBefore = null;
            try
            {
                commands?.Dispose();
                if (db is not null && synchronousBefore is not null && db.Transaction is null
                    && int.TryParse(synchronousBefore, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var level))
                {
                    using var command = db.Connection.CreateCommand();
                    command.CommandText = string.Create(System.Globalization.CultureInfo.InvariantCulture, $"PRAGMA synchronous = {level};");
                    command.ExecuteNonQuery();
                }
            }
            catch (Exception ex) when (ex is DbException or InvalidOperationException)
            {
                IntakeLog.BatchFailed(_pipeline._logger, 0, ex);
            }
            finally
            {
                db?.Dispose();
            }
        }

        /// <summary>Stops the thread once the queued steps are done, and waits for it (its connection is closed then).</summary>
        public void Dispose()
        {
            _queue.Complete();
            if (Thread.CurrentThread != _thread)
            {
                _thread.Join();
            }
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

    /// <summary>The keys the known-key filter cannot rule out (none, for a file of new posts).</summary>
    private List<PostKey> MaybeStored(BatchKeys batch)
    {
        var maybe = new List<PostKey>();
        var keys = batch.Keys;
        var hashes = batch.Hashes;
        for (var i = 0; i < keys.Length; i++)
        {
            if (_known.MightContain(hashes[i]))
            {
                maybe.Add(keys[i]);
            }
        }

        return maybe;
    }

    /// <summary>A batch's topic rows: the changed topics upserted, merged topics' posts re-pointed, the new alarms.</summary>
    private static void WriteTopicChanges(IntakeCommands commands, List<TopicView> views, List<(int Id, int Into)> repoint, List<TopicAlarm> alarms)
    {
        foreach (var view in views)
        {
            commands.UpsertTopic(view.Topic);
        }

        foreach (var (id, into) in repoint)
        {
            commands.RepointMergedTopic(id, into);
        }

        foreach (var alarm in alarms)
        {
            commands.InsertAlarm(alarm);
        }
    }

    /// <summary>Drops settled topics (saved, resolved, out of the index) from the engine and the extras: bounded memory.</summary>
    private void ReleaseSettled()
    {
        foreach (var id in _engine.ReleaseSettled())
        {
            _extras?.Forget(id);
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
            _extras?.Merge(m.From, m.Into);
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
            _extras?.Record(canonical, post);
            changed.Add(canonical.Value);
        }

        var alarms = _engine.Alarms;
        for (var a = alarmsBefore; a < alarms.Count; a++)
        {
            if (alarms[a].TopicId is { } alarmTopic)
            {
                _extras?.RecordAlarm(alarmTopic, alarms[a]);
                changed.Add(alarmTopic.Value);
            }
        }

        if (_extras is not null && _engine.Watermark is { } watermark)
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

            // Without observers only the snapshot is stored (the topic upsert): there are no card extras.
            views.Add(_extras is null
                ? new TopicView(snapshot, [], [], [])
                : new TopicView(snapshot, _extras.HourlyCounts(topicId, watermark), _extras.SamplePosts(topicId), _extras.Alarms(topicId)));
        }

        return views;
    }

    /// <summary>Fresh card extras, or null without observers (nothing would show them).</summary>
    private TopicExtras? NewExtras() => _observers.Length > 0 ? new TopicExtras() : null;

    private async Task RebuildAsync(CancellationToken ct)
    {
        var watch = Stopwatch.StartNew();
        _engine = NewEngine();
        _extras = NewExtras();
        _known = new KnownKeyFilter();
        _mergedChildren = [];
        _mergesSeen = 0;
        var changed = new HashSet<int>();
        await using (var db = await _database.OpenAsync(withContext: false, ct))
        {
            await using var command = db.Connection.CreateCommand();
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
            await using var db = await _database.OpenAsync(withContext: _observers.Length > 0, ct);
            var transaction = await db.BeginAsync(ct);
            var views = BuildViews(live);
            using (var commands = new IntakeCommands(db.Connection, transaction))
            {
                foreach (var view in views)
                {
                    commands.UpsertTopic(view.Topic);
                }
            }

            var batch = new TopicChangeBatch(views, [], [], _engine.Watermark ?? default, IsRebuild: true);
            await db.NotifyAndSaveAsync(_observers, batch, ct);
            await db.CommitAsync(ct);
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
            _writerThread?.Dispose();
            _readCommands?.Dispose();
            _readSession?.Dispose();
        }

        _gate.Dispose();
    }
}

/// <summary>A batch of posts with its text work done ahead (<see cref="HotTopicPipeline.Prepare"/>); ingest it once.</summary>
public sealed class PreparedBatch
{
    internal PreparedBatch(IReadOnlyList<SocialPost> posts, List<FeatureChunk> chunks, BatchKeys keys)
    {
        Posts = posts;
        Chunks = chunks;
        Keys = keys;
    }

    public IReadOnlyList<SocialPost> Posts { get; }

    internal List<FeatureChunk> Chunks { get; }

    /// <summary>The posts' keys, filter hashes and repeats inside the batch.</summary>
    internal BatchKeys Keys { get; }
}

/// <summary>
/// What a batch's duplicate check needs from the batch alone, found ahead by <see cref="HotTopicPipeline.Prepare"/> (the
/// import's reader thread) so the engine thread only asks its own state: each post's key and
/// <see cref="KnownKeyFilter.HashOf"/>, which posts repeat a key earlier in the batch, and the batch's distinct keys.
/// Built on one thread, then only read (the hand-off to the engine thread publishes it).
/// </summary>
internal sealed class BatchKeys
{
    private bool[]? _repeats;

    /// <summary>The keys of <paramref name="posts"/> (on the calling thread).</summary>
    public static BatchKeys Of(IReadOnlyList<SocialPost> posts, string paramName)
    {
        var keys = new BatchKeys(posts.Count);
        for (var i = 0; i < posts.Count; i++)
        {
            keys.Add(i, (posts[i] ?? throw new ArgumentException($"posts[{i}] is null", paramName)).Key);
        }

        return keys;
    }

    public BatchKeys(int count)
    {
        Keys = new PostKey[count];
        Hashes = new KnownKeyFilter.KeyHash[count];
        Distinct = new HashSet<PostKey>(count);
    }

    public PostKey[] Keys { get; }

    public KnownKeyFilter.KeyHash[] Hashes { get; }

    /// <summary>Every key of the batch once.</summary>
    public HashSet<PostKey> Distinct { get; }

    /// <summary>Records post <paramref name="index"/> (called in index order).</summary>
    public void Add(int index, PostKey key)
    {
        Keys[index] = key;
        Hashes[index] = KnownKeyFilter.HashOf(key);
        if (!Distinct.Add(key))
        {
            (_repeats ??= new bool[Keys.Length])[index] = true;
        }
    }

    /// <summary>True when an earlier post of the batch has the key of post <paramref name="index"/>.</summary>
    public bool IsRepeat(int index) => _repeats is { } repeats && repeats[index];

    /// <summary>
    /// Marks the posts whose key is in <paramref name="stored"/> (stored, or in a batch not committed yet) and repeats
    /// inside the batch as duplicates; the indexes of the others, in order. A key's first post is fresh unless the key is
    /// stored (then all its posts are duplicates), exactly as one pass with a set of the keys seen so far decides.
    /// </summary>
    public List<int> MarkDuplicates(HashSet<PostKey> stored, IngestOutcome[] outcomes)
    {
        var fresh = new List<int>(Keys.Length);
        var checkStored = stored.Count > 0;
        for (var i = 0; i < Keys.Length; i++)
        {
            if (IsRepeat(i) || (checkStored && stored.Contains(Keys[i])))
            {
                outcomes[i] = IngestOutcome.Duplicate;
            }
            else
            {
                fresh.Add(i);
            }
        }

        return fresh;
    }
}
