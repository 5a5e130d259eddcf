using System.Net;
using CrisisBot.Infrastructure.Inbound;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol;
using CrisisBot.Protocol.Hosting;
using CrisisBot.Tests.Infrastructure.Storage;
using CrisisBot.Tests.Protocol.Connector;
using CrisisBot.Tests.TestData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Infrastructure.Inbound;

/// <summary>
/// Durable inbound turns (issue 4 leftover): a non-invoke activity is a committed row before the 200; a stop right after
/// the 200 loses nothing (the next start runs the turn, once); a re-delivery of the same activity runs nothing; a turn
/// that keeps failing is dead-lettered with a log line and listed by <c>outbox</c>. On SQLite, and on PostgreSQL in the
/// subclass below.
/// </summary>
public class DurableInboundTurnsTests : StorageProviderTests
{
    [StorageFact]
    public async Task Post_StopRightAfterThe200_NextStartRunsTheTurnOnce()
    {
        var dataDirectory = Directory.CreateTempSubdirectory("crisisbot-inbound-").FullName;
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var completed = 0;
        var message = ActivityBuilder.Personal("work").Build();
        try
        {
            // First life: the turn starts, then the host stops before it can finish.
            using (var first = Factory(dataDirectory).WithRoutes(r => r.OnCommand("work", async (turn, command, ct) =>
                   {
                       started.TrySetResult();
                       await Task.Delay(Timeout.Infinite, ct);
                   })))
            {
                using var response = await first.PostActivityAsync(message);
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
                Assert.Equal(InboundTurnStatus.Pending, (await RowsAsync(first)).Single().Status);
            }

            // Second life on the same database: the stored turn runs, once.
            using var second = Factory(dataDirectory).WithRoutes(r => r.OnCommand("work", (turn, command, ct) =>
            {
                Interlocked.Increment(ref completed);
                return Task.CompletedTask;
            }));
            _ = second.Services; // start the host (and its sweeper) without a request
            var row = await WaitForStatusAsync(second, message.Id!, InboundTurnStatus.Done);

            Assert.Equal(1, Volatile.Read(ref completed));
            Assert.Equal(0, row.Attempts); // a graceful stop hands the turn back without counting a failure
            await second.WaitForQueuedTurnsAsync();
            Assert.Equal(1, Volatile.Read(ref completed));
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }

    [StorageFact]
    public async Task Start_TurnLeftByACrashedInstance_RunsOnceWhenItsLeaseRunsOut()
    {
        var completed = 0;
        using var factory = Factory().WithRoutes(r => r.OnCommand("work", (turn, command, ct) =>
        {
            Interlocked.Increment(ref completed);
            return Task.CompletedTask;
        }));
        var message = ActivityBuilder.Personal("work").Build();
        // What kill -9 right after the 200 leaves behind: a pending row leased by an instance that no longer exists.
        await InsertAsync(factory, message, leaseOwner: "crashed-host/4242/dead", leaseUntil: TimeProvider.System.GetUtcNow().AddMilliseconds(300), attempts: 0);

        var row = await WaitForStatusAsync(factory, message.Id!, InboundTurnStatus.Done);

        Assert.Equal(1, Volatile.Read(ref completed));
        Assert.Equal(1, row.Attempts); // the interrupted run counts towards the dead-letter limit
    }

    [StorageFact]
    public async Task Post_SameActivityIdTwice_TurnRunsOnce()
    {
        var runs = 0;
        using var factory = Factory().WithRoutes(r => r.OnCommand("once", (turn, command, ct) =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }));
        var message = ActivityBuilder.Personal("once").Build();

        using var first = await factory.PostActivityAsync(message);
        await factory.WaitForQueuedTurnsAsync();
        using var second = await factory.PostActivityAsync(message);
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(1, runs);
        var row = Assert.Single(await RowsAsync(factory));
        Assert.Equal(InboundTurnStatus.Done, row.Status);
        Assert.Equal(message.Id, row.ActivityId);
    }

    [StorageFact]
    public async Task Post_SameActivityIdInAnotherConversation_IsADifferentActivity()
    {
        var runs = 0;
        using var factory = Factory().WithRoutes(r => r.OnCommand("once", (turn, command, ct) =>
        {
            Interlocked.Increment(ref runs);
            return Task.CompletedTask;
        }));
        var personal = ActivityBuilder.Personal("once").Build();
        var group = ActivityBuilder.GroupChat("once").Build();
        group.Id = personal.Id;

        using var first = await factory.PostActivityAsync(personal);
        using var second = await factory.PostActivityAsync(group);
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(2, runs);
        Assert.Equal(2, (await RowsAsync(factory)).Count);
    }

    [StorageFact]
    public async Task Post_HandlerAlwaysThrows_DeadLetteredAfterMaxAttemptsWithLogLineAndOneNotice()
    {
        var calls = 0;
        var logs = new CapturingLoggerProvider();
        using var factory = Factory()
            .WithServices(s => s.AddSingleton<ILoggerProvider>(logs))
            .WithRoutes(r => r.OnCommand("poison", (turn, command, ct) =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("poison pill");
            }));
        var message = ActivityBuilder.Personal("poison").Build();

        using var response = await factory.PostActivityAsync(message);
        var row = await WaitForStatusAsync(factory, message.Id!, InboundTurnStatus.Dead);
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(3, calls);
        Assert.Equal(3, row.Attempts);
        Assert.Contains("poison pill", row.LastError, StringComparison.Ordinal);
        var dead = Assert.Single(logs.Entries, e => e.EventId.Id == 126);
        Assert.Equal(LogLevel.Error, dead.Level);
        Assert.Contains(message.Id!, dead.Message, StringComparison.Ordinal);
        Assert.Single(factory.Connector.Sent, c => c.Activity!.Text == TurnProcessor.ErrorNotice);
        var listed = Assert.Single(await factory.Services.GetRequiredService<InboundAdmin>().LastDeadAsync());
        Assert.Equal(message.Id, listed.ActivityId);
    }

    [StorageFact]
    public async Task Post_HandlerFailsOnceThenSucceeds_RetriedAndDoneWithoutNotice()
    {
        var calls = 0;
        using var factory = Factory().WithRoutes(r => r.OnCommand("flaky", (turn, command, ct) =>
            Interlocked.Increment(ref calls) == 1 ? throw new TimeoutException("database busy") : Task.CompletedTask));
        var message = ActivityBuilder.Personal("flaky").Build();

        using var response = await factory.PostActivityAsync(message);
        var row = await WaitForStatusAsync(factory, message.Id!, InboundTurnStatus.Done);

        Assert.Equal(2, calls);
        Assert.Equal(1, row.Attempts);
        Assert.DoesNotContain(factory.Connector.Sent, c => c.Activity!.Text == TurnProcessor.ErrorNotice);
    }

    [StorageFact]
    public async Task Start_TurnThatCrashedTheProcessEveryTime_DeadLetteredWithoutRunning()
    {
        var runs = 0;
        var logs = new CapturingLoggerProvider();
        using var factory = Factory()
            .WithServices(s => s.AddSingleton<ILoggerProvider>(logs))
            .WithRoutes(r => r.OnCommand("crash", (turn, command, ct) =>
            {
                Interlocked.Increment(ref runs);
                return Task.CompletedTask;
            }));
        var message = ActivityBuilder.Personal("crash").Build();
        // Two runs already ended with the process dying (attempts 2), the third one too (its lease ran out).
        await InsertAsync(factory, message, leaseOwner: "crashed-host/1/x", leaseUntil: TimeProvider.System.GetUtcNow().AddSeconds(-1), attempts: 2);

        var row = await WaitForStatusAsync(factory, message.Id!, InboundTurnStatus.Dead);

        Assert.Equal(0, runs);
        Assert.Equal(3, row.Attempts);
        Assert.Contains("process stopped during the turn", row.LastError, StringComparison.Ordinal);
        // The dead-letter event is logged right after the row's UPDATE, so it may trail the status the test saw.
        await WaitForLogAsync(logs, e => e.EventId.Id == 126 && e.Message.Contains(message.Id!, StringComparison.Ordinal));
        Assert.Contains(logs.Entries, e => e.EventId.Id == 126 && e.Message.Contains(message.Id!, StringComparison.Ordinal));
    }

    [StorageFact]
    public async Task Post_Invoke_IsAnsweredSynchronouslyAndNotStored()
    {
        using var factory = Factory();

        var response = await factory.InvokeAsync(ActivityBuilder.CardAction("help.refresh").Build());

        Assert.Equal(200, response.StatusCode);
        Assert.Empty(await RowsAsync(factory));
    }

    [StorageFact]
    public async Task Post_StorageUnavailable_Answers503AndRunsNothing()
    {
        var runs = 0;
        using var factory = Factory()
            .WithServices(s => s.AddSingleton<IInboundTurns>(new FailingInboundTurns()))
            .WithRoutes(r => r.OnCommand("work", (turn, command, ct) =>
            {
                Interlocked.Increment(ref runs);
                return Task.CompletedTask;
            }));

        using var response = await factory.PostActivityAsync(ActivityBuilder.Personal("work").Build());
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Equal(0, runs);
    }

    [StorageFact]
    public async Task RetentionJob_DeletesOldDoneRowsKeepsDeadAndRecent()
    {
        using var factory = Factory();
        var old = ActivityBuilder.Personal("a").Build();
        var recent = ActivityBuilder.Personal("b").Build();
        var dead = ActivityBuilder.Personal("c").Build();
        await InsertAsync(factory, old, null, null, 0, InboundTurnStatus.Done, TimeProvider.System.GetUtcNow().AddDays(-3));
        await InsertAsync(factory, recent, null, null, 0, InboundTurnStatus.Done, TimeProvider.System.GetUtcNow().AddHours(-1));
        await InsertAsync(factory, dead, null, null, 3, InboundTurnStatus.Dead, TimeProvider.System.GetUtcNow().AddDays(-3));

        var deleted = await factory.Services.GetRequiredService<InboundRetentionJob>().DeleteOldRowsAsync(CancellationToken.None);

        Assert.Equal(1, deleted);
        Assert.Equal(new[] { recent.Id!, dead.Id! }.Order(StringComparer.Ordinal), (await RowsAsync(factory)).Select(r => r.ActivityId!).Order(StringComparer.Ordinal));
    }

    private CrisisBotFactory Factory(string? dataDirectory = null)
    {
        var factory = CrisisBotFactory.LocalMode()
            .WithSetting("Bot:InboundRetryBaseDelay", "00:00:00.020")
            .WithSetting("Bot:InboundPollInterval", "00:00:00.050")
            .WithSetting("Bot:InboundLease", "00:00:01");
        if (dataDirectory is not null)
        {
            factory.WithSetting("Storage:DataDirectory", dataDirectory);
        }

        if (Postgres is { } connection)
        {
            factory.WithSetting("Storage:Provider", "Postgres").WithSetting("ConnectionStrings:Postgres", connection);
        }

        return factory;
    }

    private static async Task<List<InboundTurn>> RowsAsync(CrisisBotFactory factory)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        return await db.Set<InboundTurn>().AsNoTracking().OrderBy(t => t.Id).ToListAsync();
    }

    private static async Task WaitForLogAsync(CapturingLoggerProvider logs, Func<CapturingLoggerProvider.LogEntry, bool> match)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (!logs.Entries.Any(match) && !timeout.IsCancellationRequested)
        {
            await Task.Delay(20, CancellationToken.None);
        }
    }

    private static async Task<InboundTurn> WaitForStatusAsync(CrisisBotFactory factory, string activityId, InboundTurnStatus status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (true)
        {
            var row = (await RowsAsync(factory)).SingleOrDefault(r => r.ActivityId == activityId);
            if (row?.Status == status)
            {
                return row;
            }

            await Task.Delay(20, timeout.Token);
        }
    }

    private static async Task InsertAsync(CrisisBotFactory factory, global::CrisisBot.Protocol.Activities.Activity activity, string? leaseOwner, DateTimeOffset? leaseUntil,
        int attempts, InboundTurnStatus status = InboundTurnStatus.Pending, DateTimeOffset? receivedAt = null)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        var now = receivedAt ?? TimeProvider.System.GetUtcNow();
        db.Add(new InboundTurn
        {
            Key = DurableInboundTurns.KeyOf(activity),
            ActivityId = activity.Id,
            ConversationId = activity.Conversation?.Id,
            Type = activity.Type!,
            Payload = System.Text.Json.JsonSerializer.Serialize(activity, ProtocolJsonContext.Default.Activity),
            Status = status,
            Attempts = attempts,
            NextAttemptAt = now,
            LeaseOwner = leaseOwner,
            LeaseUntil = leaseUntil,
            ReceivedAt = now,
            CompletedAt = status == InboundTurnStatus.Pending ? null : now,
        });
        await db.SaveChangesAsync();
    }

    private sealed class FailingInboundTurns : IInboundTurns
    {
        public bool IsDurable => true;

        public Task<InboundAdmission> AdmitAsync(global::CrisisBot.Protocol.Activities.Activity activity, CancellationToken ct) =>
            throw new InvalidOperationException("database is locked");

        public Task CompleteAsync(long id, CancellationToken ct) => Task.CompletedTask;

        public Task<InboundFailureOutcome> FailAsync(long id, string reason, CancellationToken ct) => Task.FromResult(new InboundFailureOutcome(true, 1, null));

        public Task ReleaseAsync(long id, CancellationToken ct) => Task.CompletedTask;

        public Task<IReadOnlyList<InboundClaim>> ClaimDueAsync(int max, ICollection<long> held, CancellationToken ct) =>
            Task.FromResult<IReadOnlyList<InboundClaim>>([]);

        public Task RenewLeasesAsync(CancellationToken ct) => Task.CompletedTask;
    }
}

[PostgresTests]
public sealed class DurableInboundTurnsPostgresTests : DurableInboundTurnsTests
{
    protected override bool OnPostgres => true;
}
