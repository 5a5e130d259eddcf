namespace CrisisBot.Infrastructure.Delivery;

/// <summary>
/// The most recent send times of one conversation or tenant, sorted ascending, keeping at most <c>capacity</c> entries
/// (the largest window limit: older entries can never decide a window), plus the number of sends in progress
/// (<see cref="Open"/>: granted, no answer yet). A send in progress is dated "now" whenever a window is computed (Teams
/// may receive it at any moment until the answer), and recorded at its answer time when it completes.
/// Not thread-safe; <see cref="TeamsRateLimiter"/> guards it.
/// </summary>
internal sealed class SendHistory(int capacity)
{
    private readonly List<TimeSpan> _items = new(Math.Min(8, Math.Max(1, capacity)));

    public int Count => _items.Count;

    /// <summary>Sends granted and not answered yet; each counts as sent "now".</summary>
    public int Open { get; private set; }

    /// <summary>A send was granted; it counts as "now" until <see cref="CompleteOpen"/>.</summary>
    public void BeginOpen() => Open++;

    /// <summary>A send in progress was answered at <paramref name="at"/>: it is recorded there.</summary>
    public void CompleteOpen(TimeSpan at)
    {
        if (Open > 0)
        {
            Open--;
        }

        Add(at);
    }

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

    /// <summary>The <paramref name="n"/>-th most recent entry (1 = newest), or null when fewer are recorded.</summary>
    public TimeSpan? NthMostRecent(int n) => n < 1 || n > _items.Count ? null : _items[^n];

    /// <summary>
    /// The earliest time a further send keeps every window: with limit L and length W, any L+1 consecutive sends must span
    /// at least W, so the next send may go at (L-th most recent) + W + margin, where the <see cref="Open"/> sends in progress
    /// are the most recent ones, at <paramref name="now"/>. <see cref="TimeSpan.Zero"/> when unconstrained.
    /// </summary>
    public TimeSpan NextAllowed(RateWindow window, TimeSpan margin, TimeSpan now)
    {
        if (Open >= window.Limit)
        {
            return now + window.Length + margin;
        }

        return NthMostRecent(window.Limit - Open) is { } lth ? lth + window.Length + margin : TimeSpan.Zero;
    }
}
