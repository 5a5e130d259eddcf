using CrisisBot.Features.HotTopics.Spikes;

namespace CrisisBot.Tests.Features.HotTopics;

public class SpikeSeriesTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 0, 0, 0, TimeSpan.Zero);
    private static readonly SpikeDetectorOptions Options = new();

    /// <summary>Feeds a steady rate (posts per hour, evenly spaced) from <paramref name="from"/> for <paramref name="hours"/>.</summary>
    private static void Steady(SpikeSeries s, List<SpikeSignal> output, DateTimeOffset from, double hours, Func<int, double> perHourAtHour)
    {
        var t = from;
        var end = from.AddHours(hours);
        while (t < end)
        {
            var rate = perHourAtHour(t.Hour);
            if (rate <= 0)
            {
                t = t.AddHours(1);
                continue;
            }

            s.Observe(t, 10, output);
            t = t.AddSeconds(3600 / rate);
        }
    }

    [Fact]
    public void Observe_QuietSteadyBaseline_NoAlarm()
    {
        var s = new SpikeSeries(Options);
        var output = new List<SpikeSignal>();
        Steady(s, output, T0, 24 * 7, _ => 6);
        Assert.Empty(output);
        Assert.False(s.Active);
        Assert.InRange(s.Baseline * 12, 4, 8); // learnt about 6 posts/hour
    }

    [Fact]
    public void Observe_Spike_AlarmsWithinFewBuckets()
    {
        var s = new SpikeSeries(Options);
        var output = new List<SpikeSignal>();
        Steady(s, output, T0, 48, _ => 6);
        var spikeStart = T0.AddHours(48);
        Steady(s, output, spikeStart, 1, _ => 90);
        var onset = Assert.Single(output, o => o.Transition == AlarmTransition.Onset);
        Assert.True(onset.At - spikeStart <= TimeSpan.FromMinutes(10), $"alarm after {onset.At - spikeStart}");
        Assert.True(onset.At >= spikeStart);
        Assert.True(s.Active);
    }

    [Fact]
    public void Observe_FewPostsOnEmptyBaseline_NeedMinimumCount()
    {
        var s = new SpikeSeries(Options);
        var output = new List<SpikeSignal>();
        for (var i = 0; i < Options.MinCount - 1; i++)
        {
            s.Observe(T0.AddSeconds(i), 0, output);
        }

        Assert.Empty(output);
        s.Observe(T0.AddSeconds(10), 0, output);
        Assert.Equal(AlarmTransition.Onset, Assert.Single(output).Transition);
    }

    [Fact]
    public void Hysteresis_AlarmStaysOnThroughShortDip_EndsAfterQuietBuckets()
    {
        var s = new SpikeSeries(Options);
        var output = new List<SpikeSignal>();
        Steady(s, output, T0, 48, _ => 6);
        var spike = T0.AddHours(48);
        Steady(s, output, spike, 1, _ => 120);
        Steady(s, output, spike.AddHours(1), 0.25, _ => 6);   // 15-minute dip: shorter than 6 quiet buckets
        Steady(s, output, spike.AddHours(1.25), 0.5, _ => 120);
        Assert.Single(output, o => o.Transition == AlarmTransition.Onset);
        Assert.DoesNotContain(output, o => o.Transition == AlarmTransition.End);

        Steady(s, output, spike.AddHours(1.75), 3, _ => 6);
        var end = Assert.Single(output, o => o.Transition == AlarmTransition.End);
        Assert.False(s.Active);
        Assert.True(end.At >= spike.AddHours(1.75).AddMinutes(25), $"ended at {end.At}");
    }

    [Fact]
    public void Cooldown_SecondBurstSoonAfterEnd_ResumesWithoutNewOnset()
    {
        var s = new SpikeSeries(Options);
        var output = new List<SpikeSignal>();
        Steady(s, output, T0, 48, _ => 6);
        var spike = T0.AddHours(48);
        Steady(s, output, spike, 1, _ => 120);
        Steady(s, output, spike.AddHours(1), 1, _ => 6);
        Assert.Contains(output, o => o.Transition == AlarmTransition.End);
        Steady(s, output, spike.AddHours(2), 0.5, _ => 120); // within the 2-hour cooldown
        Assert.Single(output, o => o.Transition == AlarmTransition.Onset);
        Assert.True(s.Active);

        // Long after the cooldown a new burst is a new onset.
        Steady(s, output, spike.AddHours(2.5), 6, _ => 6);
        Steady(s, output, spike.AddHours(8.5), 0.5, _ => 120);
        Assert.Equal(2, output.Count(o => o.Transition == AlarmTransition.Onset));
    }

    [Fact]
    public void Baseline_RespectsTimeOfDay()
    {
        // Busy days (30/h from 08:00 to 20:00), quiet nights (1/h). After a week, 30/h at noon is normal,
        // 30/h at 03:00 is a spike.
        static double Curve(int hour) => hour is >= 8 and < 20 ? 30 : 1;
        var s = new SpikeSeries(Options);
        var output = new List<SpikeSignal>();
        Steady(s, output, T0, 24 * 7, Curve);
        Assert.DoesNotContain(output, o => o.Transition == AlarmTransition.Onset && o.At > T0.AddDays(4));
        var before = output.Count;
        Steady(s, output, T0.AddDays(7).AddHours(3), 1, _ => 30);
        Assert.Contains(output.Skip(before), o => o.Transition == AlarmTransition.Onset);
    }

    [Fact]
    public void Reach_RaisesSeverity()
    {
        AlarmSeverity Run(long reach)
        {
            var s = new SpikeSeries(Options);
            var output = new List<SpikeSignal>();
            for (var i = 0; i < 8; i++)
            {
                s.Observe(T0.AddSeconds(i * 20), reach, output);
            }

            return output.First(o => o.Transition == AlarmTransition.Onset).Severity;
        }

        Assert.Equal(AlarmSeverity.Low, Run(10));
        Assert.Equal(AlarmSeverity.Medium, Run(5_000));    // 6 posts × 5,000 = 30,000 ≥ 25,000
        Assert.Equal(AlarmSeverity.High, Run(50_000));     // ≥ 250,000
    }

    [Fact]
    public void Observe_UsesEventTimeNotArrivalOrder()
    {
        // The same posts in two different arrival orders within a bucket give the same alarms.
        var times = Enumerable.Range(0, 12).Select(i => T0.AddHours(10).AddSeconds(i * 20)).ToList();
        var a = new List<SpikeSignal>();
        var b = new List<SpikeSignal>();
        var sa = new SpikeSeries(Options);
        var sb = new SpikeSeries(Options);
        foreach (var t in times)
        {
            sa.Observe(t, 0, a);
        }

        foreach (var t in times.AsEnumerable().Reverse())
        {
            sb.Observe(t, 0, b);
        }

        Assert.Equal(a.Select(x => x.Transition), b.Select(x => x.Transition));
        Assert.Equal(sa.Total, sb.Total);
    }

    [Theory]
    [InlineData(0, 1.0, 1.0)]
    [InlineData(1, 0.0, 0.0)]
    [InlineData(10, 1.0, 1.1142547833872e-7)]
    [InlineData(3, 2.0, 0.32332358381694)]
    public void PoissonTail_KnownValues(int k, double lambda, double expected)
    {
        var actual = PoissonTail.AtLeast(k, lambda);
        Assert.True(Math.Abs(actual - expected) <= expected * 1e-6 + 1e-12, $"{actual} vs {expected}");
    }

    [Theory]
    [InlineData(5, 1.0)]
    [InlineData(13, 2.5)]
    [InlineData(40, 12.0)]
    [InlineData(520, 500.0)]
    [InlineData(1500, 1400.0)]
    public void PoissonTail_PointMass_IsALowerBoundOfTheTailAndCloseToItFarOut(int k, double lambda)
    {
        // SpikeSeries skips the tail series when even P(X = k) is too large to alarm: that is only exact if it never
        // exceeds P(X >= k).
        var mass = PoissonTail.PointMass(k, lambda);
        var tail = PoissonTail.AtLeast(k, lambda);
        Assert.InRange(mass, 0, tail);
        Assert.True(mass > 0);
        if (k >= 3 * lambda)
        {
            Assert.True(mass / tail > 0.5, $"{mass} vs {tail}"); // far in the tail the first term dominates
        }
    }
}
