using System.Threading.Channels;

namespace CrisisBot.Infrastructure.Inbound;

/// <summary>
/// Group commit: callers queue an item and wait; one loop takes everything queued so far (up to <see cref="MaxBatch"/>)
/// and writes it in one transaction. On SQLite every commit is an fsync (synchronous=FULL), so 16 concurrent activities
/// cost one fsync instead of 16 waiting for each other on the single writer lock; the durability is the same.
/// </summary>
internal sealed class GroupCommit<TItem, TResult>(Func<IReadOnlyList<TItem>, Task<IReadOnlyList<TResult>>> writeBatch)
{
    public const int MaxBatch = 256;

    private readonly Channel<(TItem Item, TaskCompletionSource<TResult> Done)> _queue =
        Channel.CreateUnbounded<(TItem, TaskCompletionSource<TResult>)>(new UnboundedChannelOptions { SingleReader = true });

    private int _started;

    public Task<TResult> RunAsync(TItem item, CancellationToken ct)
    {
        var done = new TaskCompletionSource<TResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        _queue.Writer.TryWrite((item, done));
        if (Interlocked.Exchange(ref _started, 1) == 0)
        {
            _ = Task.Run(LoopAsync, CancellationToken.None);
        }

        return done.Task.WaitAsync(ct);
    }

    private async Task LoopAsync()
    {
        var batch = new List<(TItem Item, TaskCompletionSource<TResult> Done)>(MaxBatch);
        var items = new List<TItem>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync())
        {
            batch.Clear();
            items.Clear();
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                items.Add(next.Item);
            }

            try
            {
                var results = await writeBatch(items);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
            }
            catch (Exception ex)
            {
                foreach (var (_, done) in batch)
                {
                    done.TrySetException(ex);
                }
            }
        }
    }
}
