namespace CrisisBot.Features.HotTopics.Spikes;

/// <summary>Alarm severity. Numeric values are stable (persisted later).</summary>
public enum AlarmSeverity
{
    None = 0,
    Low = 1,
    Medium = 2,
    High = 3,
    Critical = 4,
}

/// <summary>What a series' alarm state did at one event time.</summary>
public enum AlarmTransition
{
    None = 0,
    Onset = 1,
    Escalation = 2,
    End = 3,
}

/// <summary>What a spike series measures.</summary>
public enum AlarmScope
{
    Topic = 1,
    Product = 2,
    Overall = 3,
}

/// <summary>
/// Tuning of the spike detector. Defaults were chosen on the bench/quality evaluation set (see bench/RESULTS.md).
/// </summary>
public sealed record SpikeDetectorOptions
{
    /// <summary>Bucket width of the event-time rate. <value>5 minutes</value></summary>
    public TimeSpan Bucket { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Windows (in buckets) tested at every post; the smallest p-value (Bonferroni-corrected) counts.</summary>
    public IReadOnlyList<int> Windows { get; init; } = [1, 3, 6];

    /// <summary>Alarm when the corrected Poisson tail probability falls below this. <value>1e-3</value></summary>
    public double OnsetPValue { get; init; } = 1e-3;

    /// <summary>A bucket is "quiet" when the 3-bucket window's p-value is above this. <value>0.01</value></summary>
    public double QuietPValue { get; init; } = 0.01;

    /// <summary>Consecutive quiet buckets that end an alarm (hysteresis). <value>6 (30 minutes)</value></summary>
    public int QuietBucketsToEnd { get; init; } = 6;

    /// <summary>After an alarm ends, no new onset for this many buckets unless severity is higher. <value>24 (2 hours)</value></summary>
    public int CooldownBuckets { get; init; } = 24;

    /// <summary>Minimum posts in the tested window for an alarm. <value>6</value></summary>
    public int MinCount { get; init; } = 6;

    /// <summary>Lowest expected posts per bucket (global floor). <value>0.05</value></summary>
    public double FloorPerBucket { get; init; } = 0.05;

    /// <summary>Smoothing of the all-hours baseline per closed bucket. <value>0.01</value></summary>
    public double GlobalAlpha { get; init; } = 0.01;

    /// <summary>Smoothing of the hour-of-day baseline per closed bucket of that hour. <value>0.05</value></summary>
    public double HourlyAlpha { get; init; } = 0.05;

    /// <summary>Closed buckets per hour slot before the hour-of-day baseline is fully trusted. <value>36 (3 days)</value></summary>
    public int HourlyWarmupBuckets { get; init; } = 36;

    /// <summary>Offset of the local day from UTC for the hour-of-day baseline. <value>0</value></summary>
    public TimeSpan DayOffset { get; init; } = TimeSpan.Zero;

    /// <summary>Reach (followers or impressions) in the last hour that raises severity by one level. <value>25,000</value></summary>
    public long ReachOneLevel { get; init; } = 25_000;

    /// <summary>Reach in the last hour that raises severity by two levels. <value>250,000</value></summary>
    public long ReachTwoLevels { get; init; } = 250_000;

    public int BucketSeconds => (int)Bucket.TotalSeconds;

    public long BucketOf(DateTimeOffset at) => Math.DivRem(at.ToUnixTimeSeconds(), BucketSeconds, out var r) - (r < 0 ? 1 : 0);

    public DateTimeOffset StartOf(long bucket) => DateTimeOffset.FromUnixTimeSeconds(bucket * BucketSeconds);
}
