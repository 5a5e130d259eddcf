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
    /// Notifies after <paramref name="db"/>'s next save (and any later one): call it where the work is added to the
    /// context. Inside an explicit transaction the worker may look before the commit; it then finds the work on its next
    /// poll. Subscribing twice from the same signal is a no-op.
    /// </summary>
    public void NotifyOnSave(DbContext db)
    {
        ArgumentNullException.ThrowIfNull(db);
        db.SavedChanges -= OnSaved;
        db.SavedChanges += OnSaved;
    }

    private void OnSaved(object? sender, SavedChangesEventArgs e) => Notify();

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
