using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using CrisisBot.Infrastructure.Delivery;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

// Throttled fan-out and outbox throughput (issue 4 §5). Prints one markdown block.
//   dotnet run --project bench/fanout -c Release [-- --fanout-runs 5 --throughput-runs 3 --rows 4000 --conversations 400 --fast-poll]
// The defaults keep the whole run near 3 minutes on 2 cores: 10,000 rows deliver at about 200 rows/s here (see RESULTS).
var fanOutRuns = IntArg("--fanout-runs", 5);
var throughputRuns = IntArg("--throughput-runs", 3);
var rows = IntArg("--rows", 4_000);
var conversations = IntArg("--conversations", 400);
var withFastPoll = args.Contains("--fast-poll");

// PostgreSQL throughput runs too when a server is given (scripts/postgres.sh prints one): --postgres <conn> or CRISISBOT_TEST_POSTGRES.
var postgresServer = StringArg("--postgres") ?? Environment.GetEnvironmentVariable("CRISISBOT_TEST_POSTGRES");
const string Tenant = "11111111-2222-3333-4444-555555555555";
const int FanOutPosts = 1_000;
const int FanOutChannels = 50;

var limits = new TeamsRateLimitOptions();
var minimum = TeamsRateLimitMath.MinimumDuration(FanOutPosts, FanOutChannels, limits, includeSafetyMargin: true);
var minimumNoMargin = TeamsRateLimitMath.MinimumDuration(FanOutPosts, FanOutChannels, limits);
var total = Stopwatch.StartNew();

// 1. Fan-out at Teams' real limits on both sides (fake enforces them; limiter uses its defaults).
var fanOut = new List<FanOutResult>();
for (var run = 0; run < fanOutRuns; run++)
{
    var result = await FanOutAsync();
    fanOut.Add(result);
    Console.Error.WriteLine($"fan-out run {run + 1}: {result.Wall.TotalSeconds:F2} s ({result.Wall / minimum:F3}×), first 201 after {result.FirstSend.TotalMilliseconds:F0} ms, sent {result.Sent}, 429s {result.Throttled}, violations {result.Violations}, duplicates {result.Duplicates}");
}

// 2. Outbox throughput: limits raised far above what the worker can reach, so the database and the worker decide.
// With the default poll interval (2 s: the worker claims a new batch at most that often); --fast-poll alternates each run
// with a 100 ms one (it made no difference: the poll interval is not the bottleneck, see RESULTS).
var throughput = new List<ThroughputResult>();
var throughputFastPoll = new List<ThroughputResult>();
for (var run = 0; run < throughputRuns * (withFastPoll ? 2 : 1); run++)
{
    var fastPoll = withFastPoll && run % 2 == 1;
    var result = await ThroughputAsync(fastPoll ? TimeSpan.FromMilliseconds(100) : new OutboxOptions().PollInterval);
    (fastPoll ? throughputFastPoll : throughput).Add(result);
    Console.Error.WriteLine($"throughput run {(withFastPoll ? run / 2 : run) + 1}{(fastPoll ? " (poll 100 ms)" : "")}: insert {result.Insert.TotalMilliseconds:F0} ms, delivery {result.Delivery.TotalSeconds:F2} s = {rows / result.Delivery.TotalSeconds:F0} rows/s, sent {result.Sent}, duplicates {result.Duplicates}");
}

var throughputPostgres = new List<ThroughputResult>();
for (var run = 0; postgresServer is { Length: > 0 } && run < throughputRuns; run++)
{
    var database = await BenchPostgres.CreateDatabaseAsync(postgresServer);
    try
    {
        var result = await ThroughputAsync(new OutboxOptions().PollInterval, database);
        throughputPostgres.Add(result);
        Console.Error.WriteLine($"throughput run {run + 1} (PostgreSQL): insert {result.Insert.TotalMilliseconds:F0} ms, delivery {result.Delivery.TotalSeconds:F2} s = {rows / result.Delivery.TotalSeconds:F0} rows/s, sent {result.Sent}, duplicates {result.Duplicates}");
    }
    finally
    {
        await BenchPostgres.DropDatabaseAsync(postgresServer, database);
    }
}

Console.WriteLine(Report());
return fanOut.TrueForAll(r => r.Sent == FanOutPosts && r.Violations == 0 && r.Duplicates == 0)
    && throughput.Concat(throughputFastPoll).Concat(throughputPostgres).All(r => r.Sent == rows && r.Duplicates == 0) ? 0 : 1;

async Task<FanOutResult> FanOutAsync()
{
    await using var fake = await FakeConnectorServer.StartAsync(new FakeConnectorOptions());
    await using var host = await BenchHost.StartAsync(new Dictionary<string, string?>
    {
        // One claim takes every row; one call in flight per channel.
        ["Outbox:BatchSize"] = "1000",
        ["Outbox:MaxConcurrency"] = "50",
    });
    await host.StartWorkerAsync();

    await using (var db = await host.CreateContextAsync())
    {
        for (var i = 0; i < FanOutPosts; i++)
        {
            var channel = $"19:channel{i % FanOutChannels}@thread.tacv2";
            host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(fake.ServiceUrl, Tenant, channel, Card($"alert {i}"), $"topic:{i}"));
        }

        await db.SaveChangesAsync();
    }

    var committed = TimeProvider.System.GetUtcNow();
    if (!await fake.WaitUntilAsync(f => f.Messages.Count >= FanOutPosts, TimeSpan.FromSeconds(90)))
    {
        Console.Error.WriteLine($"fan-out: only {fake.Messages.Count} posts after 90 s");
    }

    var final = await host.DrainAsync(TimeSpan.FromSeconds(30));
    foreach (var v in fake.Violations)
    {
        Console.Error.WriteLine(Inv($"  violation at +{(v.At - committed).TotalMilliseconds:F0} ms: {v.Scope} {v.Key} {v.Limit}/{v.Window.TotalSeconds:F0} s"));
    }

    var created = fake.Requests.Where(r => r.Operation == FakeOperations.CreateConversation && r.Status == 201).ToList();
    return new FanOutResult(
        Wall: created.Count == 0 ? TimeSpan.Zero : created.Max(r => r.At) - committed,
        FirstSend: created.Count == 0 ? TimeSpan.Zero : created.Min(r => r.At) - committed,
        Sent: final.Count(r => r.Status == OutboxStatus.Sent),
        Created: created.Count,
        Throttled: fake.Requests.Count(r => r.Status == 429),
        Violations: fake.Violations.Count,
        Duplicates: fake.Duplicates().Count,
        MaxPerChannel: fake.PostsPerConversation().Values.DefaultIfEmpty().Max());
}

async Task<ThroughputResult> ThroughputAsync(TimeSpan poll, string? postgres = null)
{
    await using var fake = await FakeConnectorServer.StartAsync(new FakeConnectorOptions
    {
        SendLimits = [new(1_000_000, TimeSpan.FromSeconds(1))],
        TenantPerSecond = 1_000_000,
    });
    await using var host = await BenchHost.StartAsync(new Dictionary<string, string?>
    {
        // The largest values the options validator accepts (the tenant's 10,000/s would only bind above that rate).
        ["Delivery:RateLimits:PerThreadPer1Second"] = "1000",
        ["Delivery:RateLimits:PerThreadPer2Seconds"] = "2000",
        ["Delivery:RateLimits:PerThreadPer30Seconds"] = "30000",
        ["Delivery:RateLimits:PerThreadPerHour"] = "100000",
        ["Delivery:RateLimits:TenantPerSecond"] = "10000",
        ["Outbox:BatchSize"] = "1000",
        ["Outbox:MaxConcurrency"] = "64",
        ["Outbox:PollInterval"] = poll.ToString("c", CultureInfo.InvariantCulture),
    }, postgres);

    // Baseline: EF Core inserts the same rows (through Outbox.Enqueue, one transaction), worker stopped.
    var insert = Stopwatch.StartNew();
    await using (var db = await host.CreateContextAsync())
    {
        for (var i = 0; i < rows; i++)
        {
            var channel = $"19:conv{i % conversations}@thread.tacv2";
            host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(fake.ServiceUrl, Tenant, channel, Card($"row {i}"), $"card:{i}"));
        }

        await db.SaveChangesAsync();
    }

    insert.Stop();

    var delivery = Stopwatch.StartNew();
    await host.StartWorkerAsync();
    var final = await host.DrainAsync(TimeSpan.FromSeconds(120), TimeSpan.FromMilliseconds(20));
    delivery.Stop();
    return new ThroughputResult(
        Insert: insert.Elapsed,
        Delivery: delivery.Elapsed,
        Sent: final.Count(r => r.Status == OutboxStatus.Sent),
        Created: fake.Messages.Count,
        Duplicates: fake.Duplicates().Count);
}

string Report()
{
    var s = new StringBuilder();
    s.AppendLine("```text");
    s.AppendLine(Inv($"machine: {Environment.ProcessorCount} cores, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024.0 * 1024 * 1024):F1} GiB visible to .NET, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}"));
    s.AppendLine(Inv($"total run time: {total.Elapsed.TotalSeconds:F0} s"));
    s.AppendLine("```");
    s.AppendLine();
    FanOutSection(s);
    ThroughputSection(s);
    return s.ToString();
}

void FanOutSection(StringBuilder s)
{
    if (fanOut.Count == 0)
    {
        return;
    }

    var walls = fanOut.Select(r => r.Wall.TotalSeconds).ToList();
    var ratios = fanOut.Select(r => r.Wall / minimum).ToList();
    s.AppendLine(Inv($"**Fan-out**: {FanOutPosts:N0} new card posts over {FanOutChannels} channels ({FanOutPosts / FanOutChannels} each), Teams' real limits on both sides, {fanOut.Count} runs. Wall time = enqueue commit → last Connector 201."));
    s.AppendLine();
    s.AppendLine("| Metric | Target | Median | Min | Max |");
    s.AppendLine("|---|---|---|---|---|");
    s.AppendLine(Inv($"| Wall time | ≤ {1.1 * minimum.TotalSeconds:F2} s | {Median(walls):F2} s | {walls.Min():F2} s | {walls.Max():F2} s |"));
    s.AppendLine(Inv($"| × theoretical minimum ({minimum.TotalSeconds:F2} s with the {limits.SafetyMargin.TotalMilliseconds:F0} ms margin; {minimumNoMargin.TotalSeconds:F2} s without) | ≤ 1.1× | {Median(ratios):F3}× | {ratios.Min():F3}× | {ratios.Max():F3}× |"));
    var first = fanOut.Select(r => r.FirstSend.TotalMilliseconds).ToList();
    s.AppendLine(Inv($"| Commit → first 201 | | {Median(first):F0} ms | {first.Min():F0} ms | {first.Max():F0} ms |"));
    s.AppendLine(Inv($"| Posts sent (rows Sent / fake 201s) | {FanOutPosts} | {string.Join(", ", fanOut.Select(r => $"{r.Sent}/{r.Created}").Distinct())} | | |"));
    s.AppendLine(Inv($"| Limit violations recorded by the fake | 0 | total {fanOut.Sum(r => r.Violations)} | | |"));
    s.AppendLine(Inv($"| 429s answered | 0 | total {fanOut.Sum(r => r.Throttled)} | | |"));
    s.AppendLine(Inv($"| Duplicate posts | 0 | total {fanOut.Sum(r => r.Duplicates)} | | |"));
    s.AppendLine();
}

void ThroughputSection(StringBuilder s)
{
    if (throughput.Count == 0)
    {
        return;
    }

    var rates = throughput.Select(r => rows / r.Delivery.TotalSeconds).ToList();
    var inserts = throughput.Concat(throughputFastPoll).Select(r => rows / r.Insert.TotalSeconds).ToList();
    var insertMs = throughput.Concat(throughputFastPoll).Select(r => r.Insert.TotalMilliseconds).ToList();
    var deliverySeconds = throughput.Select(r => r.Delivery.TotalSeconds).ToList();
    s.AppendLine(Inv($"**Outbox throughput (SQLite file, WAL)**: {rows:N0} new posts over {conversations:N0} conversations, fake limits 1,000,000/s, limiter limits at the validator's maxima (1,000/1 s, 2,000/2 s, 30,000/30 s, 100,000/h per thread, 10,000/s tenant), Outbox:BatchSize 1,000, MaxConcurrency 64, {throughput.Count} runs{(withFastPoll ? " per poll interval (alternating)" : "")}. The insert baseline is timed in the same runs (worker stopped), then the worker starts. Delivery = worker start → every row Sent in the database."));
    s.AppendLine();
    s.AppendLine("| Metric | Median | Min | Max |");
    s.AppendLine("|---|---|---|---|");
    s.AppendLine(Inv($"| Delivered rows/s, Outbox:PollInterval 2 s (default) | {Median(rates):N0} | {rates.Min():N0} | {rates.Max():N0} |"));
    var fastRates = throughputFastPoll.Select(r => rows / r.Delivery.TotalSeconds).ToList();
    var fastSeconds = throughputFastPoll.Select(r => r.Delivery.TotalSeconds).ToList();
    if (fastRates.Count > 0)
    {
        s.AppendLine(Inv($"| Delivered rows/s, Outbox:PollInterval 100 ms | {Median(fastRates):N0} | {fastRates.Min():N0} | {fastRates.Max():N0} |"));
        s.AppendLine(Inv($"| Delivery time, poll 100 ms | {Median(fastSeconds):F2} s | {fastSeconds.Min():F2} s | {fastSeconds.Max():F2} s |"));
    }

    s.AppendLine(Inv($"| Delivery time, poll 2 s | {Median(deliverySeconds):F2} s | {deliverySeconds.Min():F2} s | {deliverySeconds.Max():F2} s |"));
    s.AppendLine(Inv($"| Baseline: EF Core insert of the same rows (Outbox.Enqueue + one SaveChanges), rows/s | {Median(inserts):N0} | {inserts.Min():N0} | {inserts.Max():N0} |"));
    s.AppendLine(Inv($"| Baseline insert time | {Median(insertMs):F0} ms | {insertMs.Min():F0} ms | {insertMs.Max():F0} ms |"));
    s.AppendLine(Inv($"| Rows sent / fake posts / duplicates | {string.Join(", ", throughput.Concat(throughputFastPoll).Select(r => $"{r.Sent} / {r.Created} / {r.Duplicates}").Distinct())} | | |"));
    if (throughputPostgres.Count > 0)
    {
        var pgRates = throughputPostgres.Select(r => rows / r.Delivery.TotalSeconds).ToList();
        var pgInserts = throughputPostgres.Select(r => rows / r.Insert.TotalSeconds).ToList();
        s.AppendLine();
        s.AppendLine(Inv($"**Outbox throughput (PostgreSQL, same run, same workload and settings, poll 2 s, {throughputPostgres.Count} runs, shared limits on: one instance leasing all 64 partitions)**"));
        s.AppendLine();
        s.AppendLine("| Metric | Median | Min | Max |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine(Inv($"| Delivered rows/s | {Median(pgRates):N0} | {pgRates.Min():N0} | {pgRates.Max():N0} |"));
        s.AppendLine(Inv($"| Baseline: EF Core insert, rows/s | {Median(pgInserts):N0} | {pgInserts.Min():N0} | {pgInserts.Max():N0} |"));
        s.AppendLine(Inv($"| Rows sent / fake posts / duplicates | {string.Join(", ", throughputPostgres.Select(r => $"{r.Sent} / {r.Created} / {r.Duplicates}").Distinct())} | | |"));
    }
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToList();
    return sorted.Count == 0 ? double.NaN
        : sorted.Count % 2 == 1 ? sorted[sorted.Count / 2]
        : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
}

static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

static OutgoingActivity Card(string text) =>
    OutgoingActivity.WithCard(JsonSerializer.SerializeToElement(new { type = "AdaptiveCard", version = "1.5", body = new[] { new { type = "TextBlock", text } } }), text);

string? StringArg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

int IntArg(string name, int fallback)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : fallback;
}

internal sealed record FanOutResult(TimeSpan Wall, TimeSpan FirstSend, int Sent, int Created, int Throttled, int Violations, int Duplicates, int MaxPerChannel);

internal sealed record ThroughputResult(TimeSpan Insert, TimeSpan Delivery, int Sent, int Created, int Duplicates);

/// <summary>Storage + Connector + outbox wired as in Program.cs, on a fresh SQLite file in a temp folder, real clock.</summary>
internal sealed class BenchHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly string _directory;

    private BenchHost(ServiceProvider services, string directory)
    {
        _services = services;
        _directory = directory;
    }

    public IOutbox Outbox => _services.GetRequiredService<IOutbox>();

    private OutboxWorker Worker => _services.GetRequiredService<OutboxWorker>();

    public static async Task<BenchHost> StartAsync(IDictionary<string, string?> settings, string? postgres = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-bench", Guid.NewGuid().ToString("N"));
        var values = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = directory,
            ["Bot:LocalMode"] = "true",
        };
        if (postgres is not null)
        {
            values["Storage:Provider"] = "Postgres";
            values["ConnectionStrings:Postgres"] = postgres;
        }

        foreach (var (key, value) in settings)
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddConsole(o => o.LogToStandardErrorThreshold = LogLevel.Trace))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(TimeProvider.System)
            .AddBotConnector(configuration)
            .AddStorage(configuration)
            .AddOutbox(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await services.MigrateStorageAsync();
        return new BenchHost(services, directory);
    }

    public Task StartWorkerAsync() => Worker.StartAsync(CancellationToken.None);

    public Task<CrisisDbContext> CreateContextAsync() =>
        _services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();

    /// <summary>Waits until no row is pending or being sent; returns the rows.</summary>
    public async Task<List<OutboxMessage>> DrainAsync(TimeSpan timeout, TimeSpan? poll = null)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            await using (var db = await CreateContextAsync())
            {
                var open = await db.Set<OutboxMessage>().CountAsync(r => r.Status == OutboxStatus.Pending || r.Status == OutboxStatus.Sending);
                if (open == 0 || deadline.Elapsed > timeout)
                {
                    return await db.Set<OutboxMessage>().AsNoTracking().ToListAsync();
                }
            }

            await Task.Delay(poll ?? TimeSpan.FromMilliseconds(100));
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await Worker.StopAsync(cts.Token);
        }

        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: temp folder
        }
    }
}

/// <summary>A throw-away database per PostgreSQL run on the given server.</summary>
internal static class BenchPostgres
{
    public static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = $"crisisbot_bench_{Guid.NewGuid():N}";
        await using var connection = new Npgsql.NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // generated identifier
        command.CommandText = $"CREATE DATABASE \"{name}\"";
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
        return new Npgsql.NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }

    public static async Task DropDatabaseAsync(string server, string database)
    {
        var name = new Npgsql.NpgsqlConnectionStringBuilder(database).Database;
        Npgsql.NpgsqlConnection.ClearAllPools();
        await using var connection = new Npgsql.NpgsqlConnection(server);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // generated identifier
        command.CommandText = $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)";
#pragma warning restore CA2100
        await command.ExecuteNonQueryAsync();
    }
}
