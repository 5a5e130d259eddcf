namespace CrisisBot.Features.Summaries;

/// <summary>Event ids 1401–1420.</summary>
internal static partial class SummariesLog
{
    [LoggerMessage(EventId = 1401, Level = LogLevel.Information, Message = "Summary {SummaryId} ({Period}, {Trigger}) posted to {ConversationId}")]
    public static partial void Posted(ILogger logger, string summaryId, string period, string trigger, string conversationId);

    [LoggerMessage(EventId = 1402, Level = LogLevel.Warning, Message = "Scheduled summary skipped: no channel is linked with role leadership ('link leadership')")]
    public static partial void NoLeadershipChannel(ILogger logger);

    [LoggerMessage(EventId = 1403, Level = LogLevel.Information, Message = "Summary {SummaryId}: no e-mail copy: {Reason}")]
    public static partial void NoMail(ILogger logger, string summaryId, string reason);

    [LoggerMessage(EventId = 1404, Level = LogLevel.Warning, Message = "Summary {SummaryId}: the e-mail copy failed: {AdminMessage}")]
    public static partial void MailFailed(ILogger logger, string summaryId, string adminMessage);

    [LoggerMessage(EventId = 1405, Level = LogLevel.Information, Message = "Summary {SummaryId}: e-mail copy sent to {Recipients} recipients")]
    public static partial void Mailed(ILogger logger, string summaryId, int recipients);

    [LoggerMessage(EventId = 1406, Level = LogLevel.Information, Message = "Summary {SummaryId} acknowledged by {UserId}")]
    public static partial void Acknowledged(ILogger logger, string summaryId, string userId);

    [LoggerMessage(EventId = 1407, Level = LogLevel.Warning, Message = "Chart {SummaryId}: refused ({Outcome})")]
    public static partial void ChartRefused(ILogger logger, string summaryId, string outcome);

    [LoggerMessage(EventId = 1408, Level = LogLevel.Error, Message = "Chart {SummaryId}: rendering failed")]
    public static partial void ChartFailed(ILogger logger, string summaryId, Exception exception);

    [LoggerMessage(EventId = 1409, Level = LogLevel.Information, Message = "Summary retention: {Deleted} summaries older than {Retention} deleted (crisis-window summaries kept)")]
    public static partial void RetentionDeleted(ILogger logger, int deleted, TimeSpan retention);
}
