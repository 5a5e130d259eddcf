using System.CommandLine;
using System.Globalization;
using System.Diagnostics;
using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Infrastructure;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// <c>import &lt;file&gt; [--dry-run]</c>: reads a .jsonl/.json/.csv post file into the configured database through the
/// ingest pipeline (parsing on a second thread), with a progress bar on standard error and the counts at the end.
/// Exit 0 when every item was imported or was a duplicate, 2 when items were rejected (the others are imported) or the
/// file cannot be read, 1 on a storage failure.
/// </summary>
public static class ImportCommand
{
    public const int MaxListedErrors = 20;

    /// <summary>How much the reader thread's nice value is raised (<see cref="ThreadNice"/>): a third of the CPU share.</summary>
    internal const int ReaderNiceSteps = 5;

    public static Command Create(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var file = new Argument<string>("file") { Description = "Posts: .jsonl/.ndjson or .json (one object or an array) or .csv (header row)." };
        var dryRun = new Option<bool>("--dry-run") { Description = "Parse, validate and look for duplicates (in the file and the database) without writing anything." };
        var memoryLog = new Option<string?>("--memory-log") { Description = "Diagnostics: write the process's memory (kernel and GC view) every 0.5 s and the pipeline's state every 100,000 posts to this TSV file." };
        var timing = new Option<bool>("--timing") { Description = "Diagnostics: at the end, print to standard error per pipeline stage (reader, engine, insert, batch tail, commit) the time it was busy and the time it waited for its input or its consumer, and the wall, CPU and JIT time of each set-up phase (services, options, products file, migration, pipeline ready, first batch, end)." };
        var command = new Command("import", "Import a post file into the configured database through the hot-topic pipeline (same rules as POST /api/posts).")
        {
            file,
            dryRun,
            memoryLog,
            timing,
        };
        command.SetAction((parseResult, ct) => RunAsync(host, parseResult, parseResult.GetRequiredValue(file), parseResult.GetValue(dryRun), parseResult.GetValue(memoryLog), parseResult.GetValue(timing), ct));
        return command;
    }

    private static async Task<int> RunAsync(CliHost host, ParseResult parseResult, string path, bool dryRun, string? memoryLogPath, bool timingWanted, CancellationToken ct)
    {
        var phases = timingWanted ? ImportPhases.Begin() : null;
        var exitCode = await RunCoreAsync(host, parseResult, path, dryRun, memoryLogPath, phases, ct);
        if (phases is not null)
        {
            phases.Mark("end (services disposed)");
            await parseResult.InvocationConfiguration.Error.WriteLineAsync(phases.Report());
        }

        return exitCode;
    }

    private static async Task<int> RunCoreAsync(CliHost host, ParseResult parseResult, string path, bool dryRun, string? memoryLogPath, ImportPhases? phases, CancellationToken ct)
    {
        var output = parseResult.InvocationConfiguration.Output;
        var error = parseResult.InvocationConfiguration.Error;
        var (stream, format, openError) = IntakeCli.Open(path);
        if (stream is null)
        {
            await error.WriteLineAsync($"error: {openError}");
            return CliExitCodes.UsageError;
        }

        await using (stream)
        {
            // Parsing starts now, on a thread of its own, while the set-up below runs (disposed, i.e. stopped, before the
            // stream is closed).
            using var ahead = ParseAhead.Start(new PostReader(host.TimeProvider).Read(stream, format));
            await using var services = IntakeCli.BuildServices(host, parseResult);
            phases?.Mark("services built");

            // No EF Core warm-up: on SQLite the import runs on plain connections (IntakeDatabase, SqliteStorageMigration)
            // and builds an EF Core context only to apply a pending migration (or on PostgreSQL).
            if (IntakeCli.CheckOptions(services) is { } optionsError)
            {
                await error.WriteLineAsync($"error: {optionsError}");
                return CliExitCodes.UsageError;
            }

            phases?.Mark("options checked");

            // The storage migration (a new file's schema, or the history check) runs on a pool thread while this one loads
            // the products file: neither needs the other, and each is tens of milliseconds of the import's fixed cost.
            var migrating = dryRun ? null : Task.Run(() => SqliteStorageMigration.MigrateAsync(services, ct), ct);
            if (IntakeCli.CheckProducts(services) is { } configError)
            {
                await error.WriteLineAsync($"error: {configError}");
                await Observe(migrating);
                return CliExitCodes.UsageError;
            }

            phases?.Mark("products file loaded");

            var intakeOptions = services.GetRequiredService<IOptions<IntakeOptions>>().Value;
            var batchSize = intakeOptions.BatchSize;
            var counts = new ImportCounts();
            IngestTiming? timing = null;
            var timingWanted = phases is not null;
            var progress = new ImportProgress(error, ImportProgress.IsInteractive(error), stream.Length, "bytes read");
            try
            {
                if (dryRun)
                {
                    await using var checker = await DryRunChecker.CreateAsync(services, ct);
                    await ReadBatchesAsync(stream, ahead.Items(), batchSize, counts, progress, null, (batch, _) =>
                    {
                        foreach (var post in batch)
                        {
                            if (checker.IsDuplicate(post.Key))
                            {
                                counts.Duplicates++;
                            }
                            else
                            {
                                counts.Accepted++;
                            }
                        }

                        return Task.CompletedTask;
                    }, ct);
                    phases?.Mark("file checked");
                }
                else
                {
                    await using var memoryLog = memoryLogPath is null ? null : ImportMemoryLog.Open(memoryLogPath);
                    using var heapLimit = host.OwnsProcess ? ImportHeapLimit.Start(intakeOptions.ImportHeapLimitMB) : null;
                    using var batchGc = host.OwnsProcess ? ImportGcMode.Batch() : null;

                    using var pipeline = services.GetRequiredService<HotTopicPipeline>();
                    pipeline.RelaxedCommits = true; // idempotent bulk load: WAL with synchronous=NORMAL
                    timing = timingWanted ? new IngestTiming() : null;
                    pipeline.Timing = timing;
                    var items = ahead.Items();

                    // Set-up on this thread while the reader thread already parses and prepares the first batches (the
                    // text work needs no database): migrate the storage, then rebuild the engine from what it holds.
                    async Task SetUpAsync()
                    {
                        await migrating!;
                        phases?.Mark("storage migrated");
                        await pipeline.StartAsync(ct);
                        phases?.Mark("pipeline ready (engine rebuilt from storage)");
                    }

                    // The reader thread parses and prepares (text work) the next batch while this one is ingested.
                    // The engine runs batch N+1 while the pipeline's writer commits batch N; counts include a batch only
                    // once it has committed.
                    Task<IngestResult>? writing = null;
                    async Task CountCommittedAsync()
                    {
                        if (writing is null)
                        {
                            return;
                        }

                        var t = timing is null ? 0 : Stopwatch.GetTimestamp();
                        var result = await writing;
                        writing = null;
                        timing?.Add(IngestTiming.Stage.EngineWaitWriter, t);
                        counts.Accepted += result.Accepted;
                        counts.Duplicates += result.Duplicates;
                        memoryLog?.Progress(counts.Total, pipeline.DescribeMemory);
                    }

                    try
                    {
                        await ReadBatchesAsync(stream, items, batchSize, counts, progress, pipeline.Prepare, async (batch, prepared) =>
                        {
                            var next = await pipeline.IngestOverlappedAsync(prepared!, ct);
                            await CountCommittedAsync();
                            writing = next;
                            phases?.Mark("first batch through the engine");
                        }, ct, timing, SetUpAsync);
                    }
                    catch (Exception) when (writing is not null)
                    {
                        // The batch being written when the import stopped counts if it commits.
                        try
                        {
                            await CountCommittedAsync();
                        }
                        catch (Exception)
                        {
                            // it did not: the first error is the one to report
                        }

                        throw;
                    }

                    await CountCommittedAsync();
                    phases?.Mark("every batch committed");
                    memoryLog?.Note(string.Create(CultureInfo.InvariantCulture, $"end at {counts.Total} posts: {pipeline.DescribeMemory()}; heap ceiling {(heapLimit is null ? "off" : $"{heapLimit.Current >> 20} MB, raised {heapLimit.Raises} times")}"));
                }
            }
            catch (Exception ex) when (ex is DbUpdateException or System.Data.Common.DbException or InvalidOperationException or IOException)
            {
                progress.Break();
                await error.WriteLineAsync($"error: import stopped after {counts.Accepted:N0} accepted posts: {ex.Message}");
                return CliExitCodes.Failure;
            }

            progress.Report(stream.Length, counts.Total, final: true);
            foreach (var e in counts.Errors)
            {
                await error.WriteLineAsync($"rejected {IntakeCli.Describe(e)}");
            }

            if (counts.Rejected > counts.Errors.Count)
            {
                await error.WriteLineAsync($"… and {counts.Rejected - counts.Errors.Count:N0} more rejected items");
            }

            if (timing is not null)
            {
                await error.WriteLineAsync(timing.Report(string.Create(CultureInfo.InvariantCulture, $"parse-ahead thread (during set-up, before this wall): {ahead.ParsedAhead:N0} items (at most {ahead.Capacity:N0}) in {ahead.Busy.TotalSeconds:F2} s")));
            }

            var seconds = Math.Max(progress.Elapsed.TotalSeconds, 1e-3);
            await output.WriteLineAsync(string.Create(
                CultureInfo.InvariantCulture,
                $"{(dryRun ? "Dry run (nothing written)" : "Imported")} {path}: {counts.Accepted:N0} {(dryRun ? "new" : "accepted")}, {counts.Duplicates:N0} duplicates, {counts.Rejected:N0} rejected in {seconds:0.0} s ({counts.Total / seconds:N0} posts/s)"));
            phases?.Mark("reported");
            return counts.Rejected > 0 ? CliExitCodes.UsageError : CliExitCodes.Success;
        }
    }

    /// <summary>Waits for a set-up task whose result no longer matters (the import stops with another error).</summary>
    private static async Task Observe(Task? task)
    {
        if (task is null)
        {
            return;
        }

        try
        {
            await task;
        }
        catch (Exception)
        {
            // The configuration error is the one to report.
        }
    }

    /// <summary>Reads <paramref name="items"/> (a lazy read of <paramref name="stream"/>, e.g. <see cref="ParseAhead.Items"/>),
    /// prepares (with <paramref name="prepare"/>) on a dedicated reader thread and hands batches to
    /// <paramref name="consume"/> on this one (one batch parsed ahead: enough to overlap, and it bounds the posts held in
    /// memory to about three batches). The hand-off blocks (no thread-pool worker left spinning between batches).
    /// <paramref name="whileReaderStarts"/> runs on this thread once the reader has started, before the first batch is
    /// taken (set-up that needs no parsed post: it overlaps the first batches' parsing); if it throws, the reader stops.</summary>
    internal static async Task ReadBatchesAsync(
        Stream stream, IEnumerable<PostParseResult> items, int batchSize, ImportCounts counts, ImportProgress? progress,
        Func<List<SocialPost>, PreparedBatch>? prepare, Func<List<SocialPost>, PreparedBatch?, Task> consume, CancellationToken ct,
        IngestTiming? timing = null, Func<Task>? whileReaderStarts = null)
    {
        var queue = new HandOffQueue<(List<SocialPost> Posts, PreparedBatch? Prepared, List<PostError> Errors, long Position)>(capacity: 1);
        using var cancelled = ct.Register(queue.Complete);
        Exception? readerError = null;
        var reader = new Thread(() =>
        {
            try
            {
                // Ahead of the engine and the writer, which set the pace: on two cores the reader yields to them and runs
                // in what they leave (Linux; bench/RESULTS.md "Session 16": 93k import about 4 % faster).
                ThreadNice.TryLowerCurrentThread(ReaderNiceSteps);
                var started = timing is null ? 0 : Stopwatch.GetTimestamp();
                var posts = new List<SocialPost>(batchSize);
                var errors = new List<PostError>();
                void Hand(List<SocialPost> batch, List<PostError> batchErrors)
                {
                    var t = timing is null ? 0 : Stopwatch.GetTimestamp();
                    var prepared = prepare?.Invoke(batch);
                    t = timing?.Add(IngestTiming.Stage.ReaderPrepare, t) ?? 0;
                    if (!queue.Add((batch, prepared, batchErrors, stream.Position)))
                    {
                        throw new OperationCanceledException("the import stopped"); // the consumer failed or was cancelled
                    }

                    timing?.Add(IngestTiming.Stage.ReaderWaitConsumer, t);
                }

                foreach (var item in items)
                {
                    if (item.Post is { } post)
                    {
                        posts.Add(post);
                    }
                    else if (item.Error is { } e)
                    {
                        errors.Add(e);
                    }

                    if (posts.Count >= batchSize)
                    {
                        Hand(posts, errors);
                        posts = new List<SocialPost>(batchSize);
                        errors = [];
                    }
                }

                Hand(posts, errors);
                if (timing is not null)
                {
                    // Parse = the reader thread's time less what the other two reader rows measured.
                    var total = Stopwatch.GetTimestamp() - started;
                    var other = (long)((timing.Seconds(IngestTiming.Stage.ReaderPrepare) + timing.Seconds(IngestTiming.Stage.ReaderWaitConsumer)) * Stopwatch.Frequency);
                    timing.AddTicks(IngestTiming.Stage.ReaderParse, total - other);
                }
            }
            catch (Exception ex)
            {
                readerError = ex;
            }
            finally
            {
                queue.Complete();
            }
        })
        {
            IsBackground = true,
            Name = "import reader",
        };
        reader.Start();
        try
        {
            if (whileReaderStarts is not null)
            {
                await whileReaderStarts();
            }

            while (true)
            {
                var waited = timing is null ? 0 : Stopwatch.GetTimestamp();
                if (!queue.TryTake(out var batch))
                {
                    ct.ThrowIfCancellationRequested();
                    break; // the reader finished (or failed: see below)
                }

                timing?.Add(IngestTiming.Stage.EngineWaitInput, waited);
                var (posts, prepared, errors, position) = batch;
                foreach (var e in errors)
                {
                    counts.Rejected++;
                    if (counts.Errors.Count < MaxListedErrors)
                    {
                        counts.Errors.Add(e);
                    }
                }

                if (posts.Count > 0)
                {
                    await consume(posts, prepared);
                }

                progress?.Report(position, counts.Total);
            }
        }
        finally
        {
            // A failed or cancelled consumer releases a reader blocked on the full queue.
            queue.Complete();
            reader.Join();
        }

        if (readerError is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(readerError);
        }
    }

    /// <summary>Duplicate checks for a dry run: the database (if it exists) and the keys seen earlier in the file.</summary>
    private sealed class DryRunChecker : IAsyncDisposable
    {
        private readonly HashSet<PostKey> _seen = [];
        private IntakeSession? _db;
        private IntakeCommands? _commands;

        public static async Task<DryRunChecker> CreateAsync(IServiceProvider services, CancellationToken ct)
        {
            var checker = new DryRunChecker();
            var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            if (storage.ParsedProvider == StorageProvider.Sqlite && !File.Exists(storage.SqliteDatabasePath))
            {
                return checker; // no database yet: nothing can be a duplicate of a stored post
            }

            var db = await services.GetRequiredService<IntakeDatabase>().OpenAsync(withContext: false, ct);
            var commands = new IntakeCommands(db.Connection, null);
            try
            {
                commands.Exists(new PostKey("dry-run", "probe"));
            }
            catch (System.Data.Common.DbException)
            {
                // The database exists but has no posts table yet (never migrated): nothing stored.
                commands.Dispose();
                await db.DisposeAsync();
                return checker;
            }

            checker._db = db;
            checker._commands = commands;
            return checker;
        }

        public bool IsDuplicate(PostKey key) => !_seen.Add(key) || (_commands?.Exists(key) ?? false);

        public async ValueTask DisposeAsync()
        {
            _commands?.Dispose();
            if (_db is not null)
            {
                await _db.DisposeAsync();
            }
        }
    }
}

/// <summary>Running totals of an import or replay.</summary>
internal sealed class ImportCounts
{
    public int Accepted { get; set; }

    public int Duplicates { get; set; }

    public int Rejected { get; set; }

    public List<PostError> Errors { get; } = [];

    public long Total => Accepted + Duplicates + Rejected;
}
