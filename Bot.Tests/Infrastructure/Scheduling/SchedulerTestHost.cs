using System.Collections.Concurrent;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Infrastructure.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Scheduling;

/// <summary>
/// One "instance": storage + scheduling as in Program.cs on a shared SQLite file or PostgreSQL database, on a
/// <see cref="FakeTimeProvider"/>. The worker is not started: tests drive <see cref="SchedulerWorker.RunDueAsync"/>.
/// </summary>
internal sealed class SchedulerTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    private SchedulerTestHost(ServiceProvider services) => _services = services;

    public SchedulerWorker Worker => _services.GetRequiredService<SchedulerWorker>();

    public IDurableTimers Timers => _services.GetRequiredService<IDurableTimers>();

    public LogCollector Logs => _services.GetRequiredService<LogCollector>();

    public static async Task<SchedulerTestHost> StartAsync(string directory, string? postgres, FakeTimeProvider time, string instance,
        IEnumerable<ITimerHandler>? handlers = null, IEnumerable<IRecurringJob>? jobs = null, IDictionary<string, string?>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["Storage:DataDirectory"] = directory,
            ["ConnectionStrings:Postgres"] = postgres,
            ["Scheduling:InstanceId"] = instance,
            ["Scheduling:LeaseDuration"] = "00:01:00",
            ["Scheduling:RetryBaseDelay"] = "00:00:10",
            ["Scheduling:RetryMaxDelay"] = "00:01:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new LogCollector();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs))
            .AddSingleton(logs)
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(time)
            .AddStorage(configuration)
            .AddScheduling();
        foreach (var handler in handlers ?? [])
        {
            services.AddSingleton(handler);
        }

        foreach (var job in jobs ?? [])
        {
            services.AddSingleton(job);
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.MigrateStorageAsync();
        return new SchedulerTestHost(provider);
    }

    public async Task<CrisisDbContext> ContextAsync() => await _services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();

    public async Task ScheduleAsync(params DurableTimer[] timers)
    {
        await using var db = await ContextAsync();
        foreach (var timer in timers)
        {
            Timers.Schedule(db, timer);
        }

        await db.SaveChangesAsync();
    }

    public async Task<List<ScheduledTimer>> TimerRowsAsync()
    {
        await using var db = await ContextAsync();
        return await db.Set<ScheduledTimer>().AsNoTracking().OrderBy(t => t.Id).ToListAsync();
    }

    public async Task<List<string>> AuditSubjectsAsync(string action)
    {
        await using var db = await ContextAsync();
        return await db.Set<AuditEntry>().AsNoTracking().Where(a => a.Action == action).OrderBy(a => a.Id).Select(a => a.Subject).ToListAsync();
    }

    /// <summary>One pass, then waits for the job occurrences it started.</summary>
    public async Task PassAsync()
    {
        await Worker.RunDueAsync(CancellationToken.None);
        await Worker.WhenJobsIdleAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}

/// <summary>Writes an audit row per fire (committed with the fire) and counts calls; can fail or hang on command.</summary>
internal sealed class RecordingHandler(string kind) : ITimerHandler
{
    public string Kind { get; } = kind;

    public ConcurrentQueue<DurableTimer> Calls { get; } = new();

    /// <summary>How many calls from now on throw (after adding their audit row, which must roll back).</summary>
    public int FailNext { get; set; }

    /// <summary>When set, calls wait on it (a "crash" mid-fire is simulated by cancelling the pass).</summary>
    public TaskCompletionSource? Gate { get; set; }

    public async Task HandleAsync(CrisisDbContext db, DurableTimer timer, CancellationToken ct)
    {
        Calls.Enqueue(timer);
        db.Add(AuditEntry.Create(timer.DueAt, "timer.fired", "scheduler", null, timer.Kind + "/" + timer.Key, timer.Payload));
        if (Gate is { } gate)
        {
            await gate.Task.WaitAsync(ct);
        }

        if (FailNext > 0)
        {
            FailNext--;
            throw new InvalidOperationException("handler failure on purpose");
        }
    }
}

/// <summary>A recurring job that records its occurrences; can fail on command.</summary>
internal sealed class RecordingJob(string name, string? cron, TimeZoneInfo zone, ConcurrentQueue<(string Instance, DateTimeOffset Occurrence)>? shared = null, string instance = "") : IRecurringJob
{
    public string Name { get; } = name;

    public string? Cron { get; } = cron;

    public TimeZoneInfo TimeZone { get; } = zone;

    public ConcurrentQueue<(string Instance, DateTimeOffset Occurrence)> Runs { get; } = shared ?? new();

    public int FailNext { get; set; }

    public Task RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        if (FailNext > 0)
        {
            FailNext--;
            throw new InvalidOperationException("job failure on purpose");
        }

        Runs.Enqueue((instance, occurrence));
        return Task.CompletedTask;
    }
}
