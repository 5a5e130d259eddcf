namespace CrisisBot.Infrastructure.Graph;

internal static partial class GraphLog
{
    [LoggerMessage(EventId = 1001, Level = LogLevel.Information, Message = "Graph: created channel {ChannelId} in team {TeamId}")]
    public static partial void ChannelCreated(ILogger logger, string teamId, string channelId);

    [LoggerMessage(EventId = 1002, Level = LogLevel.Warning, Message = "Graph: {Operation} failed with {Status} ({Kind}, code {Code})")]
    public static partial void CallFailed(ILogger logger, string operation, int status, string kind, string? code);

    [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Graph: no token for app {ClientId} in tenant {TenantId}")]
    public static partial void TokenFailed(ILogger logger, string? clientId, string? tenantId, Exception exception);

    [LoggerMessage(EventId = 1004, Level = LogLevel.Warning, Message = "Graph: call failed without an answer")]
    public static partial void Unreachable(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Graph: mail sent as {Sender} to {Recipients} recipients")]
    public static partial void MailSent(ILogger logger, string sender, int recipients);
}
