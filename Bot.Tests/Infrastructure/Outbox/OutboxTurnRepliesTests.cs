using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using CrisisBot.Tests.TestData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>Turn replies through the outbox, delivered by the worker to the fake Connector.</summary>
public sealed class OutboxTurnRepliesTests : IAsyncLifetime
{
    private FakeConnectorServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeConnectorServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private Activity Inbound(string? replyToId = null) =>
        ActivityBuilder.Channel("status").WithServiceUrl(_fake.ServiceUrl).WithReplyToId(replyToId).Build();

    /// <summary>The ITurnReplies a turn gets (scoped): AddOutbox must have replaced the direct Connector replies.</summary>
    private static ITurnReplies Replies(OutboxTestHost host)
    {
        using var scope = host.Get<IServiceScopeFactory>().CreateScope();
        return Assert.IsType<OutboxTurnReplies>(scope.ServiceProvider.GetRequiredService<ITurnReplies>());
    }

    [Fact]
    public async Task ReplyAsync_WorkerRunning_ReturnsDeliveredActivityIdAndPostsInTheThread()
    {
        await using var host = await OutboxTestHost.StartAsync();
        var replies = Replies(host);
        var inbound = Inbound();

        var id = await replies.ReplyAsync(inbound, OutgoingActivity.Message("pong"), CancellationToken.None);

        var message = Assert.Single(_fake.Messages);
        Assert.Equal(message.ActivityId, id);
        Assert.Equal(inbound.Conversation!.Id, message.ConversationId);
        var row = Assert.Single(await host.RowsAsync());
        Assert.Equal((OutboxKind.Send, OutboxStatus.Sent), (row.Kind, row.Status));
        Assert.Equal(OutboxTurnReplies.TenantOf(inbound), row.TenantId);
    }

    [Fact]
    public async Task ReplyAsync_WorkerStopped_ReturnsNullAfterTheTimeoutAndTheRowStaysPending()
    {
        await using var host = await OutboxTestHost.StartAsync(new Dictionary<string, string?> { ["Outbox:ReplyWaitTimeout"] = "00:00:00.200" }, startWorker: false);
        var replies = new OutboxTurnReplies(host.Outbox, host.Get<IOptions<OutboxOptions>>());

        var id = await replies.ReplyAsync(Inbound(), OutgoingActivity.Message("later"), CancellationToken.None);

        Assert.Null(id);
        Assert.Equal(OutboxStatus.Pending, Assert.Single(await host.RowsAsync()).Status);
        Assert.Empty(_fake.Messages);
    }

    [Fact]
    public async Task UpdateAsync_ReplyToId_PutsTheReplacementOnThatActivity()
    {
        await using var host = await OutboxTestHost.StartAsync();
        var replies = Replies(host);
        var inbound = Inbound();
        var posted = await replies.ReplyAsync(inbound, OutgoingActivity.Message("v1"), CancellationToken.None);

        await replies.UpdateAsync(Inbound(posted), OutgoingActivity.Message("v2"), CancellationToken.None);

        Assert.Equal(1, _fake.UpdatesFor(posted!));
        Assert.Equal("v2", _fake.FindMessage(posted!)!.Activity.GetProperty("text").GetString());
    }

    [Fact]
    public async Task UpdateAsync_NoReplyToId_ClearError()
    {
        await using var host = await OutboxTestHost.StartAsync(startWorker: false);
        var replies = Replies(host);

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => replies.UpdateAsync(Inbound(), OutgoingActivity.Message("x"), CancellationToken.None));

        Assert.Contains("replyToId", ex.Message, StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync());
    }
}
