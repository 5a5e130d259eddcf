namespace CrisisBot.Protocol.Hosting;

/// <summary>Protocol-layer log messages (EventIds 100–199). Never log tokens or message text here.</summary>
internal static partial class ProtocolLog
{
    private static readonly Func<ILogger, string?, string?, IDisposable?> s_activityScope =
        LoggerMessage.DefineScope<string?, string?>("Activity {ActivityId} in {ConversationId}");

    /// <summary>The log scope of one turn (every log line of its handlers carries ActivityId and ConversationId).</summary>
    public static IDisposable? ActivityScope(ILogger logger, string? activityId, string? conversationId) =>
        s_activityScope(logger, activityId, conversationId);

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

    [LoggerMessage(125, LogLevel.Information, "Shutting down: {Count} stored turn(s) not finished were handed back; the next start runs them")]
    public static partial void TurnsHandedBack(ILogger logger, int count);

    [LoggerMessage(126, LogLevel.Error,
        "DEAD-LETTERED inbound activity {ActivityId} ({ActivityType}) after {Attempts} attempt(s): {Error}. It stays in InboundTurns (Status=Dead); `outbox` (admins) lists it")]
    public static partial void TurnDeadLettered(ILogger logger, string? activityId, string? activityType, int attempts, string error);

    [LoggerMessage(127, LogLevel.Warning, "Turn for activity {ActivityId} ({ActivityType}) failed (attempt {Attempts}); retry at {NextAttemptAt:o}")]
    public static partial void TurnRetryScheduled(ILogger logger, string? activityId, string? activityType, int attempts, DateTimeOffset? nextAttemptAt);

    [LoggerMessage(128, LogLevel.Information, "Resuming stored turn for activity {ActivityId} ({ActivityType}), attempt {Attempt}")]
    public static partial void TurnResumed(ILogger logger, string? activityId, string? activityType, int attempt);

    [LoggerMessage(129, LogLevel.Error, "Looking for stored turns that are due failed; trying again at the next poll")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(130, LogLevel.Warning, "Could not hand back stored turn {ActivityId}; it runs again when its lease runs out")]
    public static partial void ReleaseFailed(ILogger logger, Exception exception, string? activityId);

    [LoggerMessage(131, LogLevel.Information, "Activity {ActivityId} ({ActivityType}) was delivered again; already stored, answered 200 without a second turn")]
    public static partial void DuplicateActivity(ILogger logger, string? activityId, string? activityType);

    [LoggerMessage(132, LogLevel.Error, "Could not store inbound activity {ActivityId} ({ActivityType}); answered 503 so the sender retries")]
    public static partial void AdmitFailed(ILogger logger, Exception exception, string? activityId, string? activityType);
}
