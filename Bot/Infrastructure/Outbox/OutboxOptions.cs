using System.ComponentModel.DataAnnotations;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>The <c>Outbox</c> section: how the delivery worker claims, retries and dead-letters rows.</summary>
public sealed class OutboxOptions
{
    public const string SectionName = "Outbox";

    /// <summary>Failed attempts (5xx, timeouts, network errors) before a row is dead-lettered. 429s do not count.</summary>
    /// <value>Default 8.</value>
    [Range(1, 100)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>How many rows one claim leases at most.</summary>
    /// <value>Default 200.</value>
    [Range(1, 10_000)]
    public int BatchSize { get; set; } = 200;

    /// <summary>Connector calls in flight at once (at most one per conversation).</summary>
    /// <value>Default 32.</value>
    [Range(1, 1_000)]
    public int MaxConcurrency { get; set; } = 32;

    /// <summary>How long a claim is valid. A row held longer is released; a row of a dead worker is reclaimed after it.</summary>
    /// <value>Default 2 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan LeaseDuration { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>How often the worker looks for due rows without being signalled (rows of other instances, retries).</summary>
    /// <value>Default 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First retry delay after a failed attempt; doubles per attempt with ±20% jitter.</summary>
    /// <value>Default 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00")]
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Longest retry delay.</summary>
    /// <value>Default 5 minutes.</value>
    [Range(typeof(TimeSpan), "00:00:00", "1.00:00:00")]
    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>How long an update waits before looking again for the post of its card.</summary>
    /// <value>Default 1 second.</value>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:10:00")]
    public TimeSpan CardPostWait { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a turn reply (<c>ITurnReplies.ReplyAsync</c>) waits for its row to be delivered by this instance to return
    /// the new activity id. After it the reply is still delivered; the call returns null.
    /// </summary>
    /// <value>Default 5 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan ReplyWaitTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The lease owner name of this instance. Default: machine name, process id and a random suffix.</summary>
    public string? InstanceId { get; set; }

    /// <summary>
    /// Share the Teams limits with the other instances on the same database (partition leases + split tenant budget, see
    /// <see cref="DeliveryPartitions"/>). Null (default): on with PostgreSQL, off with SQLite (one instance).
    /// </summary>
    public bool? ShareLimits { get; set; }

    /// <summary>How long a partition lease and an instance heartbeat stay valid without renewal.</summary>
    /// <value>Default 10 s.</value>
    [Range(typeof(TimeSpan), "00:00:01", "00:10:00")]
    public TimeSpan PartitionLease { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an instance renews its partitions, counts live instances and rebalances. Must be below <see cref="PartitionLease"/>.</summary>
    /// <value>Default 2 s.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:05:00")]
    public TimeSpan PartitionHeartbeat { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>False stops the delivery worker of this instance (rows are still written; another instance sends them).</summary>
    /// <value>Default true.</value>
    public bool WorkerEnabled { get; set; } = true;
}
