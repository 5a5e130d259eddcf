using System.Collections.Concurrent;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Protocol.Connector;

/// <summary>
/// A fake clock on which every timer shorter than <see cref="FireBelow"/> fires at once, moving the clock by its due
/// time. Retry delays therefore take no real time and show up exactly in <see cref="Delays"/> and in request times.
/// Longer timers (the attempt timeout in these tests) wait for an explicit <see cref="FakeTimeProvider.Advance"/>.
/// </summary>
internal sealed class AutoAdvanceTimeProvider : FakeTimeProvider
{
    public TimeSpan FireBelow { get; set; } = TimeSpan.FromMinutes(5);

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime >= TimeSpan.Zero && dueTime < FireBelow)
        {
            Delays.Enqueue(dueTime);
            ThreadPool.QueueUserWorkItem(_ => Advance(dueTime));
        }

        return timer;
    }
}
