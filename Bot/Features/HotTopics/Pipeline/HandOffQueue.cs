namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>
/// A blocking FIFO between two dedicated threads of the import (reader → engine, engine → writer) whose waits sleep in
/// the kernel at once (<see cref="Monitor.Wait(object)"/>). <c>BlockingCollection</c> waits through
/// <c>SemaphoreSlim</c>, which spins first: with a hand-off every few milliseconds on 2 cores, that spinning took CPU
/// from the thread doing the work (the import's profile, bench/RESULTS.md "Session 7 (importpipe)").
/// </summary>
internal sealed class HandOffQueue<T>
{
    private readonly Queue<T> _items = new();
    private readonly int _capacity;
    private readonly object _lock = new(); // Monitor.Wait/PulseAll need a monitor, not a System.Threading.Lock
    private bool _completed;

    /// <param name="capacity">Items held at most (<see cref="Add"/> waits while full); 0 for no limit.</param>
    public HandOffQueue(int capacity = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        _capacity = capacity;
    }

    /// <summary>Queues <paramref name="item"/>, waiting while the queue is full; false (item dropped) once completed.</summary>
    public bool Add(T item)
    {
        lock (_lock)
        {
            while (!_completed && _capacity > 0 && _items.Count >= _capacity)
            {
                Monitor.Wait(_lock);
            }

            if (_completed)
            {
                return false;
            }

            _items.Enqueue(item);
            Monitor.PulseAll(_lock);
            return true;
        }
    }

    /// <summary>The next item, waiting for one; false once the queue is completed and empty.</summary>
    public bool TryTake(out T item) => TryTake(out item, Timeout.InfiniteTimeSpan);

    /// <summary>
    /// The next item, waiting at most <paramref name="timeout"/> (<see cref="Timeout.InfiniteTimeSpan"/>: until one comes);
    /// false when none came in time, or once the queue is completed and empty (<see cref="IsCompleted"/> tells which).
    /// </summary>
    public bool TryTake(out T item, TimeSpan timeout)
    {
        var infinite = timeout == Timeout.InfiniteTimeSpan;
        var deadline = infinite ? long.MaxValue : Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        lock (_lock)
        {
            while (_items.Count == 0 && !_completed)
            {
                if (infinite)
                {
                    Monitor.Wait(_lock);
                    continue;
                }

                var left = deadline - Environment.TickCount64;
                if (left <= 0 || !Monitor.Wait(_lock, TimeSpan.FromMilliseconds(left)))
                {
                    if (_items.Count == 0)
                    {
                        break;
                    }
                }
            }

            if (_items.Count == 0)
            {
                item = default!;
                return false;
            }

            item = _items.Dequeue();
            Monitor.PulseAll(_lock);
            return true;
        }
    }

    /// <summary>True once <see cref="Complete"/> was called and every item was taken.</summary>
    public bool IsCompleted
    {
        get
        {
            lock (_lock)
            {
                return _completed && _items.Count == 0;
            }
        }
    }

    /// <summary>No more items: takers get what is queued, then false; waiting and later adders get false.</summary>
    public void Complete()
    {
        lock (_lock)
        {
            _completed = true;
            Monitor.PulseAll(_lock);
        }
    }
}
