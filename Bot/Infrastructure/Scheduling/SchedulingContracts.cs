using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Infrastructure.Scheduling;

/// <summary>A stored one-shot timer.</summary>
/// <param name="Kind">Which <see cref="ITimerHandler"/> handles it, e.g. <c>question.sla</c>.</param>
/// <param name="Key">The timer's identity within its kind, e.g. <c>q42:50</c>; scheduling the same (kind, key) again replaces it.</param>
/// <param name="DueAt">When it fires (by the injected TimeProvider).</param>
/// <param name="Payload">Optional handler data (small JSON).</param>
public sealed record DurableTimer(string Kind, string Key, DateTimeOffset DueAt, string? Payload);

/// <summary>
/// Durable one-shot timers that survive restarts and fire once across all instances. Schedule and cancel add rows to the
/// caller's <see cref="CrisisDbContext"/>, so they commit (or roll back) with the caller's state change.
/// </summary>
public interface IDurableTimers
{
    void Schedule(CrisisDbContext db, DurableTimer timer);

    void Cancel(CrisisDbContext db, string kind, string key);
}

/// <summary>
/// Handles due timers of one <see cref="Kind"/>. Called inside a transaction that also marks the timer fired: add rows
/// (outbox, state) to <paramref name="db"/> and do not call SaveChanges; a throw rolls back and the timer is retried later.
/// </summary>
public interface ITimerHandler
{
    string Kind { get; }

    Task HandleAsync(CrisisDbContext db, DurableTimer timer, CancellationToken ct);
}

/// <summary>
/// A recurring job on a cron schedule (Cronos syntax, 5 fields) in a time zone; each occurrence runs once across all
/// instances. Register with <c>services.AddSingleton&lt;IRecurringJob, X&gt;()</c>.
/// </summary>
public interface IRecurringJob
{
    /// <summary>Unique name, used for the run-once lease.</summary>
    string Name { get; }

    /// <summary>Cron expression, or null when the job is disabled by configuration.</summary>
    string? Cron { get; }

    TimeZoneInfo TimeZone { get; }

    /// <summary>Runs the occurrence due at <paramref name="occurrence"/>.</summary>
    Task RunAsync(DateTimeOffset occurrence, CancellationToken ct);
}
