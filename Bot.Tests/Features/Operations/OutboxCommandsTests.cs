using System.Net;
using System.Text.Json;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.Infrastructure.Storage;
using CrisisBot.Tests.TestData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisBot.Tests.Features.Operations;

/// <summary>The admin <c>outbox</c> command and <c>/healthz</c> degradation, through POST /api/messages in local mode.</summary>
public class OutboxCommandsTests : StorageProviderTests
{
    private const string AdminAad = "AAAAAAAA-0000-0000-0000-00000000000A";
    private const string OtherAad = "BBBBBBBB-0000-0000-0000-00000000000B";
    private CrisisBotFactory _factory = null!;

    protected override Task StartAsync()
    {
        _factory = CrisisBotFactory.LocalMode().WithSetting("Bot:Admins:0", AdminAad);
        if (Postgres is not null)
        {
            _factory.WithSetting("Storage:Provider", "Postgres").WithSetting("ConnectionStrings:Postgres", Postgres);
        }

        return Task.CompletedTask;
    }

    protected override async Task StopAsync() => await _factory.DisposeAsync();

    private static Activity From(string text, string aad) => ActivityBuilder.Personal(text).WithFrom("29:" + aad, "Someone", aad).Build();

    /// <summary>An update of a card that was never posted: the worker dead-letters it at once.</summary>
    private async Task<long> DeadRowAsync()
    {
        var outbox = _factory.Services.GetRequiredService<IOutbox>();
        var row = await outbox.EnqueueAsync(OutboxRequest.UpdateCard("https://smba.trafficmanager.net/amer/", "tenant-1", "19:ops@thread.tacv2", "topic:ghost",
            OutgoingActivity.Message("never")));
        var admin = _factory.Services.GetRequiredService<OutboxAdmin>();
        for (var i = 0; i < 200 && await admin.CountDeadAsync() == 0; i++)
        {
            await Task.Delay(25);
        }

        Assert.Equal(1, await admin.CountDeadAsync());
        return row.Id;
    }

    private async Task<OutgoingActivity> CommandAsync(string text, string aad)
    {
        var before = _factory.Connector.Sent.Count();
        using var response = await _factory.PostActivityAsync(From(text, aad));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await _factory.WaitForQueuedTurnsAsync();
        return Assert.Single(_factory.Connector.Sent.Skip(before)).Activity!;
    }

    [StorageFact]
    public async Task Outbox_Admin_ListsCountsAndDeadRowsWithReasons()
    {
        var id = await DeadRowAsync();

        var reply = await CommandAsync("outbox", AdminAad);

        Assert.Equal("plain", reply.TextFormat);
        Assert.Contains("1 dead", reply.Text, StringComparison.Ordinal);
        Assert.Contains($"#{id} Update to 19:ops@thread.tacv2", reply.Text, StringComparison.Ordinal);
        Assert.Contains("card 'topic:ghost' has no post", reply.Text, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Outbox_NoDeadRows_SaysSo()
    {
        var reply = await CommandAsync("outbox", AdminAad);

        Assert.Contains("0 dead", reply.Text, StringComparison.Ordinal);
        Assert.Contains("No dead rows.", reply.Text, StringComparison.Ordinal);
    }

    [StorageTheory]
    [InlineData("outbox")]
    [InlineData("outbox retry 1")]
    public async Task Outbox_NonAdmin_NotAllowedAndNothingRequeued(string text)
    {
        await DeadRowAsync();

        var reply = await CommandAsync(text, OtherAad);

        Assert.Null(reply.Text);
        Assert.Contains("Not allowed", Assert.Single(reply.Attachments!).Content.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(1, await _factory.Services.GetRequiredService<OutboxAdmin>().CountDeadAsync());
    }

    [StorageFact]
    public async Task OutboxRetry_Admin_RequeuesTheDeadRowAndAudits()
    {
        var id = await DeadRowAsync();
        var factory = _factory.Services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();
        await using var db = await factory.CreateDbContextAsync();
        var before = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id);

        var reply = await CommandAsync($"outbox retry {id}", AdminAad);

        Assert.Equal($"Row #{id} is queued again; it will be sent shortly.", reply.Text);
        var audit = Assert.Single(await db.AuditEntries.Where(a => a.Action == "outbox.retry").ToListAsync());
        Assert.Equal((AdminAad, $"outbox:{id}"), (audit.ActorId, audit.Subject));
        var row = await db.Set<OutboxMessage>().AsNoTracking().SingleAsync(m => m.Id == id);
        Assert.True(row.NextAttemptAt > before.NextAttemptAt, "the row was not scheduled again");
    }

    [StorageTheory]
    [InlineData("outbox retry abc", "'abc' is not a row number")]
    [InlineData("outbox retry 999", "There is no outbox row #999")]
    [InlineData("outbox purge", "Usage: 'outbox'")]
    public async Task OutboxRetry_BadInput_ClearError(string text, string expected)
    {
        var reply = await CommandAsync(text, AdminAad);

        Assert.Contains(expected, reply.Text, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task OutboxRetry_RowNotDead_SaysNothingToRetry()
    {
        var outbox = _factory.Services.GetRequiredService<IOutbox>();
        var delivery = await outbox.EnqueueAndWaitAsync(
            OutboxRequest.Send("https://smba.trafficmanager.net/amer/", "tenant-1", "a:1", OutgoingActivity.Message("hi")), TimeSpan.FromSeconds(5));
        Assert.Equal(OutboxStatus.Sent, delivery?.Status);

        var reply = await CommandAsync($"outbox retry {delivery!.Id}", AdminAad);

        Assert.Equal($"Row #{delivery.Id} is not dead-lettered, so there is nothing to retry.", reply.Text);
    }

    [StorageFact]
    public async Task Healthz_DeadRows_200DegradedWithCount()
    {
        using var client = _factory.CreateClient();
        using (var healthy = await client.GetAsync(new Uri("/healthz", UriKind.Relative)))
        {
            Assert.Equal($$"""{"status":"healthy","storage":"{{(OnPostgres ? "postgres" : "sqlite")}}"}""", await healthy.Content.ReadAsStringAsync());
        }

        await DeadRowAsync();
        using var degraded = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, degraded.StatusCode);
        var body = JsonDocument.Parse(await degraded.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("degraded", body.GetProperty("status").GetString());
        Assert.Equal(1, body.GetProperty("deadLetters").GetInt32());
    }
}

/// <summary>The outbox command and /healthz degradation again, the whole bot on its own PostgreSQL database.</summary>
[PostgresTests]
public sealed class OutboxCommandsPostgresTests : OutboxCommandsTests
{
    protected override bool OnPostgres => true;
}
