using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Tests.Infrastructure.Outbox;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>
/// <see cref="CrisisBot.Infrastructure.WakeSignal.NotifyOnSave"/> inside an explicit transaction: a save is not visible to
/// the worker before the commit, so the worker is notified once, when the transaction commits (not at the save, not on a
/// rollback); a save outside a transaction notifies at once.
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
    public async Task NotifyOnSave_InsideTransaction_NotifiesOnlyWhenItCommits()
    {
        await using var db = await _host.Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        _host.Outbox.Enqueue(db, Request());
        await db.SaveChangesAsync();
        Assert.False(await SignaledAsync());  // saved, but not visible to the worker's connection yet

        await transaction.CommitAsync();

        Assert.True(await SignaledAsync());   // the commit: now the worker finds the row
        Assert.False(await SignaledAsync());  // once per commit
        Assert.Single(await _host.RowsAsync());
    }

    [Fact]
    public async Task NotifyOnSave_SubscribedBeforeTheTransactionBegins_NotifiesWhenItCommits()
    {
        await using var db = await _host.Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        _host.Outbox.Enqueue(db, Request());
        await using var transaction = await db.Database.BeginTransactionAsync();
        await db.SaveChangesAsync();
        Assert.False(await SignaledAsync());

        await transaction.CommitAsync();

        Assert.True(await SignaledAsync());
        Assert.Single(await _host.RowsAsync());
    }

    [Fact]
    public async Task NotifyOnSave_TransactionRolledBack_NoNotification()
    {
        await using var db = await _host.Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        await using var transaction = await db.Database.BeginTransactionAsync();
        _host.Outbox.Enqueue(db, Request());
        await db.SaveChangesAsync();

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
