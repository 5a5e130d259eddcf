using System.Text.Json;
using CrisisBot.Infrastructure.Delivery;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using Microsoft.EntityFrameworkCore;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>The outbox and its worker against the fake Connector over loopback.</summary>
public class OutboxDeliveryTests : FakeConnectorTestBase
{
    internal const string Tenant = "11111111-2222-3333-4444-555555555555";
    internal const string Channel = "19:ops@thread.tacv2";

    internal static OutgoingActivity Card(string text) =>
        OutgoingActivity.WithCard(JsonSerializer.SerializeToElement(new { type = "AdaptiveCard", version = "1.5", body = new[] { new { type = "TextBlock", text } } }), text);

    [StorageFact]
    public async Task Enqueue_TransactionRolledBack_LeavesNeitherStateNorRow()
    {
        await using var host = await OutboxTestHost.StartAsync(startWorker: false, postgres: Postgres);
        var factory = host.Get<IDbContextFactory<CrisisDbContext>>();

        await using (var db = await factory.CreateDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync();
            db.Add(AuditEntry.Create(DateTimeOffset.UnixEpoch, "test.state", "me", null, "s", null));
            host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(Fake.ServiceUrl, Tenant, Channel, Card("rolled back")));
            await db.SaveChangesAsync();
            await transaction.RollbackAsync();
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(Fake.ServiceUrl, Tenant, Channel, Card("committed")));
            db.Add(AuditEntry.Create(DateTimeOffset.UnixEpoch, "test.state", "me", null, "s", null));
            await db.SaveChangesAsync();
        }

        var row = Assert.Single(await host.RowsAsync());
        Assert.Contains("committed", row.Payload, StringComparison.Ordinal);
        Assert.Equal(OutboxStatus.Pending, row.Status);
        await using var check = await factory.CreateDbContextAsync();
        Assert.Equal(1, await check.AuditEntries.CountAsync());
    }

    [StorageFact]
    public async Task Worker_ChannelPostWithCardId_DeliversOnceAndRecordsIds()
    {
        await using var host = await OutboxTestHost.StartAsync(postgres: Postgres);

        var message = await host.Outbox.EnqueueAsync(OutboxRequest.ChannelPost(Fake.ServiceUrl, Tenant, Channel, Card("alert 1"), cardId: "topic:1"));
        var row = Assert.Single(await host.DrainAsync());

        Assert.Equal(OutboxStatus.Sent, row.Status);
        var posted = Assert.Single(Fake.Messages);
        Assert.Equal(row.ResultActivityId, posted.ActivityId);
        Assert.Equal($"{Channel};messageid={posted.ActivityId}", row.ResultConversationId);
        Assert.Equal(message.Key, posted.Marker);
        Assert.Null(row.InFlightSince);
        Assert.NotNull(row.SentAt);
        var card = await host.CardAsync("topic:1");
        Assert.NotNull(card);
        Assert.Equal((row.ResultConversationId, row.ResultActivityId), (card.ConversationId, card.ActivityId));
    }

    [StorageFact]
    public async Task Worker_TenUpdatesOfOneCard_SendsOnlyTheNewest()
    {
        await using var host = await OutboxTestHost.StartAsync(postgres: Postgres);
        await host.Outbox.EnqueueAsync(OutboxRequest.ChannelPost(Fake.ServiceUrl, Tenant, Channel, Card("v0"), cardId: "topic:7"));
        await host.DrainAsync();
        await host.Worker.StopAsync(CancellationToken.None);

        await host.InContextAsync(db =>
        {
            for (var i = 1; i <= 10; i++)
            {
                host.Outbox.Enqueue(db, OutboxRequest.UpdateCard(Fake.ServiceUrl, Tenant, Channel, "topic:7", Card($"v{i}")));
            }

            return 0;
        });
        await host.Worker.StartAsync(CancellationToken.None);
        var rows = await host.DrainAsync();

        var activityId = Fake.Messages.Single().ActivityId;
        Assert.Equal(1, Fake.UpdatesFor(activityId));
        Assert.Contains("v10", Fake.FindMessage(activityId)!.Activity.GetRawText(), StringComparison.Ordinal);
        var updates = rows.Where(r => r.Kind == OutboxKind.Update).ToList();
        Assert.Equal(9, updates.Count(r => r.Status == OutboxStatus.Superseded));
        Assert.Equal(OutboxStatus.Sent, updates[^1].Status);
    }

    [StorageFact]
    public async Task Worker_UpdateEnqueuedWithItsPost_WaitsForThePostThenUpdatesIt()
    {
        await using var host = await OutboxTestHost.StartAsync(startWorker: false, postgres: Postgres);
        await host.InContextAsync(db =>
        {
            host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(Fake.ServiceUrl, Tenant, Channel, Card("new"), cardId: "topic:2"));
            host.Outbox.Enqueue(db, OutboxRequest.UpdateCard(Fake.ServiceUrl, Tenant, Channel, "topic:2", Card("approved")));
            return 0;
        });
        Fake.InjectFault(FaultKind.BadGateway, count: 1, pathContains: "v3/conversations", method: "POST");

        await host.Worker.StartAsync(CancellationToken.None);
        var rows = await host.DrainAsync();

        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        var message = Assert.Single(Fake.Messages);
        Assert.Equal(1, Fake.UpdatesFor(message.ActivityId));
        Assert.Contains("approved", Fake.FindMessage(message.ActivityId)!.Activity.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, rows[0].Attempts);
    }

    /// <summary>
    /// A conversation's first row is held in memory (the conversation is throttled) for more than half a lease, and a later
    /// row of the same conversation was claimed meanwhile. The stale row goes back to the table; the later one must not
    /// overtake it when the throttle ends (it used to: an update then ran before its card's post and waited for
    /// <see cref="OutboxOptions.CardPostWait"/>, two replies in a thread arrived swapped).
    /// </summary>
    [StorageFact]
    public async Task Worker_HeadRowHeldPastHalfALease_LaterRowsOfItsConversationDoNotOvertakeIt()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 8, 0, 0, TimeSpan.Zero));
        var connector = new RecordingConnectorClient();
        await using var host = await OutboxTestHost.StartAsync(connector: connector, startWorker: false, postgres: Postgres, time: time);
        var worker = host.Worker;
        var lease = host.Get<Microsoft.Extensions.Options.IOptions<OutboxOptions>>().Value.LeaseDuration;
        var throttle = lease * 3 / 4;
        Assert.Equal(throttle, host.Get<TeamsRateLimiter>().On429(Tenant, Channel, throttle));

        await host.Outbox.EnqueueAsync(OutboxRequest.ChannelPost(Fake.ServiceUrl, Tenant, Channel, Card("the post"), cardId: "topic:9"));
        await host.Outbox.EnqueueAsync(OutboxRequest.Send(Fake.ServiceUrl, Tenant, Channel, Card("first reply")));
        await worker.PassAsync(claim: true, CancellationToken.None);
        Assert.Equal(2, worker.Held);
        Assert.Empty(connector.Calls);

        time.Advance((lease / 2) + TimeSpan.FromSeconds(1));
        await host.Outbox.EnqueueAsync(OutboxRequest.UpdateCard(Fake.ServiceUrl, Tenant, Channel, "topic:9", Card("the update")));
        await host.Outbox.EnqueueAsync(OutboxRequest.Send(Fake.ServiceUrl, Tenant, Channel, Card("second reply")));
        await worker.PassAsync(claim: true, CancellationToken.None);
        Assert.Empty(connector.Calls);

        time.Advance(throttle - (lease / 2)); // the throttle is over; the rows claimed in the last pass are not stale yet
        var rows = await host.RowsAsync();
        for (var pass = 0; pass < 400 && rows.Exists(r => r.Status is OutboxStatus.Pending or OutboxStatus.Sending); pass++)
        {
            await worker.PassAsync(claim: true, CancellationToken.None);
            await Task.Delay(5);
            rows = await host.RowsAsync();
        }

        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        Assert.All(rows, r => Assert.Equal(0, r.Attempts));
        Assert.Equal(
            ["create the post", "send first reply", "update the update", "send second reply"],
            connector.Calls.Select(c => c.Operation + " " + c.Activity!.Summary));
    }

    [StorageFact]
    public async Task Worker_UpdateOfCardNeverPosted_DeadLettersWithReason()
    {
        await using var host = await OutboxTestHost.StartAsync(postgres: Postgres);
        await host.Outbox.EnqueueAsync(OutboxRequest.UpdateCard(Fake.ServiceUrl, Tenant, Channel, "topic:404", Card("x")));

        var row = Assert.Single(await host.DrainAsync());

        Assert.Equal(OutboxStatus.Dead, row.Status);
        Assert.Contains("topic:404", row.LastError, StringComparison.Ordinal);
        Assert.Empty(Fake.Updates);
    }

    [StorageFact]
    public async Task Worker_SendIntoThreadAndNotifyPerson_Delivered()
    {
        Fake.AddTeam("19:team@thread.tacv2", "Crisis team", "aad", Tenant, (Channel, "Ops"));
        await using var host = await OutboxTestHost.StartAsync(postgres: Postgres);
        await host.Outbox.EnqueueAsync(OutboxRequest.Send(Fake.ServiceUrl, Tenant, $"{Channel};messageid=1", OutgoingActivity.Message("in thread")));
        await host.Outbox.EnqueueAsync(OutboxRequest.NotifyPerson(Fake.ServiceUrl, Tenant, "29:alice", OutgoingActivity.Message("hello alice")));

        var rows = await host.DrainAsync();

        Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
        Assert.Equal(2, Fake.Messages.Count);
        Assert.Contains(Fake.Messages, m => m.Activity.GetProperty("text").GetString() == "hello alice" && m.ConversationId == rows[1].ResultConversationId);
        Assert.Contains(Fake.Messages, m => m.Activity.GetProperty("text").GetString() == "in thread" && m.ActivityId == rows[0].ResultActivityId);
    }
}

/// <summary>Every OutboxDeliveryTests test again on its own PostgreSQL database.</summary>
[PostgresTests]
public sealed class OutboxDeliveryPostgresTests : OutboxDeliveryTests
{
    protected override bool OnPostgres => true;
}
