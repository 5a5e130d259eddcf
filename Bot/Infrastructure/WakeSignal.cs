using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Infrastructure;

/// <summary>
/// Wakes a background worker when something it handles was committed: an auto-reset event on which many notifications
/// collapse into one. Each worker has its own subclass, so each is its own singleton.
/// </summary>
public abstract class WakeSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Dispose()
    {
        _semaphore.Dispose();
        GC.SuppressFinalize(this);
    }

    public void Notify()
    {
        try
        {
            _semaphore.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already signalled.
        }
    }

    /// <summary>
    /// Notifies once <paramref name="db"/>'s next save (and any later one) is visible to other connections: call it where
    /// the work is added to the context. A save outside an explicit transaction notifies at once. A save inside one is not
    /// yet visible, so it notifies only when that transaction commits (through <see cref="CommitInterceptor"/>, which
    /// <c>AddStorage</c> adds to every context), never on a rollback: a worker woken before the commit would find nothing
    /// and wait for its next poll. Subscribing twice from the same signal is a no-op.
    /// </summary>
    public void NotifyOnSave(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.SavedChanges -= OnSaved;
        db.SavedChanges += OnSaved;
    }

    private void OnSaved(object? sender, SavedChangesEventArgs e)
    {
        if (sender is DbContext { Database.CurrentTransaction: not null } db)
        {
            NotifyOnCommit(db);
        }
        else
        {
            Notify();
        }
    }

    private void NotifyOnCommit(DbContext db)
    {
        var waiting = PendingCommits.GetOrCreateValue(db);
        lock (waiting)
        {
            if (!waiting.Contains(this))
            {
                waiting.Add(this);
            }
        }
    }

    /// <summary>Signals to notify when a context's current transaction commits.</summary>
    private static readonly System.Runtime.CompilerServices.ConditionalWeakTable<DbContext, List<WakeSignal>> PendingCommits = [];

    /// <summary>The EF Core interceptor that notifies, when a transaction commits, the signals subscribed inside it.</summary>
    public static Microsoft.EntityFrameworkCore.Diagnostics.IInterceptor CommitInterceptor { get; } = new CommitNotifier();

    private static void TransactionEnded(DbContext? db, bool committed)
    {
        if (db is null || !PendingCommits.TryGetValue(db, out var waiting))
        {
            return;
        }

        WakeSignal[] signals;
        lock (waiting)
        {
            signals = [.. waiting];
            waiting.Clear();
        }

        if (committed)
        {
            foreach (var signal in signals)
            {
                signal.Notify();
            }
        }
    }

    private sealed class CommitNotifier : Microsoft.EntityFrameworkCore.Diagnostics.DbTransactionInterceptor
    {
        public override void TransactionCommitted(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) =>
            TransactionEnded(eventData.Context, committed: true);

        public override Task TransactionCommittedAsync(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            TransactionEnded(eventData.Context, committed: true);
            return Task.CompletedTask;
        }

        public override void TransactionRolledBack(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData) =>
            TransactionEnded(eventData.Context, committed: false);

        public override Task TransactionRolledBackAsync(System.Data.Common.DbTransaction transaction, Microsoft.EntityFrameworkCore.Diagnostics.TransactionEndEventData eventData, CancellationToken cancellationToken = default)
        {
            TransactionEnded(eventData.Context, committed: false);
            return Task.CompletedTask;
        }
    }

    /// <summary>Waits for a notification or <paramref name="timeout"/> on <paramref name="time"/>'s clock.</summary>
    /// <returns>True when notified.</returns>
    public async Task<bool> WaitAsync(TimeSpan timeout, TimeProvider time, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(time);
        if (_semaphore.Wait(0, CancellationToken.None))
        {
            return true;
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var wait = _semaphore.WaitAsync(cts.Token);
        var delay = Task.Delay(timeout, time, cts.Token);
        await Task.WhenAny(wait, delay);
        await cts.CancelAsync();
        try
        {
            // Acquired unless the cancellation above (or the caller's) came first.
            await wait;
            return true;
        }
        catch (OperationCanceledException)
        {
            ct.ThrowIfCancellationRequested();
            return false;
        }
        finally
        {
            await Task.WhenAny(delay);
        }
    }
}
