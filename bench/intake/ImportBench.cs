using System.Diagnostics;
using System.Globalization;
using System.Text;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Bench.Intake;

/// <summary>Import end to end (the real CLI command, in-process) vs a raw batched insert of the same rows.</summary>
internal static class ImportBench
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static async Task<int> ImportOneAsync(string file, string dataDirectory)
    {
        var watch = Stopwatch.StartNew();
        long peakCommitted = 0;
        long peakHeap = 0;
        using var sampler = new Timer(_ =>
        {
            var info = GC.GetGCMemoryInfo();
            peakCommitted = Math.Max(peakCommitted, info.TotalCommittedBytes);
            peakHeap = Math.Max(peakHeap, GC.GetTotalMemory(false));
        }, null, 0, 200);
        var (exit, output) = await RunImportAsync(file, dataDirectory);
        watch.Stop();
        await sampler.DisposeAsync();
        if (Environment.GetEnvironmentVariable("INTAKE_BENCH_VERBOSE") == "1")
        {
            await Console.Error.WriteLineAsync(string.Create(Inv, $"peak GC committed {peakCommitted / 1e6:F0} MB, peak GC heap {peakHeap / 1e6:F0} MB"));
        }
        if (exit != 0)
        {
            await Console.Error.WriteLineAsync(output);
            return exit;
        }

        using var process = Process.GetCurrentProcess();
        process.Refresh();
        var accepted = output.Split(':')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
        Console.WriteLine(string.Create(Inv, $"{watch.Elapsed.TotalSeconds:F3};{process.PeakWorkingSet64};{accepted};{GC.GetGCMemoryInfo().HeapSizeBytes};{process.TotalProcessorTime.TotalSeconds:F3}"));
        return 0;
    }

    /// <summary>
    /// Import end to end (the real <c>dotnet Bot.dll import</c> as a child process, fresh database each run) against the
    /// raw insert of the same rows (this process), alternating, <paramref name="runs"/> times.
    /// </summary>
    public static async Task<string> CompareAsync(string work, int size, int runs)
    {
        var bot = BotLocator.Find() ?? throw new InvalidOperationException("Bot.dll not found: build Bot with -c Release (or set BENCH_BOT_DLL)");
        var file = await PostFiles.GetAsync(work, size);
        List<SocialPost> posts;
        await using (var stream = File.OpenRead(file))
        {
            posts = [.. new JsonPostReader(TimeProvider.System).Read(stream).Select(r => r.Post!)];
        }

        // Warm-up of the raw insert's code in this process and of the page cache for the file; not reported. The
        // import is never warmed: every run is a new process, as for a user.
        await RawInsertAsync(posts, work);

        var raw = new List<double>();
        var rawCpu = new List<double>();
        var e2eWall = new List<double>();
        var e2eOwn = new List<double>();
        var e2eCpu = new List<double>();
        var e2ePeak = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var cpu0 = Cpu();
            raw.Add(posts.Count / (await RawInsertAsync(posts, work)).TotalSeconds);
            rawCpu.Add(posts.Count / (Cpu() - cpu0));
            var child = await RunImportChildAsync(bot, file, Fresh(work));
            e2eWall.Add(child.Accepted / child.Run.WallSeconds);
            e2eOwn.Add(child.OwnRate);
            e2eCpu.Add(child.Accepted / child.Run.CpuSeconds);
            e2ePeak.Add(child.Run.PeakRssBytes / 1e6);
        }

        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"### Import end to end vs raw batched SQLite insert ({posts.Count:N0} posts, {runs} runs, alternating)");
        sb.AppendLine();
        sb.AppendLine(Inv, $"End to end = `dotnet {Path.GetFileName(bot)} import <file>` as a child process into a fresh SQLite folder ({BotLocator.Describe(bot)}; its runtimeconfig: {ChildProcess.DescribeRuntimeConfig(bot)}). Raw = the same rows through the plain prepared insert in this process (parsing, migration and JIT warm-up excluded).");
        sb.AppendLine();
        sb.AppendLine("| | median | min | max | each run |");
        sb.AppendLine("|---|---|---|---|---|");
        sb.AppendLine(Row("`import`, posts/s, whole process (start, migrate, import, exit: what a user waits for)", e2eWall));
        sb.AppendLine(Row("`import`, posts/s as the command reports it (from opening the database to the last commit)", e2eOwn));
        sb.AppendLine(Row($"raw batched insert, rows/s (prepared INSERT of {RawRowsPerStatement} row(s) per statement, 4,000 rows per transaction, synchronous=NORMAL, no parsing)", raw));
        sb.AppendLine(Row("`import`, posts per CPU-second of the process (all threads, start-up included)", e2eCpu));
        sb.AppendLine(Row("raw insert, rows per CPU-second (this process, all threads)", rawCpu));
        sb.AppendLine(Row("`import`, peak RSS MB (VmHWM)", e2ePeak));
        var ratios = e2eWall.Zip(raw, (a, b) => a / b).ToList();
        var ownRatios = e2eOwn.Zip(raw, (a, b) => a / b).ToList();
        sb.AppendLine();
        sb.AppendLine(Inv, $"Ratio end to end / raw (wall, whole process), per run: {string.Join(", ", ratios.Select(r => r.ToString("F2", Inv)))}; median **{Median(ratios):F2}×** (as the command reports: median {Median(ownRatios):F2}×). Target ≥ 25,000 posts/s and ≥ 0.3×. Load average at the end: {LoadAverage()}.");
        return sb.ToString();
    }

    public static async Task<string> ScalingAsync(string work, IReadOnlyList<int> sizes)
    {
        var bot = BotLocator.Find() ?? throw new InvalidOperationException("Bot.dll not found: build Bot with -c Release (or set BENCH_BOT_DLL)");
        var sb = new StringBuilder();
        sb.AppendLine("### Time and peak memory by size (`dotnet Bot.dll import` as a child process per size, fresh SQLite file)");
        sb.AppendLine();
        sb.AppendLine("| Posts | File MB | Time s (process) | posts/s (process) | posts/s (command) | CPU s (all threads) | CPU µs per post | Peak RSS MB (VmHWM) | load average after |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var file = await PostFiles.GetAsync(work, size);
            try
            {
                var child = await RunImportChildAsync(bot, file, Fresh(work));
                var r = child.Run;
                sb.AppendLine(Inv, $"| {child.Accepted:N0} | {new FileInfo(file).Length / 1e6:F0} | {r.WallSeconds:F1} | {child.Accepted / r.WallSeconds:N0} | {child.OwnRate:N0} | {r.CpuSeconds:F1} | {r.CpuSeconds * 1e6 / child.Accepted:F1} | **{r.PeakRssBytes / 1e6:F0}** | {LoadAverage()} |");
            }
            catch (InvalidOperationException ex)
            {
                sb.AppendLine(Inv, $"| {size:N0} | failed: {ex.Message.ReplaceLineEndings(" ")} |");
            }
        }

        sb.AppendLine();
        sb.AppendLine("Target: peak memory at 1M posts ≤ 300 MB, cost growing linearly (CPU µs per post flat across sizes). The import runs with its own GC heap ceiling (`Intake:ImportHeapLimitMB`, default 128 MB, raised with the live heap); `import --memory-log <file>` shows where the memory goes.");
        return sb.ToString();
    }

    private sealed record ImportChild(ChildProcess.Result Run, int Accepted, double OwnRate);

    /// <summary>The real import command in its own process: <c>dotnet Bot.dll import file --set Storage:DataDirectory=dir</c>.</summary>
    private static async Task<ImportChild> RunImportChildAsync(string bot, string file, string dataDirectory)
    {
        var run = await ChildProcess.RunAsync(
            bot,
            ["import", file, "--set", $"Storage:DataDirectory={dataDirectory}", "--set", "Logging:LogLevel:Default=Warning"]);
        var match = System.Text.RegularExpressions.Regex.Match(run.Stdout, @": ([0-9,]+) accepted, .* in ([0-9.]+) s \(([0-9,]+) posts/s\)");
        if (run.Exit != 0 || !match.Success)
        {
            throw new InvalidOperationException($"import exited with {run.Exit}: {run.Stdout} {run.Stderr}");
        }

        var accepted = int.Parse(match.Groups[1].Value, NumberStyles.AllowThousands, Inv);
        var own = double.Parse(match.Groups[3].Value, NumberStyles.AllowThousands, Inv);
        TryDelete(dataDirectory);
        return new ImportChild(run, accepted, own);
    }

    /// <summary>Deletes a run's data folder; one that cannot be deleted (or is gone) is left for the OS to clean in /tmp.</summary>
    internal static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // left for the OS to clean in /tmp
        }
    }

    private static async Task<(int Exit, string Output)> RunImportAsync(string file, string dataDirectory)
    {
        using var output = new StringWriter();
        var exit = await CliApp.RunAsync(
            ["import", file, "--set", $"Storage:DataDirectory={dataDirectory}", "--set", "Logging:LogLevel:Default=Warning"],
            new CliHost(AppContext.BaseDirectory, TimeProvider.System),
            output,
            TextWriter.Null);
        return (exit, output.ToString());
    }

    /// <summary>Rows per INSERT statement of the raw baseline (<c>INTAKE_RAW_ROWS</c>; default 1, as the import).</summary>
    internal static int RawRowsPerStatement => int.TryParse(Environment.GetEnvironmentVariable("INTAKE_RAW_ROWS"), NumberStyles.None, Inv, out var n) && n > 0 ? n : 1; // as the import: single-row (see IntakeCommands.InsertPosts)

    /// <summary>
    /// The same rows as the pipeline writes, the plain fast way: prepared INSERT, parameters bound by position,
    /// 4,000 rows per transaction, WAL with <c>synchronous = NORMAL</c> (as the import commits), into a fresh folder under
    /// <paramref name="work"/> that is deleted afterwards (pooled connections closed first).
    /// </summary>
    private static async Task<TimeSpan> RawInsertAsync(List<SocialPost> posts, string work)
    {
        var dataDirectory = Fresh(work);
        try
        {
            return await RawInsertIntoAsync(posts, dataDirectory);
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            TryDelete(dataDirectory);
        }
    }

    private static async Task<TimeSpan> RawInsertIntoAsync(List<SocialPost> posts, string dataDirectory)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Storage:DataDirectory"] = dataDirectory,
        }).Build();
        await using (var services = new ServiceCollection().AddLogging(l => l.SetMinimumLevel(LogLevel.Warning)).AddStorage(configuration).BuildServiceProvider())
        {
            await services.MigrateStorageAsync();
        }

        await using var connection = new SqliteConnection($"Data Source={Path.Combine(dataDirectory, "crisisbot.db")}");
        await connection.OpenAsync();
        var watch = Stopwatch.StartNew();
        await using (var pragma = connection.CreateCommand())
        {
            pragma.CommandText = "PRAGMA synchronous = NORMAL;";
            pragma.ExecuteNonQuery();
        }

        var rows = RawRowsPerStatement;
        var names = new[] { "source", "id", "text", "handle", "name", "created", "reach", "url", "product", "topic", "abusive" };
        SqliteCommand Build(int count)
        {
            var command = connection.CreateCommand();
            var values = string.Join(", ", Enumerable.Range(0, count).Select(r => "(" + string.Join(", ", names.Select(n => $"@{n}{r}")) + ")"));
            command.CommandText =
                $"""
                INSERT INTO "HotTopicPosts" ("Source", "PostId", "Text", "AuthorHandle", "AuthorName", "CreatedAtMs", "Reach", "Url", "Product", "TopicId", "Abusive")
                VALUES {values}
                ON CONFLICT ("Source", "PostId") DO NOTHING
                """;
            for (var r = 0; r < count; r++)
            {
                foreach (var name in names)
                {
                    command.Parameters.Add(new SqliteParameter { ParameterName = $"@{name}{r}" }); // bound directly, as the pipeline does
                }
            }

            return command;
        }

        var commands = new Dictionary<int, SqliteCommand>();
        for (var start = 0; start < posts.Count; start += 4000)
        {
            await using var transaction = connection.BeginTransaction();
            var end = Math.Min(posts.Count, start + 4000);
            for (var i = start; i < end; i += rows)
            {
                var count = Math.Min(rows, end - i);
                if (!commands.TryGetValue(count, out var command))
                {
                    commands[count] = command = Build(count);
                }

                command.Transaction = transaction;
                for (var r = 0; r < count; r++)
                {
                    var p = posts[i + r];
                    var key = p.Key;
                    var o = r * names.Length;
                    command.Parameters[o].Value = key.Source;
                    command.Parameters[o + 1].Value = key.Id;
                    command.Parameters[o + 2].Value = p.Text;
                    command.Parameters[o + 3].Value = (object?)p.Author?.Handle ?? DBNull.Value;
                    command.Parameters[o + 4].Value = (object?)p.Author?.Name ?? DBNull.Value;
                    command.Parameters[o + 5].Value = p.CreatedAt.ToUnixTimeMilliseconds();
                    command.Parameters[o + 6].Value = p.Reach;
                    command.Parameters[o + 7].Value = (object?)p.Url ?? DBNull.Value;
                    command.Parameters[o + 8].Value = "triage";
                    command.Parameters[o + 9].Value = (i + r) % 1000;
                    command.Parameters[o + 10].Value = false;
                }

                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }

        foreach (var command in commands.Values)
        {
            await command.DisposeAsync();
        }

        watch.Stop();
        return watch.Elapsed;
    }

    private static double Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Fresh(string work)
    {
        SqliteConnection.ClearAllPools();
        var dir = Path.Combine(work, "db-" + Guid.NewGuid().ToString("N")[..8]);
        return dir;
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Row(string label, List<double> values) =>
        string.Create(Inv, $"| {label} | **{Median(values):N0}** | {values.Min():N0} | {values.Max():N0} | {string.Join(", ", values.Select(v => v.ToString("N0", Inv)))} |");
}
