using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Infrastructure.Scheduling;

/// <inheritdoc cref="IDurableTimers"/>
/// <remarks>
/// Schedule looks the (kind, key) up in the caller's context (tracked entries first, then one query) and updates it or adds
/// a row; Cancel removes it. Both are saved by the caller's <c>SaveChanges</c>. If the worker fires the same timer at that
/// very moment, the caller's save fails with <see cref="DbUpdateConcurrencyException"/> (or a unique-key violation for two
/// concurrent first schedules): retry the caller's operation.
/// </remarks>
public sealed class DurableTimers(SchedulerSignal signal, TimeProvider time) : IDurableTimers
{
    public const int MaxKindLength = 100;
    public const int MaxKeyLength = 300;
    public const int MaxPayloadLength = 16_000;

    public void Schedule(CrisisDbContext db, DurableTimer timer)
    {
        ArgumentNullException.ThrowIfNull(db);
        Validate(timer);
        var existing = Find(db, timer.Kind, timer.Key);
        if (existing is null)
        {
            db.Set<ScheduledTimer>().Add(ScheduledTimer.Create(timer, time.GetUtcNow()));
        }
        else
        {
            existing.Reschedule(timer);
        }

        signal.NotifyOnSave(db);
    }

    public void Cancel(CrisisDbContext db, string kind, string key)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentException.ThrowIfNullOrWhiteSpace(kind);
        ArgumentException.ThrowIfNullOrWhiteSpace(key);
        if (Find(db, kind, key) is { } existing)
        {
            db.Set<ScheduledTimer>().Remove(existing);
        }
    }

    /// <summary>Checks a timer before it is stored; a bad one throws <see cref="ArgumentException"/> naming the field.</summary>
    public static void Validate(DurableTimer timer)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (string.IsNullOrWhiteSpace(timer.Kind) || timer.Kind.Length > MaxKindLength)
        {
            throw new ArgumentException($"Timer kind must be 1 to {MaxKindLength} characters (got '{timer.Kind}').", nameof(timer));
        }

        if (string.IsNullOrWhiteSpace(timer.Key) || timer.Key.Length > MaxKeyLength)
        {
            throw new ArgumentException($"Timer key must be 1 to {MaxKeyLength} characters (kind '{timer.Kind}').", nameof(timer));
        }

        if (timer.Payload is { Length: > MaxPayloadLength })
        {
            throw new ArgumentException($"Timer payload of {timer.Kind}/{timer.Key} is {timer.Payload.Length} characters; at most {MaxPayloadLength}.", nameof(timer));
        }
    }

    private static ScheduledTimer? Find(CrisisDbContext db, string kind, string key)
    {
        var set = db.Set<ScheduledTimer>();
        var local = set.Local.FirstOrDefault(t => t.Kind == kind && t.Key == key && db.Entry(t).State != EntityState.Deleted);
        if (local is not null)
        {
            return local;
        }

        // A deleted-but-not-saved entry is removed on save; look in the database only when nothing is tracked for the key.
        if (set.Local.Any(t => t.Kind == kind && t.Key == key))
        {
            return null;
        }

        return set.FirstOrDefault(t => t.Kind == kind && t.Key == key);
    }

}

/// <summary>Wakes the scheduler when a timer was committed.</summary>
public sealed class SchedulerSignal : WakeSignal;
