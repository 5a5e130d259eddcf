using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using Microsoft.EntityFrameworkCore;
using static CrisisBot.Tests.Infrastructure.Outbox.OutboxDeliveryTests;
using CrisisBot.Tests.Infrastructure.Storage;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>429s, 5xx, timeouts, dead-lettering, crash stamps and restarts, against the fake Connector.</summary>
public class OutboxFailureTests : FakeConnectorTestBase
{
    private OutboxRequest Post(string text, string channel = Channel) => OutboxRequest.ChannelPost(Fake.ServiceUrl, Tenant, channel, Card(text));

    [StorageFact]
    public async Task Worker_429WithRetryAfter_WaitsThatLongThenDeliversOnce()
    {
        Fake.InjectFault(FaultKind.TooManyRequests, count: 1, method: "POST", retryAfter: TimeSpan.FromSeconds(1));
        await using var host = await OutboxTestHost.StartAsync(postgres: Postgres);

        await host.Outbox.EnqueueAsync(Post("after 429"));
        var row = Assert.Single(await host.DrainAsync());

        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(0, row.Attempts); // throttling is not a failure
        var requests = Fake.Requests.Where(r => r.Method == "POST").ToList();
        Assert.Equal([429, 200], requests.Select(r => r.Status == 201 ? 200 : r.Status));
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(950), $"second try after {requests[1].At - requests[0].At}");
        Assert.Single(Fake.Messages);
        Assert.Empty(Fake.Violations);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 703);
    }

    [StorageFact]
    public async Task Worker_429WithoutRetryAfter_BacksOffAndOtherConversationsKeepFlowing()
    {
        const string Other = "19:other@thread.tacv2";
        Fake.InjectFault(FaultKind.TooManyRequests, count: 1, method: "POST");
        await using var host = await OutboxTestHost.StartAsync(new Dictionary<string, string?>
        {
            ["Delivery:RateLimits:BackoffBase"] = "00:00:00.500",
            ["Delivery:RateLimits:BackoffJitter"] = "0",
            ["Delivery:RateLimits:GlobalSlowdownDuration"] = "00:00:00.100",
        }, startWorker: false, postgres: Postgres);
        await host.Outbox.EnqueueAsync(Post("throttled first"));
        await host.Outbox.EnqueueAsync(Post("other channel", Other));

        await host.Worker.StartAsync(CancellationToken.None);
        var rows = await host.DrainAsync();

        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        var posts = Fake.Requests.Where(r => r.Method == "POST").ToList();
        var throttled = Assert.Single(posts, r => r.Status == 429);
        var retried = posts.Last(r => r.LimitKey == throttled.LimitKey && r.Status != 429);
        var other = posts.Single(r => r.LimitKey != throttled.LimitKey);
        Assert.True(retried.At - throttled.At >= TimeSpan.FromMilliseconds(450), $"retried after {retried.At - throttled.At}");
        Assert.True(other.At < retried.At, "the other channel was held up by the throttled one");
        Assert.Equal(2, Fake.Messages.Count);
        Assert.Empty(Fake.Violations);
    }

    [StorageTheory]
    [InlineData(FaultKind.InternalServerError)]
    [InlineData(FaultKind.BadGateway)]
    [InlineData(FaultKind.Timeout)]
    public async Task Worker_TransientFailures_RetriedUntilSent(FaultKind fault)
    {
        var timeout = fault == FaultKind.Timeout;
        var rule = Fake.InjectFault(fault, count: 2, method: "POST", hangFor: timeout ? TimeSpan.FromSeconds(5) : null);
        await using var host = await OutboxTestHost.StartAsync(
            new Dictionary<string, string?> { ["Connector:AttemptTimeout"] = timeout ? "00:00:00.500" : "00:00:05" }, postgres: Postgres);

        await host.Outbox.EnqueueAsync(Post("eventually"));
        var row = Assert.Single(await host.DrainAsync());

        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(2, rule.Hits);
        Assert.Single(Fake.Messages);
        var retries = host.Logs.Entries.Count(e => e.EventId.Id == 704);
        Assert.Equal(row.Attempts, retries);
        if (timeout)
        {
            // A slow machine may add a timeout of its own; never fewer than the two injected.
            Assert.True(row.Attempts >= 2, $"attempts {row.Attempts}");
        }
        else
        {
            Assert.Equal(2, row.Attempts);
        }
    }

    [StorageFact]
    public async Task Worker_FailsEveryTime_DeadAfterMaxAttempts()
    {
        Fake.InjectFault(FaultKind.InternalServerError, count: -1, method: "POST");
        await using var host = await OutboxTestHost.StartAsync(new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "3" }, postgres: Postgres);

        await host.Outbox.EnqueueAsync(Post("never"));
        var row = Assert.Single(await host.DrainAsync());

        Assert.Equal(OutboxStatus.Dead, row.Status);
        Assert.Equal(3, row.Attempts);
        Assert.Contains("gave up after 3 attempts", row.LastError, StringComparison.Ordinal);
        Assert.Contains("500", row.LastError, StringComparison.Ordinal);
        Assert.Equal(3, Fake.Requests.Count(r => r.Method == "POST"));
        Assert.Equal(1, await host.Admin.CountDeadAsync());
    }

    [StorageFact]
    public async Task Worker_403BotRemoved_DeadAtOnceWithReason()
    {
        await using var host = await OutboxTestHost.StartAsync(connector: new ForbiddenConnector(), postgres: Postgres);

        await host.Outbox.EnqueueAsync(OutboxRequest.Send(Fake.ServiceUrl, Tenant, Channel, OutgoingActivity.Message("hi")));
        var row = Assert.Single(await host.DrainAsync());

        Assert.Equal(OutboxStatus.Dead, row.Status);
        Assert.Equal(1, row.Attempts);
        Assert.StartsWith("403 Forbidden", row.LastError, StringComparison.Ordinal);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 705);
    }

    [StorageFact]
    public async Task Requeue_DeadRow_DeliveredAfterTheFaultClears()
    {
        Fake.InjectFault(FaultKind.InternalServerError, count: -1, method: "POST");
        await using var host = await OutboxTestHost.StartAsync(new Dictionary<string, string?> { ["Outbox:MaxAttempts"] = "1" }, postgres: Postgres);
        await host.Outbox.EnqueueAsync(Post("second chance"));
        var dead = Assert.Single(await host.DrainAsync());
        Assert.Equal(OutboxStatus.Dead, dead.Status);

        Fake.ClearFaults();
        Assert.Equal(RequeueResult.Requeued, await host.Admin.RequeueAsync(dead.Id, "admin", "Admin"));
        Assert.Equal(RequeueResult.NotDead, await host.Admin.RequeueAsync(dead.Id, "admin", "Admin"));
        Assert.Equal(RequeueResult.NotFound, await host.Admin.RequeueAsync(999, "admin", "Admin"));
        var row = Assert.Single(await host.DrainAsync());

        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Single(Fake.Messages);
    }

    [StorageFact]
    public async Task Restart_PendingRowsSurvive_DeliveredByANewHostOnTheSameFile()
    {
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var first = await OutboxTestHost.StartAsync(directory: directory, startWorker: false, postgres: Postgres))
            {
                for (var i = 0; i < 5; i++)
                {
                    await first.Outbox.EnqueueAsync(Post($"survivor {i}", $"19:c{i}@thread.tacv2"));
                }
            }

            await using var second = await OutboxTestHost.StartAsync(directory: directory, postgres: Postgres);
            var rows = await second.DrainAsync();

            Assert.Equal(5, rows.Count);
            Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
            Assert.Equal(5, Fake.Messages.Count);
            Assert.Empty(Fake.Duplicates());
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            if (Directory.Exists(directory)) // not created on PostgreSQL
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    [StorageFact]
    public async Task Claim_RowOfADeadWorkerInFlight_ReclaimedCountedAsInterruptedAndSent()
    {
        await using var host = await OutboxTestHost.StartAsync(startWorker: false, postgres: Postgres);
        var message = await host.Outbox.EnqueueAsync(Post("maybe twice"));
        var factory = host.Get<IDbContextFactory<CrisisDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var past = DateTimeOffset.UtcNow.AddMinutes(-1);
            await db.Set<OutboxMessage>().Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sending)
                .SetProperty(m => m.LeaseOwner, "crashed-instance")
                .SetProperty(m => m.LeaseUntil, past)
                .SetProperty(m => m.InFlightSince, past));
        }

        await host.Worker.StartAsync(CancellationToken.None);
        var row = Assert.Single(await host.DrainAsync());

        Assert.Equal(OutboxStatus.Sent, row.Status);
        Assert.Equal(1, row.InterruptedSends);
        Assert.Null(row.InFlightSince);
        Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 706 && e.Message.Contains($"row {row.Id}", StringComparison.Ordinal));
    }

    [StorageFact]
    public async Task Claim_LeaseHeldByLiveWorker_NotTakenByAnother()
    {
        await using var host = await OutboxTestHost.StartAsync(startWorker: false, postgres: Postgres);
        var message = await host.Outbox.EnqueueAsync(Post("mine"));
        await using (var db = await host.Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync())
        {
            await db.Set<OutboxMessage>().Where(m => m.Id == message.Id).ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Sending)
                .SetProperty(m => m.LeaseOwner, "other-instance")
                .SetProperty(m => m.LeaseUntil, DateTimeOffset.UtcNow.AddMinutes(5)));
        }

        await host.Worker.StartAsync(CancellationToken.None);
        await Task.Delay(600);

        var row = Assert.Single(await host.RowsAsync());
        Assert.Equal((OutboxStatus.Sending, "other-instance"), (row.Status, row.LeaseOwner));
        Assert.Empty(Fake.Messages);
    }

    /// <summary>A Connector that answers 403 (bot removed from the conversation) to everything.</summary>
    private sealed class ForbiddenConnector : IConnectorClient
    {
        private static ConnectorException Forbidden(string operation) =>
            new(System.Net.HttpStatusCode.Forbidden, "BotNotInConversationRoster", "{}", operation);

        public Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, OutgoingActivity activity, CancellationToken ct = default) =>
            throw Forbidden("SendToConversation");

        public Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, OutgoingActivity activity, CancellationToken ct = default) =>
            throw Forbidden("ReplyToActivity");

        public Task<ResourceResponse> UpdateAsync(string serviceUrl, string conversationId, string activityId, OutgoingActivity activity, CancellationToken ct = default) =>
            throw Forbidden("UpdateActivity");

        public Task DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken ct = default) => throw Forbidden("DeleteActivity");

        public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct = default) =>
            throw Forbidden("CreateConversation");

        public Task<PagedMembersResult> GetPagedMembersAsync(string serviceUrl, string conversationId, int? pageSize = null, string? continuationToken = null, CancellationToken ct = default) =>
            throw Forbidden("GetConversationPagedMembers");

        public Task<TeamsChannelAccount> GetMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken ct = default) =>
            throw Forbidden("GetConversationMember");

        public Task<TeamDetails> GetTeamDetailsAsync(string serviceUrl, string teamId, CancellationToken ct = default) => throw Forbidden("GetTeamDetails");

        public Task<IReadOnlyList<TeamChannel>> GetTeamChannelsAsync(string serviceUrl, string teamId, CancellationToken ct = default) =>
            throw Forbidden("GetTeamChannels");
    }
}

/// <summary>Every OutboxFailureTests test again on its own PostgreSQL database.</summary>
[PostgresTests]
public sealed class OutboxFailurePostgresTests : OutboxFailureTests
{
    protected override bool OnPostgres => true;
}
