namespace CrisisBot.Infrastructure.Delivery;

/// <summary>
/// The most recent send times of one conversation or tenant, sorted ascending, keeping at most <c>capacity</c> entries
/// (the largest window limit: older entries can never decide a window). Times can be moved later
/// (<see cref="Move"/>) when a send completes, so the list is kept sorted rather than in arrival order.
/// Not thread-safe; <see cref="TeamsRateLimiter"/> guards it.
/// </summary>
internal sealed class SendHistory(int capacity)
{
    private readonly List<TimeSpan> _items = new(Math.Min(8, Math.Max(1, capacity)));

    public int Count => _items.Count;

    /// <summary>The newest entry, or null when empty.</summary>
    public TimeSpan? Newest => _items.Count == 0 ? null : _items[^1];

    public void Add(TimeSpan at)
    {
        var index = _items.BinarySearch(at);
        _items.Insert(index < 0 ? ~index : index + 1, at);
        if (_items.Count > capacity)
        {
            _items.RemoveAt(0);
        }
    }

    /// <summary>Moves one entry recorded at <paramref name="from"/> to <paramref name="to"/>; nothing if it already aged out.</summary>
    public void Move(TimeSpan from, TimeSpan to)
    {
        var index = _items.BinarySearch(from);
        if (index < 0)
        {
            return;
        }

        _items.RemoveAt(index);
        Add(to);
    }

    /// <summary>The <paramref name="n"/>-th most recent entry (1 = newest), or null when fewer are recorded.</summary>
    public TimeSpan? NthMostRecent(int n) => n < 1 || n > _items.Count ? null : _items[^n];

    /// <summary>
    /// The earliest time a further send keeps every window: with limit L and length W, any L+1 consecutive sends must span
    /// at least W, so the next send may go at (L-th most recent) + W + margin. <see cref="TimeSpan.Zero"/> when unconstrained.
    /// </summary>
    public TimeSpan NextAllowed(RateWindow window, TimeSpan margin) =>
        NthMostRecent(window.Limit) is { } lth ? lth + window.Length + margin : TimeSpan.Zero;
}
