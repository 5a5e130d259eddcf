namespace CrisisBot.Infrastructure.Outbox;

/// <summary>Wakes the delivery worker when a row was committed (an auto-reset event; many notifications collapse into one).</summary>
public sealed class OutboxSignal : IDisposable
{
    private readonly SemaphoreSlim _semaphore = new(0, 1);

    public void Dispose() => _semaphore.Dispose();

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
