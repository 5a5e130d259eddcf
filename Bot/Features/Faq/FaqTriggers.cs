using System.Globalization;
using CrisisBot.Features.Experts;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Faq;

/// <summary>
/// Publish on approval: when an answer flagged "add to FAQ" is approved, replaced or retired, schedules a durable
/// <see cref="FaqPublishTimerHandler.TimerKind"/> timer <see cref="FaqOptions.PublishDelay"/> ahead, inside the expert
/// loop's transaction.
/// </summary>
/// <remarks>
/// Why a timer rather than publishing in the same transaction: the timer row commits (or rolls back) with the approval,
/// so a crash after the commit still publishes; the approval's transaction stays small and can never fail because of the
/// FAQ (version numbering races with the schedule or an admin are resolved in the timer's own transaction, which retries);
/// and a burst of changes (a replacement is "superseded" plus "approved" in one transaction) becomes one version, since the
/// later timers find the content unchanged. Each change gets its own timer key, so scheduling never touches a timer the
/// scheduler may be firing at that moment (which would make the approval's save fail).
/// </remarks>
internal sealed class FaqExpertObserver(IDurableTimers timers, IOptionsMonitor<FaqOptions> options, ILogger<FaqExpertObserver> logger) : IExpertLoopObserver
{
    public Task OnChangedAsync(CrisisDbContext db, ExpertLoopChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        var what = change.Kind switch
        {
            ExpertLoopChangeKind.AnswerApproved => "approved",
            ExpertLoopChangeKind.AnswerSuperseded => "superseded",
            ExpertLoopChangeKind.AnswerRetired => "retired",
            _ => null,
        };
        if (what is null || !change.AddToFaq || change.LibraryEntryId is not { } entryId || !options.CurrentValue.PublishOnApproval)
        {
            return Task.CompletedTask;
        }

        var due = change.At + options.CurrentValue.PublishDelay;
        var key = string.Create(CultureInfo.InvariantCulture, $"{what}:e{entryId}:{change.At.UtcTicks}");
        var trigger = change.Kind == ExpertLoopChangeKind.AnswerRetired ? FaqTrigger.Retirement : FaqTrigger.Approval;
        var payload = string.Create(CultureInfo.InvariantCulture, $"{trigger}|library entry {entryId} {what} (question {change.QuestionId}, {change.ProductKey})");
        timers.Schedule(db, new DurableTimer(FaqPublishTimerHandler.TimerKind, key, due, payload));
        FaqLog.PublishQueued(logger, due, what, entryId);
        return Task.CompletedTask;
    }
}

/// <summary>Fires the publish scheduled by <see cref="FaqExpertObserver"/>, in the scheduler's transaction (a race retries).</summary>
internal sealed class FaqPublishTimerHandler(FaqPublisher publisher) : ITimerHandler
{
    public const string TimerKind = "faq.publish";

    public string Kind => TimerKind;

    public async Task HandleAsync(CrisisDbContext db, DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        var (trigger, by) = Parse(timer.Payload);
        await publisher.StageAsync(db, trigger, by, ct);
    }

    internal static (FaqTrigger Trigger, string By) Parse(string? payload)
    {
        var bar = payload?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        if (payload is null || bar < 0 || !Enum.TryParse<FaqTrigger>(payload[..bar], out var trigger))
        {
            return (FaqTrigger.Approval, payload ?? "expert loop change");
        }

        return (trigger, payload[(bar + 1)..]);
    }
}

/// <summary>The scheduled publish: <c>Faq:Schedule</c> in <c>Faq:TimeZone</c>, once per occurrence across instances.</summary>
internal sealed class FaqScheduleJob(IOptions<FaqOptions> options, FaqPublisher publisher) : IRecurringJob
{
    public string Name => "faq.publish";

    public string? Cron => string.IsNullOrWhiteSpace(options.Value.Schedule) ? null : options.Value.Schedule.Trim();

    public TimeZoneInfo TimeZone => options.Value.ResolveTimeZone();

    public Task RunAsync(DateTimeOffset occurrence, CancellationToken ct) =>
        publisher.PublishAsync(FaqTrigger.Schedule, string.Create(CultureInfo.InvariantCulture, $"schedule '{Cron}' ({TimeZone.Id}), occurrence {occurrence:yyyy-MM-dd HH:mm}Z"), ct: ct);
}
