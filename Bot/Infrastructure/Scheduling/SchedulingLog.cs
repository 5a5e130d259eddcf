namespace CrisisBot.Infrastructure.Scheduling;

/// <summary>Scheduler log messages; event ids 860–879.</summary>
internal static partial class SchedulingLog
{
    [LoggerMessage(EventId = 860, Level = LogLevel.Information, Message = "Scheduler {Owner} started: {Handlers} timer handler(s), {Jobs} recurring job(s)")]
    public static partial void Started(ILogger logger, string owner, int handlers, int jobs);

    [LoggerMessage(EventId = 861, Level = LogLevel.Debug, Message = "Timer {Kind}/{Key} fired (due {DueAt})")]
    public static partial void TimerFired(ILogger logger, string kind, string key, DateTimeOffset dueAt);

    [LoggerMessage(EventId = 862, Level = LogLevel.Warning, Message = "Timer {Kind}/{Key} handler failed (attempt {Attempt}); retrying at {NextAttemptAt}")]
    public static partial void TimerFailed(ILogger logger, string kind, string key, int attempt, DateTimeOffset nextAttemptAt, Exception exception);

    [LoggerMessage(EventId = 863, Level = LogLevel.Error, Message = "Timer {Kind}/{Key} is due but no handler is registered for kind '{Kind}'; kept, next look at {NextAttemptAt}")]
    public static partial void NoHandler(ILogger logger, string kind, string key, DateTimeOffset nextAttemptAt);

    [LoggerMessage(EventId = 864, Level = LogLevel.Debug, Message = "Timer {Kind}/{Key} was rescheduled, cancelled or taken by another instance before it fired here")]
    public static partial void TimerLost(ILogger logger, string kind, string key);

    [LoggerMessage(EventId = 865, Level = LogLevel.Information, Message = "Recurring job {Name}: running occurrence {Occurrence} (attempt {Attempt})")]
    public static partial void JobStarting(ILogger logger, string name, DateTimeOffset occurrence, int attempt);

    [LoggerMessage(EventId = 866, Level = LogLevel.Information, Message = "Recurring job {Name}: occurrence {Occurrence} done")]
    public static partial void JobDone(ILogger logger, string name, DateTimeOffset occurrence);

    [LoggerMessage(EventId = 867, Level = LogLevel.Warning, Message = "Recurring job {Name}: occurrence {Occurrence} failed (attempt {Attempt}); retrying at {RetryAt}")]
    public static partial void JobFailed(ILogger logger, string name, DateTimeOffset occurrence, int attempt, DateTimeOffset retryAt, Exception exception);

    [LoggerMessage(EventId = 868, Level = LogLevel.Error, Message = "Recurring job {Name}: occurrence {Occurrence} given up after {Attempts} attempt(s)")]
    public static partial void JobGaveUp(ILogger logger, string name, DateTimeOffset occurrence, int attempts, Exception exception);

    [LoggerMessage(EventId = 869, Level = LogLevel.Warning, Message = "Recurring job {Name}: {Skipped} missed occurrence(s) before {Occurrence} skipped (only the latest runs)")]
    public static partial void JobSkipped(ILogger logger, string name, int skipped, DateTimeOffset occurrence);

    [LoggerMessage(EventId = 870, Level = LogLevel.Warning, Message = "Recurring job {Name}: lease lost while running occurrence {Occurrence}; cancelling it here")]
    public static partial void JobLeaseLost(ILogger logger, string name, DateTimeOffset occurrence);

    [LoggerMessage(EventId = 871, Level = LogLevel.Error, Message = "Scheduler pass failed; retrying")]
    public static partial void PassFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 872, Level = LogLevel.Information, Message = "Recurring job {Name} is disabled (no cron)")]
    public static partial void JobDisabled(ILogger logger, string name);
}
