using CrisisBot.Features.HotTopics.Intake;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// Puts a stream of posts into event-time order with bounded memory, for <c>replay</c>: posts wait in a min-heap
/// keyed by (createdAt, file order) and leave it once the newest createdAt read is at least <see cref="Window"/> later
/// (so any post up to <see cref="Window"/> out of order is put back in place), or when more than
/// <see cref="MaxBuffered"/> posts wait (the oldest leaves first). A post that arrives after a newer one has already
/// left is passed on at once and counted in <see cref="Late"/>: the engine still counts it by its createdAt, but
/// replay is only exact when no post is late. A file that is already sorted passes straight through.
/// </summary>
internal sealed class ReorderBuffer
{
    private readonly PriorityQueue<SocialPost, (long Ticks, long Order)> _heap = new();
    private long _order;
    private DateTimeOffset? _newest;
    private DateTimeOffset? _lastOut;

    public ReorderBuffer(TimeSpan window, int maxBuffered)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(window, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBuffered, 1);
        Window = window;
        MaxBuffered = maxBuffered;
    }

    public TimeSpan Window { get; }

    public int MaxBuffered { get; }

    /// <summary>Posts passed on after a post with a later createdAt (more out of order than the window allowed).</summary>
    public long Late { get; private set; }

    /// <summary>The most posts that waited at once.</summary>
    public int PeakBuffered { get; private set; }

    /// <summary>Orders <paramref name="posts"/> lazily (reads ahead only as far as the window needs).</summary>
    public IEnumerable<SocialPost> Order(IEnumerable<SocialPost> posts)
    {
        ArgumentNullException.ThrowIfNull(posts);
        foreach (var post in posts)
        {
            _heap.Enqueue(post, (post.CreatedAt.UtcTicks, _order++));
            if (_newest is not { } newest || post.CreatedAt > newest)
            {
                _newest = post.CreatedAt;
            }

            PeakBuffered = Math.Max(PeakBuffered, _heap.Count);
            while (_heap.TryPeek(out var oldest, out _)
                   && (_heap.Count > MaxBuffered || oldest.CreatedAt <= _newest.Value - Window))
            {
                yield return Take();
            }
        }

        while (_heap.Count > 0)
        {
            yield return Take();
        }
    }

    private SocialPost Take()
    {
        var post = _heap.Dequeue();
        if (_lastOut is { } last && post.CreatedAt < last)
        {
            Late++;
        }
        else
        {
            _lastOut = post.CreatedAt;
        }

        return post;
    }
}
