namespace CrisisBot.Infrastructure.Outbox;

/// <summary>What an outbox row asks the Connector to do. Stored as its number: never renumber.</summary>
public enum OutboxKind
{
    /// <summary>A new post (thread) in a Teams channel: <c>POST v3/conversations</c>. Records the returned ids.</summary>
    ChannelPost = 1,

    /// <summary>A message into an existing conversation or channel thread: <c>POST v3/conversations/{id}/activities</c>.</summary>
    Send = 2,

    /// <summary>Replaces a message: <c>PUT v3/conversations/{id}/activities/{activityId}</c>, by activity id or by logical card id.</summary>
    Update = 3,

    /// <summary>A 1:1 message to a person: create (or find) the personal conversation, then send into it.</summary>
    NotifyPerson = 4,
}

/// <summary>Where an outbox row is in its life. Stored as its number: never renumber.</summary>
public enum OutboxStatus
{
    /// <summary>Waiting for <see cref="OutboxMessage.NextAttemptAt"/>.</summary>
    Pending = 0,

    /// <summary>Claimed by a worker (<see cref="OutboxMessage.LeaseOwner"/>) until <see cref="OutboxMessage.LeaseUntil"/>.</summary>
    Sending = 1,

    /// <summary>The Connector accepted it.</summary>
    Sent = 2,

    /// <summary>Dead-lettered: gave up (too many attempts, 403/404, bad request). <c>outbox retry &lt;id&gt;</c> requeues it.</summary>
    Dead = 3,

    /// <summary>An update replaced by a newer update of the same card before it was sent (coalesced).</summary>
    Superseded = 4,
}
