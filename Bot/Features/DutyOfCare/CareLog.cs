namespace CrisisBot.Features.DutyOfCare;

/// <summary>Duty-of-care log events (1701–1709). No names and no post text at Information.</summary>
internal static partial class CareLog
{
    [LoggerMessage(EventId = 1801, Level = LogLevel.Debug, Message = "Duty of care: {Kind} on topic T{TopicId} recorded")]
    public static partial void Engaged(ILogger logger, string kind, int topicId);

    [LoggerMessage(EventId = 1802, Level = LogLevel.Information, Message = "Duty of care: break prompt queued after {Exposures} abusive exposures")]
    public static partial void Prompted(ILogger logger, int exposures);

    [LoggerMessage(EventId = 1803, Level = LogLevel.Debug, Message = "Duty of care: {Exposures} exposures, but a prompt was sent within the cooldown")]
    public static partial void CoolingDown(ILogger logger, int exposures);

    [LoggerMessage(EventId = 1804, Level = LogLevel.Warning, Message = "Duty of care: {Verb} on prompt {PromptKey} refused for {ActorId} (not the prompted agent)")]
    public static partial void Refused(ILogger logger, string verb, string promptKey, string actorId);

    [LoggerMessage(EventId = 1805, Level = LogLevel.Information, Message = "Duty of care: prompt answered ({Answer})")]
    public static partial void Answered(ILogger logger, string answer);
}
