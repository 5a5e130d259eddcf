using System.Collections.Concurrent;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Tests.Features.Channels;

/// <summary>Captures what handlers reply, instead of calling the Connector.</summary>
internal sealed class RecordingTurnReplies : ITurnReplies
{
    private int _next;

    public ConcurrentQueue<(Activity Inbound, OutgoingActivity Reply)> Replies { get; } = new();

    public ConcurrentQueue<(Activity Inbound, OutgoingActivity Replacement)> Updates { get; } = new();

    public Task<string?> ReplyAsync(Activity inbound, OutgoingActivity reply, CancellationToken ct)
    {
        Replies.Enqueue((inbound, reply));
        return Task.FromResult<string?>($"reply-{Interlocked.Increment(ref _next)}");
    }

    public Task UpdateAsync(Activity inbound, OutgoingActivity replacement, CancellationToken ct)
    {
        Updates.Enqueue((inbound, replacement));
        return Task.CompletedTask;
    }

    public OutgoingActivity Single() => Assert.Single(Replies).Reply;

    public OutgoingActivity Last()
    {
        var all = Replies.ToArray();
        Assert.NotEmpty(all);
        return all[^1].Reply;
    }
}
