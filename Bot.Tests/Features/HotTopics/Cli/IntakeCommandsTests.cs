using System.Diagnostics;
using System.Text.Json;
using CrisisBot.Features.HotTopics.Cli;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Tests.Cli;
using CrisisBot.Tests.Features.HotTopics.Pipeline;
using CrisisBot.Tests.Infrastructure;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics.Cli;

/// <summary>import, replay, topics export and alarms export through the real CLI entry, on a temp SQLite folder.</summary>
public sealed class IntakeCommandsTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private string Data => _temp.Combine("data");

    private Task<CliRunner.CliRun> RunAsync(params string[] args) =>
        CliRunner.RunAsync(new CliHost(AppContext.BaseDirectory, _time), [.. args, "--set", $"Storage:DataDirectory={Data}", "--set", "Logging:LogLevel:Default=Warning"]);

    private string WriteFile(string name, string content)
    {
        var path = _temp.Combine(name);
        File.WriteAllText(path, content);
        return path;
    }

    private static string Line(string id, string text = "my parcel never arrived and tracking shows nothing", string createdAt = "2026-03-24T09:15:00Z") =>
        $$"""{"id":"{{id}}","source":"twitter","text":"{{text}}","createdAt":"{{createdAt}}"}""";

    private static long CountRows(string dataDirectory, string table)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "crisisbot.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"SELECT COUNT(*) FROM \"{table}\"";
        return (long)command.ExecuteScalar()!;
    }

    [Fact]
    public async Task Import_Jsonl_CountsAndSecondImportAllDuplicates()
    {
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{Line("2")}\n{Line("3")}\n");

        var first = await RunAsync("import", file);
        var second = await RunAsync("import", file);

        Assert.Equal(CliExitCodes.Success, first.ExitCode);
        Assert.Contains("3 accepted, 0 duplicates, 0 rejected", first.Output, StringComparison.Ordinal);
        Assert.Contains("0 accepted, 3 duplicates, 0 rejected", second.Output, StringComparison.Ordinal);
        Assert.Contains("posts/s", first.Error, StringComparison.Ordinal); // the progress line
        Assert.Equal(3, CountRows(Data, "HotTopicPosts"));
    }

    /// <summary>Connection strings of the EF Core contexts initialised on <paramref name="dataDirectory"/> while the scope is open.</summary>
    private sealed class EfContextsOn : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>, IDisposable
    {
        private readonly string _dataDirectory;
        private readonly IDisposable _all;
        private readonly List<IDisposable> _subscriptions = [];

        public EfContextsOn(string dataDirectory)
        {
            _dataDirectory = dataDirectory;
            _all = DiagnosticListener.AllListeners.Subscribe(this);
        }

        public System.Collections.Concurrent.ConcurrentQueue<string> Seen { get; } = new();

        public void OnNext(DiagnosticListener value)
        {
            if (value.Name == DbLoggerCategory.Name)
            {
                lock (_subscriptions)
                {
                    _subscriptions.Add(value.Subscribe(this));
                }
            }
        }

        public void OnNext(KeyValuePair<string, object?> value)
        {
            if (value.Value is ContextInitializedEventData { Context: var context }
                && context.Database.GetConnectionString() is { } connection
                && connection.Contains(_dataDirectory, StringComparison.Ordinal))
            {
                Seen.Enqueue(connection);
            }
        }

        public void OnCompleted()
        {
        }

        public void OnError(Exception error)
        {
        }

        public void Dispose()
        {
            _all.Dispose();
            lock (_subscriptions)
            {
                _subscriptions.ForEach(s => s.Dispose());
            }
        }
    }

    [Fact]
    public async Task Import_FreshThenExistingSqliteDatabase_NeverBuildsAnEfCoreContext()
    {
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{Line("2")}\n{Line("3")}\n");
        using var contexts = new EfContextsOn(Data);

        var fresh = await RunAsync("import", file);
        var existing = await RunAsync("import", file);
        var dryRun = await RunAsync("import", file, "--dry-run");

        Assert.Equal(CliExitCodes.Success, fresh.ExitCode);
        Assert.Contains("0 accepted, 3 duplicates, 0 rejected", existing.Output, StringComparison.Ordinal);
        Assert.Contains("0 new, 3 duplicates", dryRun.Output, StringComparison.Ordinal);
        Assert.Empty(contexts.Seen);

        // The probe sees contexts on this folder when there are some (topics export reads through EF Core).
        Assert.Equal(CliExitCodes.Success, (await RunAsync("topics", "export", "--format", "jsonl", "--out", _temp.Combine("topics.jsonl"))).ExitCode);
        Assert.NotEmpty(contexts.Seen);
    }

    [Fact]
    public async Task Import_DatabaseOfAnOlderSchema_AppliesTheMissingMigrationsThenImports()
    {
        Directory.CreateDirectory(Data);
        var path = Path.Combine(Data, "crisisbot.db");
        var known = CrisisBot.Infrastructure.Storage.SqliteMigrationIds.Known;
        await using (var db = new CrisisBot.Infrastructure.Storage.SqliteCrisisDbContext(
            new DbContextOptionsBuilder<CrisisBot.Infrastructure.Storage.SqliteCrisisDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options))
        {
            await db.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>().MigrateAsync(known[^2]); // all but the last
        }

        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{Line("2")}\n");
        using var contexts = new EfContextsOn(Data);

        var run = await RunAsync("import", file);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("2 accepted, 0 duplicates, 0 rejected", run.Output, StringComparison.Ordinal);
        Assert.NotEmpty(contexts.Seen); // EF Core's migrator applied the last migration
        var applied = Strings(path, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY 1");
        Assert.Equal(known, applied);
        Assert.Equal(2, CountRows(Data, "HotTopicPosts"));
    }

    [Fact]
    public async Task Import_MemoryLog_WritesSamplesAndTheFinalState()
    {
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{Line("2")}\n{Line("3")}\n");
        var log = _temp.Combine("memory.tsv");

        var run = await RunAsync("import", file, "--memory-log", log);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        var lines = File.ReadAllLines(log);
        var header = lines[0].TrimStart('\uFEFF').Split('\t');
        Assert.Equal("seconds", header[0]);
        Assert.Contains("gc_heap_MB", header);
        Assert.Contains("live_at_last_full_gc_MB", header);
        var samples = lines.Skip(1).Where(l => !l.StartsWith('#')).Select(l => l.Split('\t')).ToList();
        Assert.NotEmpty(samples);
        Assert.All(samples, columns => Assert.Equal(header.Length, columns.Length));
        Assert.Equal("3", samples[^1][1]); // the last sample is taken after the import: all posts done
        Assert.Contains(lines, l => l.StartsWith("# end at 3 posts: topics 1 ", StringComparison.Ordinal) && l.EndsWith("heap ceiling off", StringComparison.Ordinal));
        Assert.StartsWith("# gc: ", lines[1], StringComparison.Ordinal);
    }

    /// <summary>
    /// The bot as shipped (its own Bot.runtimeconfig.json, a process of its own): the runtime honours the gen0 budget
    /// ceiling set in Bot.csproj, which the import's garbage collection depends on (bench/RESULTS.md "Session 16").
    /// </summary>
    [Fact]
    public async Task Import_AsItsOwnProcess_RunsWithTheShippedGcSettings()
    {
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{Line("2")}\n");
        var log = _temp.Combine("memory.tsv");
        var start = BotProcess.StartInfo("import", file, "--memory-log", log, "--set", $"Storage:DataDirectory={Data}", "--set", "Logging:LogLevel:Default=Warning");
        foreach (var name in new[] { "DOTNET_GCGen0MaxBudget", "DOTNET_gcConcurrent", "DOTNET_gcServer" })
        {
            start.Environment.Remove(name); // the runtimeconfig's values, not the caller's environment
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("could not start Bot.dll");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(2));
        await process.WaitForExitAsync(timeout.Token);

        Assert.True(process.ExitCode == CliExitCodes.Success, $"exit {process.ExitCode}: {await output} {await error}");
        Assert.Contains("2 accepted", await output, StringComparison.Ordinal);
        Assert.Equal("# gc: workstation, concurrent, gen0 budget at most 32 MB", File.ReadAllLines(log)[1]);
    }

    /// <summary>The import's reader thread (parse and prepare, ahead of the engine and the writer) runs at a lower weight.</summary>
    [Fact]
    public async Task ReadBatches_TheReaderThreadRunsAtALowerWeight()
    {
        var callers = CrisisBot.Infrastructure.ThreadNice.CurrentThreadNice();
        var seen = new List<(int? Nice, int Thread)>();
        var items = Enumerable.Range(0, 5).Select(i => PostParseResult.Ok(i, new SocialPost($"n{i}", "twitter", "parcel lost", _time.GetUtcNow())));
        using var stream = new MemoryStream();

        await ImportCommand.ReadBatchesAsync(stream, items, batchSize: 2, new ImportCounts(), progress: null, prepare: posts =>
        {
            seen.Add((CrisisBot.Infrastructure.ThreadNice.CurrentThreadNice(), Environment.CurrentManagedThreadId));
            return null!;
        }, consume: (_, _) => Task.CompletedTask, CancellationToken.None);

        Assert.Equal(3, seen.Count); // batches of 2, 2 and 1
        Assert.Single(seen.Select(s => s.Thread).Distinct());
        Assert.NotEqual(Environment.CurrentManagedThreadId, seen[0].Thread);
        Assert.All(seen, s => Assert.Equal(callers is { } nice ? Math.Min(CrisisBot.Infrastructure.ThreadNice.Max, nice + ImportCommand.ReaderNiceSteps) : null, s.Nice));
        Assert.Equal(callers, CrisisBot.Infrastructure.ThreadNice.CurrentThreadNice());
    }

    [Fact]
    public async Task Import_Timing_PrintsEveryStageOfEachThread()
    {
        var file = WriteFile("posts.jsonl", string.Join('\n', Enumerable.Range(0, 30).Select(i => Line($"t{i}", $"parcel number {i} never arrived", $"2026-03-24T09:{i:00}:00Z"))) + "\n");

        var run = await RunAsync("import", file, "--timing", "--set", "Intake:BatchSize=10");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("30 accepted, 0 duplicates, 0 rejected", run.Output, StringComparison.Ordinal);
        Assert.Contains("import timing", run.Error, StringComparison.Ordinal);
        foreach (var stage in new[] { "parse (read", "prepare (normalise", "engine (Process per post)", "wait for the previous batch's commit", "insert posts", "commit (SaveChanges, COMMIT)" })
        {
            Assert.Contains(stage, run.Error, StringComparison.Ordinal);
        }

        // Three batches: each engine step and each commit is recorded once per batch.
        var process = run.Error.Split('\n').Single(l => l.Contains("engine (Process per post)", StringComparison.Ordinal));
        Assert.EndsWith(" 3", process.TrimEnd(), StringComparison.Ordinal);
        var commit = run.Error.Split('\n').Single(l => l.Contains("commit (SaveChanges, COMMIT)", StringComparison.Ordinal));
        Assert.EndsWith(" 3", commit.TrimEnd(), StringComparison.Ordinal);

        // The file's first items were parsed while the command set itself up (all 30 here: fewer than the capacity).
        Assert.Contains("parse-ahead thread (during set-up", run.Error, StringComparison.Ordinal);
        Assert.Matches(@"GC since the process started: \d+ collections \(gen 1: \d+, gen 2: \d+\), every thread paused \d+\.\d\d s", run.Error);

        // The set-up and tear-down phases, in order, each once.
        var phases = new[] { "services built", "options checked", "products file loaded", "storage migrated", "pipeline ready", "first batch through the engine", "every batch committed", "end (services disposed)", "total" };
        var at = phases.Select(p => run.Error.IndexOf("\n" + p, StringComparison.Ordinal)).ToList();
        Assert.All(at, i => Assert.True(i > 0));
        Assert.Equal(at.Order(), at);
    }

    [Fact]
    public async Task Import_WithoutTiming_PrintsNoPhases()
    {
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n");

        var run = await RunAsync("import", file);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.DoesNotContain("import phases", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("import timing", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_StorageCannotBeCreated_ReportsItAndStopsTheReader()
    {
        // The data directory is a file: migration fails while the reader thread is already parsing.
        var file = WriteFile("posts.jsonl", string.Join('\n', Enumerable.Range(0, 50).Select(i => Line($"s{i}"))) + "\n");
        var blocker = WriteFile("not-a-directory", "x");

        var run = await CliRunner.RunAsync(new CliHost(AppContext.BaseDirectory, _time), ["import", file, "--set", $"Storage:DataDirectory={blocker}", "--set", "Logging:LogLevel:Default=Warning", "--set", "Intake:BatchSize=10"]);

        Assert.Equal(CliExitCodes.Failure, run.ExitCode);
        Assert.Contains("import stopped after 0 accepted posts", run.Error, StringComparison.Ordinal);
        Assert.Contains("cannot be created", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_WriteFailsMidImport_ReportsExactlyWhatCommittedAndRerunFinishes()
    {
        // Batches of 100 are written while the engine runs the next one; the third batch's insert fails.
        var lines = Enumerable.Range(0, 600).Select(i => Line($"p{i}", $"complaint {i % 37} about parcel {i}", Posts.T0.AddMinutes(i).ToString("O", System.Globalization.CultureInfo.InvariantCulture))).ToList();
        var file = WriteFile("posts.jsonl", string.Join('\n', lines) + "\n");
        var seed = WriteFile("seed.jsonl", Line("seed") + "\n");
        Assert.Equal(CliExitCodes.Success, (await RunAsync("import", seed)).ExitCode);
        Execute(Data, """CREATE TRIGGER fail_p250 BEFORE INSERT ON "HotTopicPosts" WHEN NEW."PostId" = 'p250' BEGIN SELECT RAISE(ABORT, 'injected write failure'); END;""");

        var failed = await RunAsync("import", file, "--set", "Intake:BatchSize=100");

        Assert.Equal(CliExitCodes.Failure, failed.ExitCode);
        Assert.Contains("import stopped after 200 accepted posts", failed.Error, StringComparison.Ordinal);
        Assert.Contains("injected write failure", failed.Error, StringComparison.Ordinal);
        Assert.Equal(201, CountRows(Data, "HotTopicPosts")); // the seed and exactly the two batches reported

        Execute(Data, "DROP TRIGGER fail_p250;");
        var rerun = await RunAsync("import", file, "--set", "Intake:BatchSize=100");

        Assert.Equal(CliExitCodes.Success, rerun.ExitCode);
        Assert.Contains("400 accepted, 200 duplicates, 0 rejected", rerun.Output, StringComparison.Ordinal);
        Assert.Equal(601, CountRows(Data, "HotTopicPosts"));
        Assert.Equal(Enumerable.Range(0, 600).Select(i => $"p{i}").Append("seed").Order(StringComparer.Ordinal), PostIds(Data));
    }

    private static void Execute(string dataDirectory, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "crisisbot.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static List<string> PostIds(string dataDirectory) =>
        [.. Strings(Path.Combine(dataDirectory, "crisisbot.db"), "SELECT \"PostId\" FROM \"HotTopicPosts\"").Order(StringComparer.Ordinal)];

    /// <summary>The first column of <paramref name="sql"/>'s rows, read from the SQLite file at <paramref name="path"/>.</summary>
    private static List<string> Strings(string path, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var values = new List<string>();
        while (reader.Read())
        {
            values.Add(reader.GetString(0));
        }

        return values;
    }

    [Fact]
    public async Task Import_InSharedHost_LeavesTheProcessHeapLimitAlone()
    {
        var before = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{Line("2")}\n");

        var run = await RunAsync("import", file, "--set", "Intake:ImportHeapLimitMB=64");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(before, GC.GetGCMemoryInfo().TotalAvailableMemoryBytes); // CliHost.OwnsProcess is false here
    }

    [Fact]
    public async Task Import_InSharedHost_LeavesTheProcessGcModeAlone()
    {
        var before = System.Runtime.GCSettings.LatencyMode;
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{Line("2")}\n");

        var run = await RunAsync("import", file);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Equal(before, System.Runtime.GCSettings.LatencyMode); // batch GC only when the command owns the process
    }

    [Fact]
    public async Task Import_BadProductsFileWhileALargeFileIsParsedAhead_Exit2AndEveryPostStaysUnwritten()
    {
        // More items than the parse-ahead holds: its thread is still busy (or full) when the products error ends the
        // import, and must be stopped before the file is closed.
        var file = WriteFile("posts.jsonl", string.Join('\n', Enumerable.Range(0, ParseAhead.DefaultCapacity + 500).Select(i => Line($"b{i}"))) + "\n");

        var run = await RunAsync("import", file, "--set", $"Products:Path={_temp.Combine("missing.yaml")}");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("products file", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("accepted", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data, "crisisbot.db")) && CountRows(Data, "HotTopicPosts") > 0);
    }

    [Fact]
    public async Task Import_EmptyProductsPath_Exit2NamesTheKey()
    {
        var run = await RunAsync("import", WriteFile("posts.jsonl", Line("1")), "--set", "Products:Path=");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("Products:Path is empty", run.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("accepted", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_NegativeHeapLimit_Exit2NamesTheKey()
    {
        var run = await RunAsync("import", WriteFile("posts.jsonl", Line("1")), "--set", "Intake:ImportHeapLimitMB=-1");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("Intake:ImportHeapLimitMB", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data, "crisisbot.db")));
    }

    [Fact]
    public async Task Import_DryRun_CountsWithoutWriting()
    {
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{Line("1")}\n{Line("2")}\n");

        var run = await RunAsync("import", file, "--dry-run");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("Dry run (nothing written)", run.Output, StringComparison.Ordinal);
        Assert.Contains("2 new, 1 duplicates", run.Output, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Data, "crisisbot.db")));
    }

    [Fact]
    public async Task Import_DryRunAfterImport_SeesStoredPostsAsDuplicates()
    {
        await RunAsync("import", WriteFile("a.jsonl", Line("1")));

        var run = await RunAsync("import", WriteFile("b.jsonl", $"{Line("1")}\n{Line("2")}"), "--dry-run");

        Assert.Contains("1 new, 1 duplicates", run.Output, StringComparison.Ordinal);
        Assert.Equal(1, CountRows(Data, "HotTopicPosts"));
    }

    [Fact]
    public async Task Import_Csv_Imported()
    {
        var file = WriteFile("posts.csv",
            "id,source,text,createdAt,author.handle,author.followers\n" +
            "1,twitter,\"my card was declined, again\",2026-03-24T09:15:00Z,@jane,1200\n" +
            "2,facebook,card declined at the shop,2026-03-24T09:16:00Z,@joe,\n");

        var run = await RunAsync("import", file);

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("2 accepted", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BadItems_Exit2ListsThemAndImportsTheRest()
    {
        var file = WriteFile("posts.jsonl", $"{Line("1")}\n{{broken\n{Line("3", createdAt: "2026-03-29T00:00:00Z")}\n{Line("4")}\n");

        var run = await RunAsync("import", file);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("2 accepted, 0 duplicates, 2 rejected", run.Output, StringComparison.Ordinal);
        Assert.Contains("rejected item 1 (line 2)", run.Error, StringComparison.Ordinal);
        Assert.Contains("future", run.Error, StringComparison.Ordinal);
        Assert.Equal(2, CountRows(Data, "HotTopicPosts"));
    }

    [Fact]
    public async Task Import_MissingFile_Exit2()
    {
        var run = await RunAsync("import", _temp.Combine("nope.jsonl"));

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("does not exist", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Import_BadProductsFile_Exit2NamesIt()
    {
        var run = await RunAsync("import", WriteFile("p.jsonl", Line("1")), "--set", $"Products:Path={_temp.Combine("missing.yaml")}");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("products file", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exports_AfterDemoImport_OneLinePerPostAndPerFiredAlarm()
    {
        await RunAsync("import", SamplePaths.DemoCrisis);
        var outFile = _temp.Combine("topics.jsonl");

        var topics = await RunAsync("topics", "export", "--format", "jsonl", "--out", outFile);
        var alarms = await RunAsync("alarms", "export", "--format", "jsonl");

        Assert.Equal(CliExitCodes.Success, topics.ExitCode);
        var lines = File.ReadAllLines(outFile);
        Assert.Equal(1914, lines.Length);
        var first = JsonDocument.Parse(lines[0]).RootElement;
        Assert.Equal(["id", "source", "topicId", "topicTitle", "product"], first.EnumerateObject().Select(p => p.Name));
        Assert.Equal("1776000000", first.GetProperty("id").GetString());
        Assert.False(string.IsNullOrEmpty(first.GetProperty("topicTitle").GetString()));

        Assert.Equal(CliExitCodes.Success, alarms.ExitCode);
        var alarmLines = alarms.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.NotEmpty(alarmLines);
        foreach (var line in alarmLines)
        {
            var alarm = JsonDocument.Parse(line).RootElement;
            Assert.Equal(["topicId", "product", "at", "severity"], alarm.EnumerateObject().Select(p => p.Name));
            Assert.InRange(alarm.GetProperty("at").GetDateTimeOffset(), new DateTimeOffset(2026, 3, 16, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 26, 0, 0, 0, TimeSpan.Zero));
        }
    }

    [Fact]
    public async Task AlarmsExport_SameFileImportedTwiceIntoFreshDatabases_SameLines()
    {
        await RunAsync("import", SamplePaths.DemoCrisis);
        var first = await RunAsync("alarms", "export", "--format", "jsonl");
        SqliteConnection.ClearAllPools();
        Directory.Delete(Data, recursive: true);

        await RunAsync("replay", SamplePaths.DemoCrisis, "--speed", "max");
        var second = await RunAsync("alarms", "export", "--format", "jsonl");

        Assert.Equal(first.Output, second.Output);
    }

    [Fact]
    public async Task Export_UnsupportedFormat_Exit2()
    {
        var run = await RunAsync("topics", "export", "--format", "csv");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("only jsonl", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_MaxSpeedIntoDatabase_AllPostsInEventTimeOrder()
    {
        var file = WriteFile("posts.jsonl", $"{Line("late", createdAt: "2026-03-24T10:00:00Z")}\n{Line("early", createdAt: "2026-03-24T09:00:00Z")}\n");

        var run = await RunAsync("replay", file, "--speed", "max");

        Assert.Equal(CliExitCodes.Success, run.ExitCode);
        Assert.Contains("2 accepted", run.Output, StringComparison.Ordinal);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(Data, "crisisbot.db")};Pooling=False");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT \"PostId\" FROM \"HotTopicPosts\" ORDER BY \"Seq\"";
        using var reader = command.ExecuteReader();
        var ids = new List<string>();
        while (reader.Read())
        {
            ids.Add(reader.GetString(0));
        }

        Assert.Equal(["early", "late"], ids);
    }

    [Theory]
    [InlineData("fast")]
    [InlineData("0x")]
    [InlineData("-5x")]
    public async Task Replay_BadSpeed_Exit2(string speed)
    {
        var run = await RunAsync("replay", WriteFile("p.jsonl", Line("1")), "--speed", speed);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("--speed", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Replay_UrlWithoutSecret_Exit2()
    {
        var run = await RunAsync("replay", WriteFile("p.jsonl", Line("1")), "--speed", "max", "--url", "http://127.0.0.1:9");

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("Intake:Secrets:0", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("60x", 60.0)]
    [InlineData("1.5X", 1.5)]
    [InlineData("10", 10.0)]
    [InlineData("max", null)]
    public void TryParseSpeed_Valid_Parsed(string raw, double? expected)
    {
        Assert.True(ReplayCommand.TryParseSpeed(raw, out var speed));
        Assert.Equal(expected, speed);
    }

    [Fact]
    public async Task PaceAsync_60x_SendsEachPostWhenItsEventTimeIsDue()
    {
        var t0 = new DateTimeOffset(2026, 3, 24, 9, 0, 0, TimeSpan.Zero);
        SocialPost[] posts = [Posts.Make("a", "x y", t0), Posts.Make("b", "x y", t0.AddSeconds(30)), Posts.Make("c", "x y", t0.AddMinutes(60))];
        var time = new FakeTimeProvider(t0);
        var sent = new List<(string Id, TimeSpan At)>();
        var start = time.GetTimestamp();

        var pacing = ReplayCommand.PaceAsync(posts, 60, 100, time, batch =>
        {
            sent.AddRange(batch.Select(p => (p.Id, time.GetElapsedTime(start))));
            return Task.CompletedTask;
        }, CancellationToken.None);
        Assert.Equal(["a"], sent.Select(s => s.Id));

        time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.Single(sent);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal(["a", "b"], sent.Select(s => s.Id));
        time.Advance(TimeSpan.FromSeconds(59.5));
        await pacing;

        Assert.Equal([TimeSpan.Zero, TimeSpan.FromSeconds(0.5), TimeSpan.FromSeconds(60)], sent.Select(s => s.At));
    }
}
