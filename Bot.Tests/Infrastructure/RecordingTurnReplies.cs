using System.Collections.Concurrent;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>An <see cref="ITurnReplies"/> that records replies and updates, for router and handler unit tests without HTTP.</summary>
public sealed class RecordingTurnReplies : ITurnReplies
{
    private int _nextId;

    public ConcurrentQueue<OutgoingActivity> Replies { get; } = new();

    public ConcurrentQueue<(string? ReplyToId, OutgoingActivity Activity)> Updates { get; } = new();

    /// <summary>A turn over <paramref name="activity"/> that records into this instance.</summary>
    public TurnContext TurnFor(Activity activity, IServiceProvider? services = null) =>
        new(activity, this, services ?? EmptyServiceProvider.Instance);

    public Task<string?> ReplyAsync(Activity inbound, OutgoingActivity reply, CancellationToken ct)
    {
        Replies.Enqueue(reply);
        return Task.FromResult<string?>($"reply-{Interlocked.Increment(ref _nextId)}");
    }

    public Task UpdateAsync(Activity inbound, OutgoingActivity replacement, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        Updates.Enqueue((inbound.ReplyToId, replacement));
        return Task.CompletedTask;
    }

    private sealed class EmptyServiceProvider : IServiceProvider
    {
        public static readonly EmptyServiceProvider Instance = new();

        public object? GetService(Type serviceType) => null;
    }
}
