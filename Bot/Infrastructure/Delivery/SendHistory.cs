namespace CrisisBot.Infrastructure.Delivery;

/// <summary>
/// The most recent send times of one conversation or tenant, newest last, keeping at most <c>capacity</c> entries
/// (the largest window limit: older entries can never decide a window). Grows lazily so quiet conversations stay small.
/// Not thread-safe; <see cref="TeamsRateLimiter"/> guards it.
/// </summary>
internal sealed class SendHistory(int capacity)
{
    private TimeSpan[] _items = new TimeSpan[Math.Min(8, Math.Max(1, capacity))];
    private int _start;

    public int Count { get; private set; }

    public int Capacity => capacity;

    /// <summary>The newest entry, or null when empty.</summary>
    public TimeSpan? Newest => Count == 0 ? null : _items[(_start + Count - 1) % _items.Length];

    public void Add(TimeSpan at)
    {
        if (Count == _items.Length && _items.Length < capacity)
        {
            var grown = new TimeSpan[Math.Min(capacity, _items.Length * 2)];
            for (var i = 0; i < Count; i++)
            {
                grown[i] = _items[(_start + i) % _items.Length];
            }

            _items = grown;
            _start = 0;
        }

        if (Count < _items.Length)
        {
            _items[(_start + Count) % _items.Length] = at;
            Count++;
        }
        else
        {
            // Full at capacity: overwrite the oldest.
            _items[_start] = at;
            _start = (_start + 1) % _items.Length;
        }
    }

    /// <summary>The <paramref name="n"/>-th most recent entry (1 = newest), or null when fewer are recorded.</summary>
    public TimeSpan? NthMostRecent(int n) =>
        n < 1 || n > Count ? null : _items[(_start + Count - n) % _items.Length];

    /// <summary>
    /// The earliest time a further send keeps every window: with limit L and length W, any L+1 consecutive sends must span
    /// at least W, so the next send may go at (L-th most recent) + W + margin. <see cref="TimeSpan.Zero"/> when unconstrained.
    /// </summary>
    public TimeSpan NextAllowed(RateWindow window, TimeSpan margin) =>
        NthMostRecent(window.Limit) is { } lth ? lth + window.Length + margin : TimeSpan.Zero;
}
