namespace CrisisBot.Features.Crisis;

internal static partial class CrisisLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Information, Message = "Crisis {CrisisId} declared in channel {ChannelId} ({Origin}) by {ActorId}")]
    public static partial void Declared(ILogger logger, int crisisId, string channelId, string origin, string actorId);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Information, Message = "Crisis {CrisisId} stood down by {ActorId}")]
    public static partial void StoodDown(ILogger logger, int crisisId, string actorId);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Warning, Message = "Crisis: {Action} refused for {ActorId} (not a lead or admin)")]
    public static partial void NotLead(ILogger logger, string action, string actorId);

    [LoggerMessage(EventId = 1104, Level = LogLevel.Information, Message = "Crisis {CrisisId}: status update {Request} requested")]
    public static partial void StatusRequested(ILogger logger, int crisisId, int request);
}
