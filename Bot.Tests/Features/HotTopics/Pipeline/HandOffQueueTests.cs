using CrisisBot.Features.HotTopics.Pipeline;

namespace CrisisBot.Tests.Features.HotTopics.Pipeline;

public sealed class HandOffQueueTests
{
    [Fact]
    public void TryTakeWithTimeout_EmptyQueue_FalseAndNotCompleted()
    {
        var queue = new HandOffQueue<int>();

        Assert.False(queue.TryTake(out _, TimeSpan.Zero));
        Assert.False(queue.IsCompleted);
    }

    [Fact]
    public void TryTakeWithTimeout_ItemsQueued_TakesThemInOrder()
    {
        var queue = new HandOffQueue<int>();
        queue.Add(1);
        queue.Add(2);

        Assert.True(queue.TryTake(out var first, TimeSpan.Zero));
        Assert.True(queue.TryTake(out var second, TimeSpan.Zero));

        Assert.Equal((1, 2), (first, second));
        Assert.False(queue.TryTake(out _, TimeSpan.Zero));
    }

    [Fact]
    public void TryTakeWithTimeout_CompletedWithItemLeft_TakesItThenReportsCompleted()
    {
        var queue = new HandOffQueue<string>();
        queue.Add("last");
        queue.Complete();

        Assert.False(queue.IsCompleted);
        Assert.True(queue.TryTake(out var item, TimeSpan.FromHours(1)));
        Assert.Equal("last", item);
        Assert.False(queue.TryTake(out _, TimeSpan.FromHours(1))); // returns at once: completed, nothing to wait for
        Assert.True(queue.IsCompleted);
        Assert.False(queue.Add("late"));
    }
}
