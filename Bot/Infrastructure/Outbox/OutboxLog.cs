namespace CrisisBot.Infrastructure.Outbox;

/// <summary>Outbox and delivery worker log messages; event ids 700–739.</summary>
internal static partial class OutboxLog
{
    [LoggerMessage(EventId = 700, Level = LogLevel.Information, Message = "Outbox worker {Owner} started")]
    public static partial void WorkerStarted(ILogger logger, string owner);

    [LoggerMessage(EventId = 701, Level = LogLevel.Debug, Message = "Outbox row {Id} ({Kind}) sent to {ConversationKey}")]
    public static partial void Sent(ILogger logger, long id, OutboxKind kind, string conversationKey);

    [LoggerMessage(EventId = 702, Level = LogLevel.Information, Message = "Outbox: {Count} update(s) superseded by newer updates of the same card")]
    public static partial void Superseded(ILogger logger, int count);

    [LoggerMessage(EventId = 703, Level = LogLevel.Warning, Message = "Outbox row {Id} ({Kind}) throttled (429) in {ConversationKey}; waiting {Wait}")]
    public static partial void Throttled(ILogger logger, long id, OutboxKind kind, string conversationKey, TimeSpan wait);

    [LoggerMessage(EventId = 704, Level = LogLevel.Warning, Message = "Outbox row {Id} ({Kind}) attempt {Attempt} failed, retrying at {NextAttemptAt}: {Error}")]
    public static partial void Retrying(ILogger logger, long id, OutboxKind kind, int attempt, DateTimeOffset nextAttemptAt, string error);

    [LoggerMessage(EventId = 705, Level = LogLevel.Error, Message = "Outbox row {Id} ({Kind}) dead-lettered after {Attempts} attempt(s): {Reason}")]
    public static partial void DeadLettered(ILogger logger, long id, OutboxKind kind, int attempts, string reason);

    [LoggerMessage(EventId = 706, Level = LogLevel.Warning,
        Message = "Outbox row {Id} ({Kind}) was in flight since {InFlightSince} when its worker stopped: the Connector may have received it; a duplicate post is possible")]
    public static partial void InterruptedSend(ILogger logger, long id, OutboxKind kind, DateTimeOffset inFlightSince);

    [LoggerMessage(EventId = 707, Level = LogLevel.Error, Message = "Outbox worker pass failed; retrying")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 708, Level = LogLevel.Information, Message = "Outbox row {Id} requeued by {Actor}")]
    public static partial void Requeued(ILogger logger, long id, string actor);

    [LoggerMessage(EventId = 709, Level = LogLevel.Error, Message = "Outbox row {Id}: recording the result failed after the Connector accepted it")]
    public static partial void CommitFailed(ILogger logger, long id, Exception exception);

    [LoggerMessage(EventId = 712, Level = LogLevel.Warning, Message = "Outbox row {Id}: recording the result failed (attempt {Attempt}); the Connector accepted it, retrying so it is not sent twice")]
    public static partial void RecordRetry(ILogger logger, long id, int attempt, Exception exception);

    [LoggerMessage(EventId = 720, Level = LogLevel.Information, Message = "Retention: {Count} delivered outbox row(s) older than {Age} deleted")]
    public static partial void RetentionDeleted(ILogger logger, int count, TimeSpan age);
}
