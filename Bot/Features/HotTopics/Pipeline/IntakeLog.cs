namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>Hot-topic intake log messages; event ids 700–739.</summary>
internal static partial class IntakeLog
{
    [LoggerMessage(EventId = 1200, Level = LogLevel.Information, Message = "Hot-topic engine rebuilt from {Posts} stored posts in {Elapsed} ms ({Topics} live topics, watermark {Watermark})")]
    public static partial void Rebuilt(ILogger logger, long posts, long elapsed, int topics, DateTimeOffset? watermark);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Error, Message = "Ingest batch of {Count} posts failed and was rolled back; the engine will be rebuilt from storage before the next batch")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Warning, Message = "Post {Key} was stored by another writer while this batch ran; counted as a duplicate")]
    public static partial void ConcurrentDuplicate(ILogger logger, string key);

    [LoggerMessage(EventId = 1210, Level = LogLevel.Warning, Message = "POST /api/posts refused: {Reason}")]
    public static partial void PostsRefused(ILogger logger, string reason);

    /// <summary>One line per request, Debug: the Information view is the summary (1213).</summary>
    [LoggerMessage(EventId = 1211, Level = LogLevel.Debug, Message = "POST /api/posts: {Accepted} accepted, {Duplicates} duplicates, {Rejected} rejected")]
    public static partial void PostsIngested(ILogger logger, int accepted, int duplicates, int rejected);

    [LoggerMessage(EventId = 1212, Level = LogLevel.Debug, Message = "Group commit: {Requests} requests, {Posts} posts in one transaction")]
    public static partial void GroupCommit(ILogger logger, int requests, int posts);

    [LoggerMessage(EventId = 1213, Level = LogLevel.Information, Message = "POST /api/posts, last {Seconds} s: {Requests} requests, {Accepted} posts accepted, {Duplicates} duplicates, {Rejected} items rejected, {Refused} requests refused")]
    public static partial void PostsSummary(ILogger logger, long seconds, long requests, long accepted, long duplicates, long rejected, long refused);

    [LoggerMessage(EventId = 1214, Level = LogLevel.Warning, Message = "POST /api/posts: {Rejected} of {Items} items rejected; first, item {Index}: {Error}")]
    public static partial void PostsRejected(ILogger logger, int rejected, int items, int index, string error);
}
