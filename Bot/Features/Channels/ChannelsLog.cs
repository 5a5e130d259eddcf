namespace CrisisBot.Features.Channels;

/// <summary>Channels feature log messages; event ids 500–559.</summary>
internal static partial class ChannelsLog
{
    [LoggerMessage(EventId = 500, Level = LogLevel.Information, Message = "Bot added to {Kind} {ConversationId} ({Outcome})")]
    public static partial void BotAdded(ILogger logger, string kind, string conversationId, UpsertOutcome outcome);

    [LoggerMessage(EventId = 501, Level = LogLevel.Information, Message = "Bot removed from {Scope} {Id}: {Count} reference(s) marked inactive")]
    public static partial void BotRemoved(ILogger logger, string scope, string id, int count);

    [LoggerMessage(EventId = 502, Level = LogLevel.Information, Message = "Team {TeamId}: {Count} channel(s) synchronised")]
    public static partial void TeamSynced(ILogger logger, string teamId, int count);

    [LoggerMessage(EventId = 503, Level = LogLevel.Warning, Message = "Team {TeamId}: {Operation} failed; keeping what the activity says")]
    public static partial void TeamLookupFailed(ILogger logger, string teamId, string operation, Exception exception);

    [LoggerMessage(EventId = 504, Level = LogLevel.Warning, Message = "Ignoring {ActivityType}: {Reason}")]
    public static partial void IgnoredActivity(ILogger logger, string activityType, string reason);

    [LoggerMessage(EventId = 505, Level = LogLevel.Information, Message = "Channel event {EventType} for {ChannelId}")]
    public static partial void ChannelEvent(ILogger logger, string eventType, string channelId);

    [LoggerMessage(EventId = 506, Level = LogLevel.Information, Message = "Welcome card sent to {ConversationId}")]
    public static partial void Welcomed(ILogger logger, string conversationId);

    [LoggerMessage(EventId = 510, Level = LogLevel.Warning, Message = "Member lookup for {UserId} failed; treating the user as not an admin")]
    public static partial void MemberLookupFailed(ILogger logger, string userId, Exception exception);

    [LoggerMessage(EventId = 511, Level = LogLevel.Warning, Message = "Refused '{Command}' from {UserId} ({AadObjectId}): not in Bot:Admins")]
    public static partial void NotAdmin(ILogger logger, string command, string? userId, string? aadObjectId);

    [LoggerMessage(EventId = 512, Level = LogLevel.Information, Message = "{Subject} linked to channel {ChannelId} by {ActorId} (moved from {PreviousChannelId})")]
    public static partial void Linked(ILogger logger, string subject, string channelId, string actorId, string? previousChannelId);

    [LoggerMessage(EventId = 513, Level = LogLevel.Information, Message = "{Subject} unlinked from channel {ChannelId} by {ActorId}")]
    public static partial void Unlinked(ILogger logger, string subject, string channelId, string actorId);

    [LoggerMessage(EventId = 514, Level = LogLevel.Warning, Message = "Announcement post for {Subject} in channel {ChannelId} failed")]
    public static partial void AnnouncementFailed(ILogger logger, string subject, string channelId, Exception exception);

    [LoggerMessage(EventId = 515, Level = LogLevel.Warning, Message = "Status: counting installs failed")]
    public static partial void CountFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 516, Level = LogLevel.Warning, Message = "Channel {ChannelId} was deleted but still has binding(s): {Subjects}")]
    public static partial void DeletedChannelStillBound(ILogger logger, string channelId, string subjects);
}
