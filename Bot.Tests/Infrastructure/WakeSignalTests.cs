using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Tests.Infrastructure.Outbox;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>
/// <see cref="CrisisBot.Infrastructure.WakeSignal.NotifyOnSave"/> inside an explicit transaction: the save's notification
/// comes before the work is visible, so the worker is notified again when the transaction commits (not on a rollback).
/// The outbox worker is not started, so nothing else consumes <see cref="OutboxSignal"/>.
/// </summary>
public sealed class WakeSignalTests : IAsyncLifetime
{
    private OutboxTestHost _host = null!;

    public async Task InitializeAsync() => _host = await OutboxTestHost.StartAsync(startWorker: false);

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static OutboxRequest Request() =>
        OutboxRequest.Send("http://127.0.0.1:1/", "tenant", "19:conv@thread.tacv2", OutgoingActivity.Message("hello"));

    private Task<bool> SignaledAsync() => _host.Get<OutboxSignal>().WaitAsync(TimeSpan.Zero, TimeProvider.System, CancellationToken.None);

    [Fact]
    public async Task NotifyOnSave_InsideTransaction_NotifiesAgainWhenItCommits()
    {
        await using var db = await _host.Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        _host.Outbox.Enqueue(db, Request());
        await db.SaveChangesAsync();
        Assert.True(await SignaledAsync());   // the save (work not visible to other connections yet)
        Assert.False(await SignaledAsync());

        await transaction.CommitAsync();

        Assert.True(await SignaledAsync());   // the commit: now the worker finds the row
        Assert.Single(await _host.RowsAsync());
    }

    [Fact]
    public async Task NotifyOnSave_TransactionRolledBack_NoCommitNotification()
    {
        await using var db = await _host.Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        _host.Outbox.Enqueue(db, Request());
        await db.SaveChangesAsync();
        Assert.True(await SignaledAsync());

        await transaction.RollbackAsync();

        Assert.False(await SignaledAsync());
        Assert.Empty(await _host.RowsAsync());
    }

    [Fact]
    public async Task NotifyOnSave_WithoutTransaction_NotifiesOnceOnSave()
    {
        await _host.InContextAsync(db => _host.Outbox.Enqueue(db, Request()));

        Assert.True(await SignaledAsync());
        Assert.False(await SignaledAsync());
    }

    [Fact]
    public async Task WarmUpAsync_BeforeAnySend_ChangesNoRowAndSendsNothing()
    {
        var pending = await _host.InContextAsync(db => _host.Outbox.Enqueue(db, Request()));

        await _host.Worker.WarmUpAsync(CancellationToken.None);

        var row = Assert.Single(await _host.RowsAsync());
        Assert.Equal(pending.Id, row.Id);
        Assert.Equal(OutboxStatus.Pending, row.Status);
        Assert.Null(row.LeaseOwner);
        Assert.Null(row.InFlightSince);
        Assert.Equal(0, row.Attempts);
    }
}
