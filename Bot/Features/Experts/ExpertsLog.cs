namespace CrisisBot.Features.Experts;

/// <summary>Expert loop log messages; event ids 300–349.</summary>
internal static partial class ExpertsLog
{
    [LoggerMessage(EventId = 300, Level = LogLevel.Information, Message = "Question {QuestionId} asked for {Product} (due {DueAt})")]
    public static partial void Asked(ILogger logger, long questionId, string product, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 301, Level = LogLevel.Information, Message = "Agent joined question {QuestionId}")]
    public static partial void Joined(ILogger logger, long questionId);

    [LoggerMessage(EventId = 302, Level = LogLevel.Information, Message = "Question {QuestionId}: {Action} ({Before} -> {After})")]
    public static partial void Transition(ILogger logger, long questionId, string action, string before, string after);

    [LoggerMessage(EventId = 303, Level = LogLevel.Warning, Message = "Refused {Action} on {Subject} by {ActorId}: {Reason}")]
    public static partial void Refused(ILogger logger, string action, string subject, string actorId, string reason);

    [LoggerMessage(EventId = 304, Level = LogLevel.Information, Message = "Question {QuestionId}: concurrent change lost the race; showing the current state")]
    public static partial void LostRace(ILogger logger, long questionId);

    [LoggerMessage(EventId = 305, Level = LogLevel.Information, Message = "Question {QuestionId} approved; answer delivered to {Agents} agent(s), library entry {EntryId}")]
    public static partial void Delivered(ILogger logger, long questionId, int agents, long entryId);

    [LoggerMessage(EventId = 306, Level = LogLevel.Information, Message = "SLA step {Step}% for question {QuestionId}")]
    public static partial void SlaStep(ILogger logger, long questionId, int step);

    [LoggerMessage(EventId = 307, Level = LogLevel.Warning, Message = "SLA escalation for question {QuestionId}: no leadership or crisis channel is linked")]
    public static partial void NoEscalationChannel(ILogger logger, long questionId);

    [LoggerMessage(EventId = 308, Level = LogLevel.Warning, Message = "Member lookup for {UserId} failed; UPN-listed roles do not match")]
    public static partial void MemberLookupFailed(ILogger logger, string userId, Exception exception);

    [LoggerMessage(EventId = 309, Level = LogLevel.Information, Message = "Library entry {EntryId}: {Action}")]
    public static partial void LibraryAction(ILogger logger, long entryId, string action);
}
