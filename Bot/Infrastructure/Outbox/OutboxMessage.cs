namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// One outbound Teams operation, written in the same transaction as the state change that causes it and sent later by
/// <see cref="OutboxWorker"/>. Created through <see cref="IOutbox.Enqueue"/>; the worker owns every change after that.
/// </summary>
public sealed class OutboxMessage
{
    private OutboxMessage()
    {
    }

    public long Id { get; private set; }

    /// <summary>A unique key, stamped into the activity's <c>channelData.crisisBotKey</c> so a duplicate post can be recognised.</summary>
    public string Key { get; private set; } = "";

    public OutboxKind Kind { get; private set; }

    public string TenantId { get; private set; } = "";

    public string ServiceUrl { get; private set; } = "";

    /// <summary>The rate-limit key: channel id (before <c>;</c>) or the person's id for <see cref="OutboxKind.NotifyPerson"/>.</summary>
    public string ConversationKey { get; private set; } = "";

    /// <summary>The delivery partition of <see cref="ConversationKey"/> (<see cref="DeliveryPartitions.PartitionOf"/>).</summary>
    public int Partition { get; private set; }

    /// <summary>Target conversation (Send, Update by activity), channel id (ChannelPost) or null (NotifyPerson).</summary>
    public string? ConversationId { get; private set; }

    /// <summary>The activity an <see cref="OutboxKind.Update"/> replaces when it targets an activity id directly.</summary>
    public string? ActivityId { get; private set; }

    /// <summary>Logical card id: a ChannelPost records its ids under it; an Update by card targets it.</summary>
    public string? CardId { get; private set; }

    /// <summary>Updates with the same key are coalesced: only the newest pending one is sent.</summary>
    public string? CoalesceKey { get; private set; }

    /// <summary>The person (Teams user id, <c>29:…</c>) of a <see cref="OutboxKind.NotifyPerson"/>.</summary>
    public string? UserId { get; private set; }

    /// <summary>The <c>OutgoingActivity</c> as JSON (ProtocolJsonContext).</summary>
    public string Payload { get; private set; } = "";

    public OutboxStatus Status { get; private set; }

    /// <summary>Failed attempts so far (429s do not count: throttling is not failure).</summary>
    public int Attempts { get; private set; }

    public DateTimeOffset NextAttemptAt { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    /// <summary>
    /// Set (committed) just before a new post is sent and cleared with the Sent commit. A row found leased-and-expired with
    /// this stamp was sent by a worker that died before recording the answer: its post may exist twice.
    /// </summary>
    public DateTimeOffset? InFlightSince { get; private set; }

    /// <summary>How often this row was found with <see cref="InFlightSince"/> after its worker died (the duplicate window).</summary>
    public int InterruptedSends { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    public DateTimeOffset? SentAt { get; private set; }

    /// <summary>Conversation id the Connector returned (a new post's thread id, a 1:1 conversation id).</summary>
    public string? ResultConversationId { get; private set; }

    /// <summary>Activity id the Connector returned.</summary>
    public string? ResultActivityId { get; private set; }

    internal static OutboxMessage Create(OutboxRequest request, string payload, DateTimeOffset now) => new()
    {
        Key = Guid.NewGuid().ToString("N"),
        Kind = request.Kind,
        TenantId = request.TenantId,
        ServiceUrl = request.ServiceUrl,
        ConversationKey = request.ConversationKey,
        Partition = DeliveryPartitions.PartitionOf(request.ConversationKey),
        ConversationId = request.ConversationId,
        ActivityId = request.ActivityId,
        CardId = request.CardId,
        CoalesceKey = request.CoalesceKey,
        UserId = request.UserId,
        Payload = payload,
        Status = OutboxStatus.Pending,
        NextAttemptAt = now,
        CreatedAt = now,
    };
}
