using CrisisBot.Protocol.Activities;

namespace CrisisBot.Protocol.Routing;

/// <summary>
/// Per-turn state handed to handlers. Handlers never see HttpContext. Replies go through
/// <see cref="ITurnReplies"/> so the delivery mechanism (direct Connector call today, outbox later) can change
/// without touching features.
/// </summary>
public sealed class TurnContext(Activity activity, ITurnReplies replies, IServiceProvider services)
{
    public Activity Activity { get; } = activity;
    public IServiceProvider Services { get; } = services;

    /// <summary>Sends an activity into the conversation the inbound activity came from (a reply in a channel thread).</summary>
    public Task<string?> ReplyAsync(OutgoingActivity reply, CancellationToken ct = default) => replies.ReplyAsync(Activity, reply, ct);

    /// <summary>Replaces the message that carried the card the user acted on (<c>replyToId</c>).</summary>
    public Task UpdateCardMessageAsync(OutgoingActivity replacement, CancellationToken ct = default) =>
        replies.UpdateAsync(Activity, replacement, ct);
}

public interface ITurnReplies
{
    /// <returns>The new activity id, when the channel returns one.</returns>
    Task<string?> ReplyAsync(Activity inbound, OutgoingActivity reply, CancellationToken ct);

    Task UpdateAsync(Activity inbound, OutgoingActivity replacement, CancellationToken ct);
}
