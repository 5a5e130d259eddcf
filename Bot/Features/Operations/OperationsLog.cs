namespace CrisisBot.Features.Operations;

/// <summary>Operations commands log messages; event ids 740–749.</summary>
internal static partial class OperationsLog
{
    [LoggerMessage(EventId = 740, Level = LogLevel.Warning, Message = "'outbox' refused: {UserId} ({AadObjectId}) is not an admin")]
    public static partial void NotAdmin(ILogger logger, string? userId, string? aadObjectId);

    [LoggerMessage(EventId = 741, Level = LogLevel.Information, Message = "Outbox row {Id} requeued by {ActorId}")]
    public static partial void Requeued(ILogger logger, long id, string actorId);
}
