using System.Threading.Channels;
using CrisisBot.Protocol.Activities;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// Bounded in-memory queue of authenticated non-invoke activities, drained by <see cref="TurnProcessor"/>. A full queue
/// refuses the item (the endpoint answers 503 + Retry-After) instead of dropping it silently. Items are lost on restart:
/// work that must survive is persisted by the handler before anything slow happens.
/// </summary>
public sealed class TurnBacklog
{
    private readonly Channel<Activity> _channel;
    private int _pending;

    public TurnBacklog(IOptions<BotOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Capacity = options.Value.TurnQueueCapacity;
        _channel = Channel.CreateBounded<Activity>(new BoundedChannelOptions(Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    public int Capacity { get; }

    /// <summary>Queued plus running turns.</summary>
    public int Pending => Volatile.Read(ref _pending);

    internal ChannelReader<Activity> Reader => _channel.Reader;

    /// <returns>False when the queue is full.</returns>
    public bool TryEnqueue(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        Interlocked.Increment(ref _pending);
        if (_channel.Writer.TryWrite(activity))
        {
            return true;
        }

        Interlocked.Decrement(ref _pending);
        return false;
    }

    internal void MarkCompleted() => Interlocked.Decrement(ref _pending);

    /// <summary>Waits until every queued turn has finished (tests, graceful checks).</summary>
    /// <exception cref="TimeoutException">Turns are still pending after <paramref name="timeout"/>.</exception>
    public async Task WaitUntilIdleAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (Pending > 0)
            {
                await Task.Delay(10, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{Pending} queued turn(s) still pending after {timeout.TotalSeconds:0.#} s.");
        }
    }
}
