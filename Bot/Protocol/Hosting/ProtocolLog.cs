namespace CrisisBot.Protocol.Hosting;

/// <summary>Protocol-layer log messages (EventIds 100–199). Never log tokens or message text here.</summary>
internal static partial class ProtocolLog
{
    [LoggerMessage(100, LogLevel.Warning,
        "LOCAL MODE IS ON (Bot:LocalMode=true): requests WITHOUT a token are accepted and loopback service URLs are trusted. " +
        "Listening only on loopback ({Addresses}). Never use this outside a developer machine or the Playground.")]
    public static partial void LocalModeEnabled(ILogger logger, string addresses);

    [LoggerMessage(101, LogLevel.Warning, "Rejected inbound activity {ActivityId} ({ActivityType}) with {StatusCode}: {Reason}")]
    public static partial void AuthRejected(ILogger logger, string? activityId, string? activityType, int statusCode, string reason);

    [LoggerMessage(102, LogLevel.Debug, "Accepted token issued by {Issuer} ({Path} path) for activity {ActivityId}")]
    public static partial void TokenAccepted(ILogger logger, string issuer, string path, string? activityId);

    [LoggerMessage(103, LogLevel.Debug, "Local mode: accepted activity {ActivityId} without an Authorization header")]
    public static partial void UnauthenticatedAccepted(ILogger logger, string? activityId);

    [LoggerMessage(104, LogLevel.Error, "OpenID metadata could not be loaded from {Address}; inbound tokens cannot be validated")]
    public static partial void MetadataUnavailable(ILogger logger, Exception exception, string address);

    [LoggerMessage(105, LogLevel.Information, "Signing key {KeyId} not in cached metadata; refreshing OpenID configuration")]
    public static partial void RefreshingKeys(ILogger logger, string? keyId);

    [LoggerMessage(110, LogLevel.Warning, "Rejected /api/messages body with 400: {Reason}")]
    public static partial void BadRequest(ILogger logger, string reason);

    [LoggerMessage(111, LogLevel.Warning, "Turn queue full ({Capacity}); answered 503 to activity {ActivityId} ({ActivityType})")]
    public static partial void QueueFull(ILogger logger, int capacity, string? activityId, string? activityType);

    [LoggerMessage(112, LogLevel.Error, "Turn for activity {ActivityId} ({ActivityType}) failed")]
    public static partial void TurnFailed(ILogger logger, Exception exception, string? activityId, string? activityType);

    [LoggerMessage(113, LogLevel.Warning, "Turn for activity {ActivityId} ({ActivityType}) was cancelled after {TimeoutSeconds} s")]
    public static partial void TurnTimedOut(ILogger logger, string? activityId, string? activityType, int timeoutSeconds);

    [LoggerMessage(114, LogLevel.Error, "Card action {Verb} failed (submit fallback: {IsSubmitFallback})")]
    public static partial void CardActionFailed(ILogger logger, Exception exception, string verb, bool isSubmitFallback);

    [LoggerMessage(115, LogLevel.Warning, "No handler for card verb {Verb} (submit fallback: {IsSubmitFallback}); answered with the friendly message")]
    public static partial void UnknownVerb(ILogger logger, string verb, bool isSubmitFallback);

    [LoggerMessage(116, LogLevel.Information, "No handler for invoke {InvokeName}; answered 501")]
    public static partial void UnknownInvoke(ILogger logger, string? invokeName);

    [LoggerMessage(117, LogLevel.Debug, "No route for activity type {ActivityType}; ignored")]
    public static partial void NoRoute(ILogger logger, string? activityType);

    [LoggerMessage(118, LogLevel.Warning, "Malformed adaptiveCard/action invoke {ActivityId}: {Reason}")]
    public static partial void MalformedCardAction(ILogger logger, string? activityId, string reason);

    [LoggerMessage(119, LogLevel.Debug, "Message {ActivityId} has neither text nor a card verb; ignored")]
    public static partial void MessageIgnored(ILogger logger, string? activityId);

    [LoggerMessage(120, LogLevel.Information, "Activity router built with {RouteCount} routes")]
    public static partial void RouterBuilt(ILogger logger, int routeCount);

    [LoggerMessage(121, LogLevel.Warning, "Could not send the error notice for activity {ActivityId}")]
    public static partial void ErrorNoticeFailed(ILogger logger, Exception exception, string? activityId);

    [LoggerMessage(122, LogLevel.Error, "Invoke {InvokeName} handler failed")]
    public static partial void InvokeFailed(ILogger logger, Exception exception, string? invokeName);

    [LoggerMessage(123, LogLevel.Debug, "Channel message {ActivityId} does not mention the bot; ignored")]
    public static partial void NotMentioned(ILogger logger, string? activityId);

    [LoggerMessage(124, LogLevel.Warning, "Shutting down with {Count} queued turn(s) not processed; Teams will not resend them")]
    public static partial void TurnsAbandoned(ILogger logger, int count);
}
