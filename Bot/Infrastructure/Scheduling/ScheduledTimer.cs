using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Infrastructure.Scheduling;

/// <summary>
/// The stored form of a <see cref="DurableTimer"/>. The row exists while the timer is pending; firing deletes it in the
/// same transaction as the handler's changes, so a timer fires (commits) once. (<see cref="Kind"/>, <see cref="Key"/>) is unique.
/// </summary>
public sealed class ScheduledTimer
{
    private ScheduledTimer()
    {
    }

    public long Id { get; private set; }

    public string Kind { get; private set; } = "";

    public string Key { get; private set; } = "";

    /// <summary>When it is due (UTC), as scheduled.</summary>
    public DateTimeOffset DueAt { get; private set; }

    /// <summary>When the worker may try it: <see cref="DueAt"/>, later after a failed attempt.</summary>
    public DateTimeOffset NextAttemptAt { get; private set; }

    public string? Payload { get; private set; }

    /// <summary>Failed attempts (handler threw, or no handler for the kind).</summary>
    public int Attempts { get; private set; }

    public string? LastError { get; private set; }

    /// <summary>Incremented when the timer is rescheduled; the fire is conditional on it, so a rescheduled timer never fires with its old state.</summary>
    public int Version { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    public DateTimeOffset CreatedAt { get; private set; }

    internal DurableTimer ToTimer() => new(Kind, Key, DueAt, Payload);

    internal static ScheduledTimer Create(DurableTimer timer, DateTimeOffset now) => new()
    {
        Kind = timer.Kind,
        Key = timer.Key,
        DueAt = timer.DueAt.ToUniversalTime(),
        NextAttemptAt = timer.DueAt.ToUniversalTime(),
        Payload = timer.Payload,
        CreatedAt = now,
    };

    /// <summary>Replaces the schedule of an existing timer (and takes it from a worker that may hold it).</summary>
    internal void Reschedule(DurableTimer timer)
    {
        DueAt = timer.DueAt.ToUniversalTime();
        NextAttemptAt = DueAt;
        Payload = timer.Payload;
        Attempts = 0;
        LastError = null;
        LeaseOwner = null;
        LeaseUntil = null;
        Version++;
    }
}

internal sealed class ScheduledTimerConfiguration : IEntityTypeConfiguration<ScheduledTimer>
{
    public void Configure(EntityTypeBuilder<ScheduledTimer> builder)
    {
        builder.ToTable("ScheduledTimers");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedOnAdd();
        builder.Property(t => t.Kind).HasMaxLength(DurableTimers.MaxKindLength).IsRequired();
        builder.Property(t => t.Key).HasMaxLength(DurableTimers.MaxKeyLength).IsRequired();
        builder.Property(t => t.Payload).HasMaxLength(DurableTimers.MaxPayloadLength);
        builder.Property(t => t.LastError).HasMaxLength(2000);
        builder.Property(t => t.LeaseOwner).HasMaxLength(128);
        builder.HasIndex(t => new { t.Kind, t.Key }).IsUnique();
        builder.HasIndex(t => t.NextAttemptAt);
    }
}

/// <summary>
/// The run-once lease of one <see cref="IRecurringJob"/>: the last occurrence that completed, and while an occurrence runs,
/// which instance runs it and until when its lease holds (renewed while the job runs).
/// </summary>
public sealed class RecurringJobState
{
    private RecurringJobState()
    {
    }

    public string Name { get; private set; } = "";

    /// <summary>The last occurrence that ran (or was skipped); the next one is computed from it.</summary>
    public DateTimeOffset LastOccurrence { get; private set; }

    /// <summary>The occurrence being run, with <see cref="LeaseOwner"/> and <see cref="LeaseUntil"/>.</summary>
    public DateTimeOffset? RunningOccurrence { get; private set; }

    public string? LeaseOwner { get; private set; }

    public DateTimeOffset? LeaseUntil { get; private set; }

    /// <summary>Failed attempts of <see cref="RunningOccurrence"/>'s occurrence; the next attempt waits until <see cref="RetryAt"/>.</summary>
    public int Attempts { get; private set; }

    public DateTimeOffset? RetryAt { get; private set; }

    public string? LastError { get; private set; }

    public DateTimeOffset? LastCompletedAt { get; private set; }

    internal static RecurringJobState Create(string name, DateTimeOffset lastOccurrence) => new() { Name = name, LastOccurrence = lastOccurrence };
}

internal sealed class RecurringJobStateConfiguration : IEntityTypeConfiguration<RecurringJobState>
{
    public void Configure(EntityTypeBuilder<RecurringJobState> builder)
    {
        builder.ToTable("RecurringJobs");
        builder.HasKey(j => j.Name);
        builder.Property(j => j.Name).HasMaxLength(200);
        builder.Property(j => j.LeaseOwner).HasMaxLength(128);
        builder.Property(j => j.LastError).HasMaxLength(2000);
    }
}
