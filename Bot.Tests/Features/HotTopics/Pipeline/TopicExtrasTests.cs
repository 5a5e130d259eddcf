using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Pipeline;

/// <summary>The bounded per-topic extras behind TopicView: hourly counts, top samples, eviction, merges.</summary>
public sealed class TopicExtrasTests
{
    private static readonly TopicId A = new(1);
    private static readonly TopicId B = new(2);

    [Fact]
    public void HourlyCounts_PostsOverThreeHours_CountedPerHourEndingAtWatermark()
    {
        var extras = new TopicExtras();
        extras.Record(A, Posts.Make("1", "x", Posts.T0));
        extras.Record(A, Posts.Make("2", "x", Posts.T0.AddMinutes(70)));
        extras.Record(A, Posts.Make("3", "x", Posts.T0.AddMinutes(80)));

        var counts = extras.HourlyCounts(A, Posts.T0.AddHours(2).AddMinutes(5));

        Assert.Equal(24, counts.Count);
        Assert.Equal([1, 2, 0], counts.TakeLast(3));
        Assert.Equal(3, counts.Sum());
    }

    [Fact]
    public void SamplePosts_ManyPosts_KeepsThreeMostReachedInOrder()
    {
        var extras = new TopicExtras();
        long[] reaches = [50, 900, 10, 400, 900, 70];
        for (var i = 0; i < reaches.Length; i++)
        {
            extras.Record(A, Posts.Make($"p{i}", new string('x', 800), Posts.T0.AddMinutes(i), followers: reaches[i]));
        }

        var samples = extras.SamplePosts(A);

        Assert.Equal(["p1", "p4", "p3"], samples.Select(s => s.Id));
        Assert.All(samples, s => Assert.Equal(TopicExtras.MaxSampleChars, s.Text.Length));
    }

    [Fact]
    public void Evict_TopicQuietForMoreThanADay_DroppedButAlarmsKept()
    {
        var extras = new TopicExtras();
        extras.Record(A, Posts.Make("1", "x", Posts.T0));
        extras.RecordAlarm(A, new TopicAlarm(A, "brand", Posts.T0, AlarmSeverity.Low, AlarmScope.Topic, AlarmTransition.Onset, 6, 1, 1e-4));
        extras.Record(B, Posts.Make("2", "x", Posts.T0.AddHours(20)));

        extras.Evict(Posts.T0.AddHours(26));

        Assert.Equal(1, extras.Count);
        Assert.Empty(extras.SamplePosts(A));
        Assert.Single(extras.SamplePosts(B));
        Assert.Single(extras.Alarms(A));
    }

    [Fact]
    public void Evict_HourByHourWithLatePostAndRevivedTopic_DropsExactlyTheTopicsQuietForADay()
    {
        var extras = new TopicExtras();
        var c = new TopicId(3);
        extras.Record(A, Posts.Make("1", "x", Posts.T0));
        extras.Record(B, Posts.Make("2", "x", Posts.T0.AddHours(1)));
        extras.Evict(Posts.T0.AddHours(30));                        // A and B both quiet for more than a day: gone
        extras.Record(c, Posts.Make("3", "x", Posts.T0.AddHours(2))); // a late post of a new topic: older than the window
        extras.Record(A, Posts.Make("4", "x", Posts.T0.AddHours(29))); // A wakes up: a new entry
        extras.Evict(Posts.T0.AddHours(30).AddMinutes(30));          // same hour: nothing happens
        Assert.Equal(2, extras.Count);

        extras.Evict(Posts.T0.AddHours(31));                        // the next hour: the late topic goes, A stays

        Assert.Equal(1, extras.Count);
        Assert.Empty(extras.SamplePosts(c));
        Assert.Equal(["4"], extras.SamplePosts(A).Select(s => s.Id));

        extras.Evict(Posts.T0.AddHours(53));                        // A's last post 24 h before this hour: kept
        Assert.Equal(1, extras.Count);
        extras.Evict(Posts.T0.AddHours(54));                        // and one hour later: gone
        Assert.Equal(0, extras.Count);
    }

    [Fact]
    public void Merge_CountsAndSamplesMoveToSurvivor()
    {
        var extras = new TopicExtras();
        extras.Record(A, Posts.Make("a", "x", Posts.T0, followers: 5));
        extras.Record(B, Posts.Make("b", "x", Posts.T0.AddMinutes(1), followers: 500));

        extras.Merge(A, B);

        Assert.Equal(2, extras.HourlyCounts(B, Posts.T0).Sum());
        Assert.Equal(["b", "a"], extras.SamplePosts(B).Select(s => s.Id));
    }
}
