namespace CrisisBot.Features.Faq;

/// <summary>Public FAQ log messages; event ids 1700–1719.</summary>
internal static partial class FaqLog
{
    [LoggerMessage(EventId = 1700, Level = LogLevel.Information, Message = "FAQ version {Number} published ({Trigger}: {TriggeredBy}): {Entries} entries, {Changes}")]
    public static partial void Published(ILogger logger, int number, FaqTrigger trigger, string triggeredBy, int entries, string changes);

    [LoggerMessage(EventId = 1701, Level = LogLevel.Information, Message = "FAQ unchanged since version {Number} ({Trigger}: {TriggeredBy}); no new version")]
    public static partial void Unchanged(ILogger logger, int? number, FaqTrigger trigger, string triggeredBy);

    [LoggerMessage(EventId = 1702, Level = LogLevel.Warning, Message = "FAQ publish attempt {Attempt} lost a race with another publisher; retrying")]
    public static partial void PublishRace(ILogger logger, int attempt, Exception exception);

    [LoggerMessage(EventId = 1703, Level = LogLevel.Information, Message = "FAQ publish scheduled for {DueAt} after {Change} of library entry {EntryId}")]
    public static partial void PublishQueued(ILogger logger, DateTimeOffset dueAt, string change, long entryId);

    [LoggerMessage(EventId = 1704, Level = LogLevel.Warning, Message = "FAQ publish refused for {ActorId}: not an admin")]
    public static partial void PublishRefused(ILogger logger, string actorId);
}
