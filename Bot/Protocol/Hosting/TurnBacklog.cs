using System.Collections.Concurrent;
using System.Threading.Channels;
using CrisisBot.Protocol.Activities;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

/// <summary>An activity waiting for its turn: <see cref="InboundId"/> is its stored row (null when not persisted).</summary>
public sealed record QueuedTurn(long? InboundId, Activity Activity, int Attempt);

/// <summary>
/// Bounded in-memory queue of authenticated non-invoke activities, drained by <see cref="TurnProcessor"/>. A full queue
/// refuses the item (the endpoint answers 503 + Retry-After) instead of dropping it silently. With durable inbound turns
/// (<see cref="IInboundTurns.IsDurable"/>) every queued activity is also a committed database row, so what is in memory
/// here is only a fast path: after a crash the stored rows run again.
/// </summary>
public sealed class TurnBacklog
{
    private readonly Channel<QueuedTurn> _channel = Channel.CreateUnbounded<QueuedTurn>(new UnboundedChannelOptions
    {
        SingleReader = false,
        SingleWriter = false,
    });

    private readonly ConcurrentDictionary<long, byte> _held = new();
    private readonly ConcurrentDictionary<long, byte> _awaitingRetry = new();
    private int _queued;
    private int _pending;

    public TurnBacklog(IOptions<BotOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        Capacity = options.Value.TurnQueueCapacity;
    }

    /// <summary>Turns that may wait in the queue (running ones not counted).</summary>
    public int Capacity { get; }

    /// <summary>Queued plus running turns.</summary>
    public int Pending => Volatile.Read(ref _pending);

    /// <summary>Free places in the queue now.</summary>
    public int FreeCapacity => Math.Max(0, Capacity - Volatile.Read(ref _queued));

    /// <summary>Stored activities this instance holds in memory (queued or running): the sweeper must not claim them again.</summary>
    internal ICollection<long> Held => _held.Keys;

    internal ChannelReader<QueuedTurn> Reader => _channel.Reader;

    /// <summary>Takes a place in the queue before the activity is stored. False when the queue is full.</summary>
    public bool TryReserve()
    {
        if (Interlocked.Increment(ref _queued) > Capacity)
        {
            Interlocked.Decrement(ref _queued);
            return false;
        }

        Interlocked.Increment(ref _pending);
        return true;
    }

    /// <summary>Gives a reserved place back (the activity was a duplicate or could not be stored).</summary>
    public void CancelReservation()
    {
        Interlocked.Decrement(ref _queued);
        Interlocked.Decrement(ref _pending);
    }

    /// <summary>Queues a turn into a place taken with <see cref="TryReserve"/>.</summary>
    public void EnqueueReserved(QueuedTurn turn)
    {
        ArgumentNullException.ThrowIfNull(turn);
        if (turn.InboundId is { } id)
        {
            _held[id] = 0;
            _awaitingRetry.TryRemove(id, out _);
        }

        if (!_channel.Writer.TryWrite(turn))
        {
            // Only after Complete(), which nothing calls: keep the counters right anyway.
            Release(turn);
            CancelReservation();
        }
    }

    /// <returns>False when the queue is full.</returns>
    public bool TryEnqueue(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (!TryReserve())
        {
            return false;
        }

        EnqueueReserved(new QueuedTurn(null, activity, 1));
        return true;
    }

    /// <summary>A worker took the turn out of the queue (its place is free again; it is still pending until completed).</summary>
    internal void MarkDequeued() => Interlocked.Decrement(ref _queued);

    internal void MarkCompleted(QueuedTurn turn)
    {
        Release(turn);
        Interlocked.Decrement(ref _pending);
    }

    /// <summary>A failed stored turn whose retry is scheduled in the database (counted as pending by <see cref="WaitUntilIdleAsync"/>).</summary>
    internal void MarkAwaitingRetry(long id) => _awaitingRetry[id] = 0;

    /// <summary>Stored turns of this instance waiting for a retry.</summary>
    public int AwaitingRetry => _awaitingRetry.Count;

    private void Release(QueuedTurn turn)
    {
        if (turn.InboundId is { } id)
        {
            _held.TryRemove(id, out _);
        }
    }

    /// <summary>Waits until every queued turn has finished, retries included (tests, graceful checks).</summary>
    /// <exception cref="TimeoutException">Turns are still pending after <paramref name="timeout"/>.</exception>
    public async Task WaitUntilIdleAsync(TimeSpan timeout, CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(timeout);
        try
        {
            while (Pending > 0 || AwaitingRetry > 0)
            {
                await Task.Delay(10, cts.Token);
            }
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new TimeoutException($"{Pending} queued turn(s) and {AwaitingRetry} retry(ies) still pending after {timeout.TotalSeconds:0.#} s.");
        }
    }
}
