namespace CrisisBot.Features.HotTopics.Spikes;

/// <summary>
/// One event-time rate series (a topic, a product, or all posts) with its own baseline and alarm state.
/// </summary>
/// <remarks>
/// <para><b>Rate.</b> Posts are counted in buckets of <see cref="SpikeDetectorOptions.Bucket"/> by <c>createdAt</c>
/// (never arrival time). A ring keeps the last 16 buckets; later posts within that span still count, older ones only
/// count in totals.</para>
/// <para><b>Baseline.</b> When a bucket closes (event time moves past it) its count updates two smoothed means:
/// one over all hours and one for its hour of day. The expected count of a bucket blends them, trusting the hour-of-day
/// mean more as it sees more days, and never goes below <see cref="SpikeDetectorOptions.FloorPerBucket"/>. While in alarm
/// the baseline is frozen, and every sample is winsorised (capped at e + 3√e + 1) so a spike never teaches the
/// baseline that spikes are normal.</para>
/// <para><b>Alarm.</b> At every post, for each window (1, 3, 6 buckets) the Poisson tail P(X ≥ count | expected) is
/// computed; the smallest, times the number of windows (Bonferroni), must be below
/// <see cref="SpikeDetectorOptions.OnsetPValue"/> with at least <see cref="SpikeDetectorOptions.MinCount"/> posts.
/// Severity comes from the ratio count/expected and the count, plus one or two levels for reach in the last hour.
/// Hysteresis: the alarm ends only after <see cref="SpikeDetectorOptions.QuietBucketsToEnd"/> consecutive quiet
/// buckets. Cooldown: for <see cref="SpikeDetectorOptions.CooldownBuckets"/> after an end, a new alarm condition
/// resumes the old alarm silently (no new onset, so no new card); it is announced only as an escalation when its
/// severity is higher than the last alarm's.</para>
/// </remarks>
public sealed class SpikeSeries
{
    private const int Ring = 16;
    private const int MaxCatchUpBuckets = 4032; // two weeks of 5-minute buckets

    private readonly SpikeDetectorOptions _o;
    private readonly int[] _counts = new int[Ring];
    private readonly long[] _reach = new long[Ring];
    private readonly double[] _expected = new double[Ring];
    private readonly double[] _hourly = new double[24];
    private readonly int[] _hourlyN = new int[24];
    private long _latest = long.MinValue;
    private double _global;
    private long _globalN;
    private int _quiet;
    private long _cooldownUntil = long.MinValue;
    private AlarmSeverity _lastSeverity;

    public SpikeSeries(SpikeDetectorOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _o = options;
        Array.Fill(_expected, options.FloorPerBucket);
    }

    public bool Active { get; private set; }

    /// <summary>Event time at which the current alarm condition started (onset, or a silent resume within the cooldown).</summary>
    public DateTimeOffset ActiveSince { get; private set; }

    public AlarmSeverity Severity { get; private set; }

    public long Total { get; private set; }

    /// <summary>Expected posts per bucket for the newest bucket (what the read API shows as baseline).</summary>
    public double Baseline => _latest == long.MinValue ? _o.FloorPerBucket : _expected[Slot(_latest)];

    /// <summary>Posts in the newest bucket and the five before it (a 30-minute rate with default options).</summary>
    public int RecentCount => _latest == long.MinValue ? 0 : WindowCount(_latest, 6);

    public long LatestBucket => _latest;

    /// <summary>Counts and expected counts of the ring's buckets, oldest first, ending at the newest bucket.</summary>
    internal (int[] Counts, double[] Expected) Recent()
    {
        var counts = new int[Ring];
        var expected = new double[Ring];
        if (_latest == long.MinValue)
        {
            return (counts, expected);
        }

        for (var i = 0; i < Ring; i++)
        {
            var b = _latest - Ring + 1 + i;
            counts[i] = _counts[Slot(b)];
            expected[i] = _expected[Slot(b)];
        }

        return (counts, expected);
    }

    private static int Slot(long bucket) => (int)(bucket & (Ring - 1)); // Ring is a power of two: the same as the non-negative remainder

    /// <summary>Counts one post at event time <paramref name="at"/> and evaluates the alarm.</summary>
    public void Observe(DateTimeOffset at, long reach, List<SpikeSignal> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var b = _o.BucketOf(at);
        if (_latest == long.MinValue)
        {
            Start(b);
        }
        else if (b > _latest)
        {
            RollTo(b, output);
        }

        Total++;
        if (b > _latest - Ring)
        {
            _counts[Slot(b)]++;
            _reach[Slot(b)] += reach;
        }

        Evaluate(at, output);
    }

    /// <summary>Moves event time forward without a post (closes buckets, may end an alarm).</summary>
    public void AdvanceTo(DateTimeOffset at, List<SpikeSignal> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        var b = _o.BucketOf(at);
        if (_latest != long.MinValue && b > _latest)
        {
            RollTo(b, output);
        }
    }

    /// <summary>Adds another series into this one (topic merge): counts, reach and baselines add up.</summary>
    public void Absorb(SpikeSeries other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other._latest == long.MinValue)
        {
            return;
        }

        var scratch = new List<SpikeSignal>();
        if (_latest == long.MinValue)
        {
            Start(other._latest);
        }

        var target = Math.Max(_latest, other._latest);
        AdvanceTo(_o.StartOf(target), scratch);
        other.AdvanceTo(_o.StartOf(target), scratch);
        for (var b = target - Ring + 1; b <= target; b++)
        {
            _counts[Slot(b)] += other._counts[Slot(b)];
            _reach[Slot(b)] += other._reach[Slot(b)];
        }

        _global += other._global;
        _globalN = Math.Max(_globalN, other._globalN);
        for (var h = 0; h < 24; h++)
        {
            _hourly[h] += other._hourly[h];
            _hourlyN[h] = Math.Max(_hourlyN[h], other._hourlyN[h]);
        }

        _expected[Slot(target)] = Expected(target);
        Total += other.Total;
        if (other.Active && !Active)
        {
            Active = true;
            ActiveSince = other.ActiveSince;
            _quiet = 0;
        }
        else if (other.Active && other.ActiveSince < ActiveSince)
        {
            ActiveSince = other.ActiveSince;
        }

        Severity = (AlarmSeverity)Math.Max((int)Severity, (int)other.Severity);
    }

    private void Start(long bucket)
    {
        _latest = bucket;
        _expected[Slot(bucket)] = Expected(bucket);
    }

    private void RollTo(long target, List<SpikeSignal> output)
    {
        if (target - _latest > MaxCatchUpBuckets)
        {
            // A long silence: close the newest bucket, then forget the ring; the baseline keeps its last value.
            CloseBucket(_latest, output);
            Array.Clear(_counts);
            Array.Clear(_reach);
            _latest = target;
            Array.Fill(_expected, Expected(target));
            return;
        }

        while (_latest < target)
        {
            CloseBucket(_latest, output);
            _latest++;
            var slot = Slot(_latest);
            _counts[slot] = 0;
            _reach[slot] = 0;
            _expected[slot] = Expected(_latest);
        }
    }

    private void CloseBucket(long c, List<SpikeSignal> output)
    {
        var count = _counts[Slot(c)];
        var e = _expected[Slot(c)];
        if (!Active)
        {
            var sample = Math.Min(count, e + (3 * Math.Sqrt(e)) + 1);
            _globalN++;
            _global += Math.Max(_o.GlobalAlpha, 1.0 / _globalN) * (sample - _global);
            var h = HourOf(c);
            _hourlyN[h]++;
            _hourly[h] += Math.Max(_o.HourlyAlpha, 1.0 / _hourlyN[h]) * (sample - _hourly[h]);
            return;
        }

        var p = PoissonTail.AtLeast(WindowCount(c, 3), WindowExpected(c, 3));
        _quiet = p > _o.QuietPValue ? _quiet + 1 : 0;
        if (_quiet >= _o.QuietBucketsToEnd)
        {
            Active = false;
            _lastSeverity = Severity;
            Severity = AlarmSeverity.None;
            _quiet = 0;
            _cooldownUntil = c + 1 + _o.CooldownBuckets;
            output.Add(new SpikeSignal(AlarmTransition.End, _lastSeverity, _o.StartOf(c + 1), WindowCount(c, 3), WindowExpected(c, 3), p));
        }
    }

    private int HourOf(long bucket) => (_o.StartOf(bucket) + _o.DayOffset).Hour;

    private double Expected(long bucket)
    {
        var h = HourOf(bucket);
        if (_globalN == 0)
        {
            return _o.FloorPerBucket;
        }

        var w = Math.Min(1.0, _hourlyN[h] / (double)_o.HourlyWarmupBuckets);
        var hourly = _hourly[h];
        var e = (w * hourly) + ((1 - w) * Math.Max(_global, hourly));
        return Math.Max(_o.FloorPerBucket, e);
    }

    private int WindowCount(long end, int width)
    {
        var sum = 0;
        for (var b = end - width + 1; b <= end; b++)
        {
            sum += _counts[Slot(b)];
        }

        return sum;
    }

    private double WindowExpected(long end, int width)
    {
        double sum = 0;
        for (var b = end - width + 1; b <= end; b++)
        {
            sum += _expected[Slot(b)];
        }

        return sum;
    }

    private void Evaluate(DateTimeOffset at, List<SpikeSignal> output)
    {
        var bestP = 1.0;
        var bestCount = 0;
        var bestExpected = 0.0;
        // By index, not foreach: the options hold an IReadOnlyList, whose enumerator is an object allocated per call
        // (this runs for every post, two or three times).
        var windows = _o.Windows;
        var windowCount = windows.Count;
        for (var i = 0; i < windowCount; i++)
        {
            var w = windows[i];
            var count = WindowCount(_latest, w);
            if (count < _o.MinCount)
            {
                continue;
            }

            var expected = WindowExpected(_latest, w);
            if (count <= expected || PoissonTail.PointMass(count, expected) * windowCount >= _o.OnsetPValue)
            {
                // The tail is 1 here, or at least P(X = count): this window cannot reach the onset p-value, and a window
                // above it can never be the best one below it, so the (often long) tail series is not needed.
                continue;
            }

            var p = Math.Min(1, PoissonTail.AtLeast(count, expected) * windowCount);
            if (p < bestP)
            {
                bestP = p;
                bestCount = count;
                bestExpected = expected;
            }
        }

        if (bestP >= _o.OnsetPValue)
        {
            return;
        }

        var severity = SeverityOf(bestCount, bestExpected);
        if (!Active)
        {
            Active = true;
            ActiveSince = at;
            Severity = severity;
            _quiet = 0;
            if (_latest >= _cooldownUntil)
            {
                output.Add(new SpikeSignal(AlarmTransition.Onset, severity, at, bestCount, bestExpected, bestP));
            }
            else if (severity > _lastSeverity)
            {
                // Within the cooldown the alarm resumes (same card); only a higher severity is announced.
                output.Add(new SpikeSignal(AlarmTransition.Escalation, severity, at, bestCount, bestExpected, bestP));
            }
            else
            {
                Severity = _lastSeverity > severity ? _lastSeverity : severity;
            }
        }
        else if (severity > Severity)
        {
            Severity = severity;
            output.Add(new SpikeSignal(AlarmTransition.Escalation, severity, at, bestCount, bestExpected, bestP));
        }
    }

    private AlarmSeverity SeverityOf(int count, double expected)
    {
        var ratio = count / Math.Max(expected, 1e-9);
        var level = ratio >= 20 && count >= 80 ? 4
            : ratio >= 10 && count >= 30 ? 3
            : ratio >= 5 && count >= 12 ? 2
            : 1;
        long reach = 0;
        for (var b = _latest - 11; b <= _latest; b++)
        {
            reach += _reach[Slot(b)];
        }

        level += reach >= _o.ReachTwoLevels ? 2 : reach >= _o.ReachOneLevel ? 1 : 0;
        return (AlarmSeverity)Math.Min(level, (int)AlarmSeverity.Critical);
    }
}
