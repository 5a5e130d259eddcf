using System.ComponentModel.DataAnnotations;

namespace CrisisBot.Infrastructure.Scheduling;

/// <summary>The <c>Scheduling</c> section: durable timers and recurring jobs.</summary>
public sealed class SchedulerOptions
{
    public const string SectionName = "Scheduling";

    /// <summary>False stops this instance's scheduler worker (timers are still stored; another instance fires them).</summary>
    /// <value>Default true.</value>
    public bool Enabled { get; set; } = true;

    /// <summary>Longest sleep between passes (timers scheduled by other instances are seen within it).</summary>
    /// <value>Default 2 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long a claimed timer or a running job occurrence belongs to this instance (jobs renew it while they run).</summary>
    /// <value>Default 1 minute.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Timers claimed at once.</summary>
    /// <value>Default 50.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 50;

    /// <summary>First retry delay after a handler or job failed; doubles per attempt, ±20 % jitter.</summary>
    /// <value>Default 5 s.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest retry delay.</summary>
    /// <value>Default 10 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long a timer whose kind has no handler waits before it is tried again (it is logged and kept).</summary>
    /// <value>Default 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan UnhandledKindRetry { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Attempts of one recurring-job occurrence before it is given up (logged) and the job waits for the next one.</summary>
    /// <value>Default 3.</value>
    [Range(1, 100)]
    public int JobMaxAttempts { get; set; } = 3;

    /// <summary>The lease owner name of this instance. Default: machine name, process id and a random suffix.</summary>
    public string? InstanceId { get; set; }
}
