using System.Net;

namespace CrisisBot.Protocol.Connector;

/// <summary>Connector client log messages (EventIds 150–199). Never logs tokens or message content.</summary>
internal static partial class ConnectorLog
{
    [LoggerMessage(EventId = 150, Level = LogLevel.Warning,
        Message = "Connector {Operation} {Method} {Host}{Path} failed with {StatusCode} (error code {ErrorCode}, MS-CV {CorrelationVector})")]
    public static partial void CallFailed(ILogger logger, string operation, string method, string host, string path, int statusCode, string? errorCode, string? correlationVector);

    [LoggerMessage(EventId = 151, Level = LogLevel.Warning,
        Message = "Retrying Connector {Method} {Host}{Path} after {Outcome} (MS-CV {CorrelationVector}); retry {Retry} in {Delay}")]
    public static partial void Retrying(ILogger logger, string method, string host, string path, string outcome, string? correlationVector, int retry, TimeSpan delay);

    [LoggerMessage(EventId = 152, Level = LogLevel.Error, Message = "Refused to send a Connector request to {Destination}: {Reason}")]
    public static partial void RequestRefused(ILogger logger, string destination, string reason);

    [LoggerMessage(EventId = 153, Level = LogLevel.Debug, Message = "Local mode: sending a Connector request to {Host} without a token")]
    public static partial void SendingWithoutToken(ILogger logger, string host);

    [LoggerMessage(EventId = 154, Level = LogLevel.Warning,
        Message = "Connector {Operation} answered {StatusCode} with a body that is not the expected JSON (MS-CV {CorrelationVector})")]
    public static partial void InvalidResponse(ILogger logger, Exception? exception, string operation, int statusCode, string? correlationVector);

    [LoggerMessage(EventId = 155, Level = LogLevel.Warning,
        Message = "Connector {Method} {Host}{Path} asked to retry after {RetryAfter}, longer than Connector:MaxRetryAfter {MaxRetryAfter}; not retrying (MS-CV {CorrelationVector})")]
    public static partial void RetryAfterTooLong(ILogger logger, string method, string host, string path, TimeSpan retryAfter, TimeSpan maxRetryAfter, string? correlationVector);

    public static string StatusText(HttpStatusCode status) => $"{(int)status} {status}";
}
