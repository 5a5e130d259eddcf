using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Scheduling;

/// <summary>Durable timers and recurring jobs on SQLite (and, in the subclass, PostgreSQL), driven by a FakeTimeProvider.</summary>
public class SchedulerWorkerTests : StorageProviderTests
{
    private static readonly DateTimeOffset Start = new(2026, 3, 1, 8, 0, 0, TimeSpan.Zero);
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(Start);

    private static TimeZoneInfo Berlin => TimeZoneInfo.FindSystemTimeZoneById("Europe/Berlin");

    protected override Task StopAsync()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // best effort
        }
        catch (UnauthorizedAccessException)
        {
            // best effort
        }

        return Task.CompletedTask;
    }

    private Task<SchedulerTestHost> HostAsync(string instance = "a", IEnumerable<ITimerHandler>? handlers = null, IEnumerable<IRecurringJob>? jobs = null,
        IDictionary<string, string?>? settings = null) =>
        SchedulerTestHost.StartAsync(_directory, Postgres, _time, instance, handlers, jobs, settings);

    [StorageFact]
    public async Task RunDue_TimerDue_FiresOnceAndCommitsHandlerChanges()
    {
        var handler = new RecordingHandler("test.sla");
        await using var host = await HostAsync(handlers: [handler]);
        await host.ScheduleAsync(new DurableTimer("test.sla", "q1", Start.AddMinutes(5), "{\"n\":1}"));

        await host.PassAsync();
        Assert.Empty(handler.Calls);

        _time.Advance(TimeSpan.FromMinutes(5));
        await host.PassAsync();
        await host.PassAsync();

        var call = Assert.Single(handler.Calls);
        Assert.Equal(new DurableTimer("test.sla", "q1", Start.AddMinutes(5), "{\"n\":1}"), call);
        Assert.Equal(["test.sla/q1"], await host.AuditSubjectsAsync("timer.fired"));
        Assert.Empty(await host.TimerRowsAsync());
    }

    [StorageFact]
    public async Task RunDue_NothingDue_ReturnsWaitUntilNextTimer()
    {
        await using var host = await HostAsync(handlers: [new RecordingHandler("k")], settings: new Dictionary<string, string?> { ["Scheduling:PollInterval"] = "00:10:00" });
        await host.ScheduleAsync(new DurableTimer("k", "1", Start.AddSeconds(90), null));

        var wait = await host.Worker.RunDueAsync(CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(90), wait);
    }

    [StorageFact]
    public async Task Schedule_SameKindAndKeyAgain_ReplacesDueTimeAndPayload()
    {
        var handler = new RecordingHandler("k");
        await using var host = await HostAsync(handlers: [handler]);
        await host.ScheduleAsync(new DurableTimer("k", "1", Start.AddMinutes(1), "old"));
        await host.ScheduleAsync(new DurableTimer("k", "1", Start.AddMinutes(10), "new"));

        _time.Advance(TimeSpan.FromMinutes(5));
        await host.PassAsync();
        Assert.Empty(handler.Calls);
        Assert.Single(await host.TimerRowsAsync());

        _time.Advance(TimeSpan.FromMinutes(5));
        await host.PassAsync();
        Assert.Equal("new", Assert.Single(handler.Calls).Payload);
    }

    [StorageFact]
    public async Task Cancel_BeforeDue_NeverFires()
    {
        var handler = new RecordingHandler("k");
        await using var host = await HostAsync(handlers: [handler]);
        await host.ScheduleAsync(new DurableTimer("k", "1", Start.AddMinutes(1), null), new DurableTimer("k", "2", Start.AddMinutes(1), null));
        await using (var db = await host.ContextAsync())
        {
            host.Timers.Cancel(db, "k", "1");
            await db.SaveChangesAsync();
        }

        _time.Advance(TimeSpan.FromMinutes(2));
        await host.PassAsync();

        Assert.Equal(["2"], handler.Calls.Select(c => c.Key));
    }

    [StorageFact]
    public async Task Schedule_CallerRollsBack_NoTimerStored()
    {
        await using var host = await HostAsync(handlers: [new RecordingHandler("k")]);
        await using (var db = await host.ContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            host.Timers.Schedule(db, new DurableTimer("k", "1", Start, null));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        Assert.Empty(await host.TimerRowsAsync());
    }

    [StorageFact]
    public async Task RunDue_HandlerThrows_RollsBackAndRetriesWithBackoff()
    {
        var handler = new RecordingHandler("k") { FailNext = 2 };
        await using var host = await HostAsync(handlers: [handler]);
        await host.ScheduleAsync(new DurableTimer("k", "1", Start, null));

        await host.PassAsync();
        var row = Assert.Single(await host.TimerRowsAsync());
        Assert.Equal(1, row.Attempts);
        Assert.Contains("handler failure on purpose", row.LastError, StringComparison.Ordinal);
        Assert.InRange(row.NextAttemptAt - Start, TimeSpan.FromSeconds(8), TimeSpan.FromSeconds(12)); // 10 s ± 20 %
        Assert.Null(row.LeaseOwner);
        Assert.Empty(await host.AuditSubjectsAsync("timer.fired")); // the failed fire's change was rolled back

        await host.PassAsync();
        Assert.Single(handler.Calls); // not yet due again

        _time.Advance(TimeSpan.FromSeconds(12));
        await host.PassAsync();
        row = Assert.Single(await host.TimerRowsAsync());
        Assert.Equal(2, row.Attempts);
        Assert.InRange(row.NextAttemptAt - _time.GetUtcNow(), TimeSpan.FromSeconds(16), TimeSpan.FromSeconds(24)); // 20 s ± 20 %

        _time.Advance(TimeSpan.FromSeconds(24));
        await host.PassAsync();
        Assert.Equal(3, handler.Calls.Count);
        Assert.Equal(["k/1"], await host.AuditSubjectsAsync("timer.fired"));
        Assert.Empty(await host.TimerRowsAsync());
    }

    [StorageFact]
    public async Task RunDue_KindWithoutHandler_LogsErrorAndKeepsTimer()
    {
        var handler = new RecordingHandler("known");
        await using var host = await HostAsync(handlers: [handler]);
        await host.ScheduleAsync(new DurableTimer("unknown.kind", "x", Start, "p"), new DurableTimer("known", "y", Start, null));

        await host.PassAsync();

        Assert.Single(handler.Calls);
        var kept = Assert.Single(await host.TimerRowsAsync());
        Assert.Equal("unknown.kind", kept.Kind);
        Assert.Equal("p", kept.Payload);
        Assert.Equal(Start + TimeSpan.FromMinutes(5), kept.NextAttemptAt);
        Assert.Contains("no handler", kept.LastError, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 863 && e.Level == LogLevel.Error && e.Message.Contains("unknown.kind", StringComparison.Ordinal));

        // A later deploy with the handler fires it.
        await host.DisposeAsync();
        var late = new RecordingHandler("unknown.kind");
        await using var upgraded = await HostAsync(handlers: [late]);
        _time.Advance(TimeSpan.FromMinutes(5));
        await upgraded.PassAsync();
        Assert.Equal("x", Assert.Single(late.Calls).Key);
    }

    [StorageFact]
    public async Task RunDue_InstanceDiesMidFire_AnotherFiresOnceAfterLeaseExpires()
    {
        var stuck = new RecordingHandler("k") { Gate = new TaskCompletionSource() };
        await using (var dying = await HostAsync("dying", handlers: [stuck]))
        {
            await dying.ScheduleAsync(new DurableTimer("k", "1", Start, null));
            using var crash = new CancellationTokenSource();
            var pass = dying.Worker.RunDueAsync(crash.Token);
            while (stuck.Calls.IsEmpty)
            {
                await Task.Delay(5);
            }

            await crash.CancelAsync(); // the process "dies" inside the handler: its transaction never commits
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pass);
        }

        var handler = new RecordingHandler("k");
        await using var restarted = await HostAsync("restarted", handlers: [handler]);
        var row = Assert.Single(await restarted.TimerRowsAsync());
        Assert.Equal("dying", row.LeaseOwner);

        await restarted.PassAsync();
        Assert.Empty(handler.Calls); // still leased by the dead instance

        _time.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        await restarted.PassAsync();
        await restarted.PassAsync();

        Assert.Single(handler.Calls);
        Assert.Equal(["k/1"], await restarted.AuditSubjectsAsync("timer.fired"));
    }

    [StorageFact]
    public async Task RunDue_TwoInstancesConcurrently_EachTimerFiresOnce()
    {
        var a = new RecordingHandler("k");
        var b = new RecordingHandler("k");
        await using var hostA = await HostAsync("a", handlers: [a], settings: new Dictionary<string, string?> { ["Scheduling:BatchSize"] = "7" });
        await using var hostB = await HostAsync("b", handlers: [b], settings: new Dictionary<string, string?> { ["Scheduling:BatchSize"] = "7" });
        await hostA.ScheduleAsync([.. Enumerable.Range(0, 60).Select(i => new DurableTimer("k", $"t{i}", Start.AddSeconds(i % 5), null))]);
        _time.Advance(TimeSpan.FromSeconds(5));

        await Task.WhenAll(Task.Run(hostA.PassAsync), Task.Run(hostB.PassAsync), Task.Run(hostA.PassAsync), Task.Run(hostB.PassAsync));

        var fired = a.Calls.Concat(b.Calls).Select(c => c.Key).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(Enumerable.Range(0, 60).Select(i => $"t{i}").Order(StringComparer.Ordinal), fired);
        Assert.Equal(60, (await hostA.AuditSubjectsAsync("timer.fired")).Count);
        Assert.Empty(await hostA.TimerRowsAsync());
    }

    [StorageFact]
    public void Schedule_InvalidTimer_ThrowsNamingTheProblem()
    {
        var empty = Assert.Throws<ArgumentException>(() => DurableTimers.Validate(new DurableTimer(" ", "k", Start, null)));
        Assert.Contains("kind", empty.Message, StringComparison.Ordinal);
        var longKey = Assert.Throws<ArgumentException>(() => DurableTimers.Validate(new DurableTimer("k", new string('x', 301), Start, null)));
        Assert.Contains("key", longKey.Message, StringComparison.Ordinal);
        var payload = Assert.Throws<ArgumentException>(() => DurableTimers.Validate(new DurableTimer("k", "1", Start, new string('x', 16_001))));
        Assert.Contains("payload", payload.Message, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Constructor_DuplicateKindOrBadCron_FailsAtStartup()
    {
        var kind = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var host = await HostAsync(handlers: [new RecordingHandler("k"), new RecordingHandler("k")]);
            _ = host.Worker;
        });
        Assert.Contains("'k'", kind.Message, StringComparison.Ordinal);

        var cron = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await using var host = await HostAsync(jobs: [new RecordingJob("digest", "61 * * * *", TimeZoneInfo.Utc)]);
            _ = host.Worker;
        });
        Assert.Contains("digest", cron.Message, StringComparison.Ordinal);
        Assert.Contains("61 * * * *", cron.Message, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task RecurringJob_AcrossSpringForwardAndFallBack_RunsOncePerLocalDay()
    {
        // 02:30 Europe/Berlin every day: on 2026-03-29 02:30 does not exist (clocks jump 02:00 → 03:00), on 2026-10-25 it
        // happens twice (03:00 → 02:00). Cronos runs the gap occurrence at 03:00 CEST and the overlap one once.
        var job = new RecordingJob("nightly", "30 2 * * *", Berlin);
        _time.SetUtcNow(new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero));
        var host = await HostAsync(jobs: [job]);
        await StepAsync(host, until: new DateTimeOffset(2026, 3, 30, 12, 0, 0, TimeSpan.Zero));

        // A restart in between: the state is in the database.
        await host.DisposeAsync();
        _time.SetUtcNow(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero));
        host = await HostAsync(jobs: [job]);
        await host.PassAsync(); // 2026-03-31 … 2026-10-24 missed while down: only the latest (2026-10-24 00:30Z) runs
        await StepAsync(host, until: new DateTimeOffset(2026, 10, 26, 12, 0, 0, TimeSpan.Zero));
        var logs = host.Logs.Entries.ToList();
        await host.DisposeAsync();

        Assert.Equal(
            [
                new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero),   // 03:00 CEST (gap)
                new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero),  // 02:30 CEST
                new DateTimeOffset(2026, 10, 24, 0, 30, 0, TimeSpan.Zero), // latest missed one
                new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), // first 02:30 (CEST) of the overlap, once
                new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero), // 02:30 CET
            ],
            job.Runs.Select(r => r.Occurrence));
        Assert.Contains(logs, e => e.EventId.Id == 869);

        async Task StepAsync(SchedulerTestHost h, DateTimeOffset until)
        {
            while (_time.GetUtcNow() < until)
            {
                _time.Advance(TimeSpan.FromMinutes(10));
                await h.PassAsync();
            }
        }
    }

    [StorageFact]
    public async Task RecurringJob_TwoInstancesEachTick_EachOccurrenceRunsOnce()
    {
        var runs = new System.Collections.Concurrent.ConcurrentQueue<(string Instance, DateTimeOffset Occurrence)>();
        await using var a = await HostAsync("a", jobs: [new RecordingJob("digest", "*/15 * * * *", TimeZoneInfo.Utc, runs, "a")]);
        await using var b = await HostAsync("b", jobs: [new RecordingJob("digest", "*/15 * * * *", TimeZoneInfo.Utc, runs, "b")]);

        for (var minute = 0; minute < 120; minute += 5)
        {
            _time.Advance(TimeSpan.FromMinutes(5));
            await Task.WhenAll(Task.Run(a.PassAsync), Task.Run(b.PassAsync));
        }

        var occurrences = runs.Select(r => r.Occurrence).ToList();
        Assert.Equal(occurrences.Distinct().Count(), occurrences.Count);
        Assert.Equal(8, occurrences.Count); // 08:15 … 10:00 (registered at 08:05, so 08:00 is not missed)
        Assert.Equal(Start.AddMinutes(15), occurrences.Min());
    }

    [StorageFact]
    public async Task RecurringJob_Fails_RetriesSameOccurrenceThenGivesUp()
    {
        var job = new RecordingJob("flaky", "0 * * * *", TimeZoneInfo.Utc) { FailNext = 1 };
        await using var host = await HostAsync(jobs: [job], settings: new Dictionary<string, string?> { ["Scheduling:JobMaxAttempts"] = "2" });
        await host.PassAsync(); // registers the job at 08:00

        _time.Advance(TimeSpan.FromHours(1));
        await host.PassAsync(); // 09:00 fails (attempt 1)
        Assert.Empty(job.Runs);
        _time.Advance(TimeSpan.FromSeconds(13));
        await host.PassAsync(); // retried: succeeds
        Assert.Equal([Start.AddHours(1)], job.Runs.Select(r => r.Occurrence));

        job.FailNext = 5;
        _time.Advance(TimeSpan.FromHours(1));
        await host.PassAsync(); // 10:00 attempt 1
        _time.Advance(TimeSpan.FromSeconds(13));
        await host.PassAsync(); // attempt 2: given up
        _time.Advance(TimeSpan.FromMinutes(1));
        await host.PassAsync(); // nothing: waits for 11:00
        Assert.Equal(3, job.FailNext);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 868 && e.Level == LogLevel.Error);

        job.FailNext = 0;
        _time.Advance(TimeSpan.FromHours(1));
        await host.PassAsync();
        Assert.Equal([Start.AddHours(1), Start.AddHours(3)], job.Runs.Select(r => r.Occurrence));
    }

    [StorageFact]
    public async Task RecurringJob_NoCron_IsDisabled()
    {
        var job = new RecordingJob("off", null, TimeZoneInfo.Utc);
        await using var host = await HostAsync(jobs: [job]);
        for (var i = 0; i < 3; i++)
        {
            _time.Advance(TimeSpan.FromHours(1));
            await host.PassAsync();
        }

        Assert.Empty(job.Runs);
    }
}

/// <summary>Every SchedulerWorkerTests test again on its own PostgreSQL database.</summary>
[PostgresTests]
public sealed class SchedulerWorkerPostgresTests : SchedulerWorkerTests
{
    protected override bool OnPostgres => true;
}
