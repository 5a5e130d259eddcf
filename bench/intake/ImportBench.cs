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

    public static async Task<string> CompareAsync(string work, int size, int runs)
    {
        var file = await PostFiles.GetAsync(work, size);
        List<SocialPost> posts;
        await using (var stream = File.OpenRead(file))
        {
            posts = [.. new JsonPostReader(TimeProvider.System).Read(stream).Select(r => r.Post!)];
        }

        // Warm-up (JIT, page cache) for both, not reported.
        await RawInsertAsync(posts, Fresh(work));
        await RunImportAsync(file, Fresh(work));

        var raw = new List<double>();
        var e2e = new List<double>();
        var rawCpu = new List<double>();
        var e2eCpu = new List<double>();
        for (var run = 0; run < runs; run++)
        {
            var cpu0 = Cpu();
            raw.Add(posts.Count / (await RawInsertAsync(posts, Fresh(work))).TotalSeconds);
            rawCpu.Add(posts.Count / (Cpu() - cpu0));
            var dir = Fresh(work);
            cpu0 = Cpu();
            var watch = Stopwatch.StartNew();
            var (exit, output) = await RunImportAsync(file, dir);
            watch.Stop();
            e2eCpu.Add(posts.Count / (Cpu() - cpu0));
            if (exit != 0)
            {
                throw new InvalidOperationException(output);
            }

            e2e.Add(posts.Count / watch.Elapsed.TotalSeconds);
        }

        var sb = new StringBuilder();
        sb.AppendLine(Inv, $"### Import end to end vs raw batched SQLite insert ({posts.Count:N0} posts, {runs} runs, alternating, same process)");
        sb.AppendLine();
        sb.AppendLine("| | median posts/s | min | max | each run |");
        sb.AppendLine("|---|---|---|---|---|");
        sb.AppendLine(Row("`import` end to end (parse, dedupe, route, cluster, detect, persist)", e2e));
        sb.AppendLine(Row("raw batched insert of the same rows (prepared INSERT, 4,000 rows per transaction, no parsing)", raw));
        sb.AppendLine(Row("`import`, posts per CPU-second of this process (all threads)", e2eCpu));
        sb.AppendLine(Row("raw insert, rows per CPU-second (its migration included)", rawCpu));
        var ratios = e2e.Zip(raw, (a, b) => a / b).ToList();
        sb.AppendLine();
        sb.AppendLine(Inv, $"Ratio end to end / raw (wall), per run: {string.Join(", ", ratios.Select(r => r.ToString("F2", Inv)))}; median **{Median(ratios):F2}×**. Load average at the end: {LoadAverage()}.");
        return sb.ToString();
    }

    public static async Task<string> ScalingAsync(string work, IReadOnlyList<int> sizes)
    {
        var sb = new StringBuilder();
        sb.AppendLine("### Time and peak memory by size (one child process per size: `import` into a fresh SQLite file)");
        sb.AppendLine();
        sb.AppendLine("| Posts | File MB | Time s | posts/s | CPU s (all threads) | posts per CPU-s | Peak working set MB | GC heap after MB | wall µs per post | load average after |");
        sb.AppendLine("|---|---|---|---|---|---|---|---|---|---|");
        foreach (var size in sizes)
        {
            var file = await PostFiles.GetAsync(work, size);
            var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
            psi.ArgumentList.Add(typeof(ImportBench).Assembly.Location);
            psi.ArgumentList.Add("import-one");
            psi.ArgumentList.Add(file);
            psi.ArgumentList.Add(Fresh(work));
            using var child = Process.Start(psi)!;
            var stdout = await child.StandardOutput.ReadToEndAsync();
            var stderr = await child.StandardError.ReadToEndAsync();
            await child.WaitForExitAsync();
            if (child.ExitCode != 0)
            {
                sb.AppendLine(Inv, $"| {size:N0} | failed: {stderr.Trim()} |");
                continue;
            }

            var parts = stdout.Trim().Split('\n')[^1].Split(';');
            var seconds = double.Parse(parts[0], Inv);
            var peak = long.Parse(parts[1], Inv);
            var heap = long.Parse(parts[3], Inv);
            var cpu = double.Parse(parts[4], Inv);
            var accepted = int.Parse(parts[2], NumberStyles.AllowThousands, Inv);
            sb.AppendLine(Inv, $"| {accepted:N0} | {new FileInfo(file).Length / 1e6:F0} | {seconds:F1} | {accepted / seconds:N0} | {cpu:F1} | {accepted / cpu:N0} | {peak / 1e6:F0} | {heap / 1e6:F0} | {seconds * 1e6 / accepted:F1} | {LoadAverage()} |");
        }

        return sb.ToString();
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

    /// <summary>The same rows as the pipeline writes, through one prepared INSERT, 4,000 rows per transaction.</summary>
    private static async Task<TimeSpan> RawInsertAsync(List<SocialPost> posts, string dataDirectory)
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
        await using var command = connection.CreateCommand();
        command.CommandText =
            """
            INSERT INTO "HotTopicPosts" ("Source", "PostId", "Text", "AuthorHandle", "AuthorName", "CreatedAtMs", "Reach", "Url", "Product", "TopicId", "Abusive")
            VALUES (@source, @id, @text, @handle, @name, @created, @reach, @url, @product, @topic, @abusive)
            ON CONFLICT ("Source", "PostId") DO NOTHING
            """;
        var names = new[] { "source", "id", "text", "handle", "name", "created", "reach", "url", "product", "topic", "abusive" };
        foreach (var name in names)
        {
            command.Parameters.Add(new SqliteParameter { ParameterName = "@" + name }); // bound directly, as the pipeline does
        }

        for (var start = 0; start < posts.Count; start += 4000)
        {
            await using var transaction = connection.BeginTransaction();
            command.Transaction = transaction;
            command.Prepare();
            for (var i = start; i < Math.Min(posts.Count, start + 4000); i++)
            {
                var p = posts[i];
                var key = p.Key;
                command.Parameters[0].Value = key.Source;
                command.Parameters[1].Value = key.Id;
                command.Parameters[2].Value = p.Text;
                command.Parameters[3].Value = (object?)p.Author?.Handle ?? DBNull.Value;
                command.Parameters[4].Value = (object?)p.Author?.Name ?? DBNull.Value;
                command.Parameters[5].Value = p.CreatedAt.ToUnixTimeMilliseconds();
                command.Parameters[6].Value = p.Reach;
                command.Parameters[7].Value = (object?)p.Url ?? DBNull.Value;
                command.Parameters[8].Value = "triage";
                command.Parameters[9].Value = i % 1000;
                command.Parameters[10].Value = false;
                command.ExecuteNonQuery();
            }

            transaction.Commit();
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
