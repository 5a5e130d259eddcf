using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Topics;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics;

/// <summary>
/// The hourly sweep skips topics by their due time (HotTopicEngine.NextSweepChange); an engine that looks at every
/// resident topic every hour must end in exactly the same state, step by step.
/// </summary>
public class TopicEngineSweepTests
{
    private static List<SocialPost> DemoPosts()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        using var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Demo", "demo-crisis.jsonl"));
        return [.. new JsonPostReader(clock).Read(stream).Select(r => r.Post!)];
    }

    private static HotTopicEngine Engine(HotTopicOptions options, bool everyTopic) =>
        new(new ProductRouter(ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"))), options)
        {
            SweepEveryTopic = everyTopic,
        };

    public static TheoryData<string> OptionSets => ["defaults", "short windows"];

    private static HotTopicOptions Options(string name) => name == "defaults"
        ? new HotTopicOptions()
        : new HotTopicOptions
        {
            // short enough that topics retire, cool down and resolve many times within the 10-day demo file
            Clustering = new ClusteringOptions { RetireSmallAfter = TimeSpan.FromHours(3), RetireAfter = TimeSpan.FromHours(20) },
            ResolveAfterCooling = TimeSpan.FromHours(2),
            ResolveQuietAfter = TimeSpan.FromHours(5),
        };

    [Theory]
    [MemberData(nameof(OptionSets))]
    public void Sweep_SkippingTopicsNotDue_SameOutcomesStatesAndReleasesAsSweepingEveryTopic(string optionSet)
    {
        var options = Options(optionSet);
        var skipping = Engine(options, everyTopic: false);
        var every = Engine(options, everyTopic: true);
        var posts = DemoPosts();
        var swept = 0;
        var released = 0;
        for (var i = 0; i < posts.Count; i++)
        {
            Assert.Equal(every.Process(posts[i]), skipping.Process(posts[i]));
            if (i % 50 == 49 || i == posts.Count - 1)
            {
                swept += SameStep(every, skipping, i);
                var a = every.ReleaseSettled();
                Assert.Equal(a, skipping.ReleaseSettled());
                released += a.Count;
            }
        }

        // then event time runs on without posts: the remaining topics retire and resolve
        var end = every.Watermark!.Value;
        for (var hours = 1; hours <= 24 * 20; hours += 7)
        {
            every.AdvanceTo(end.AddHours(hours));
            skipping.AdvanceTo(end.AddHours(hours));
            swept += SameStep(every, skipping, hours);
            var a = every.ReleaseSettled();
            Assert.Equal(a, skipping.ReleaseSettled());
            released += a.Count;
        }

        // the comparison covered what the sweep does: topics resolved by it, retired and released
        Assert.True(swept > 20, $"{swept} topics resolved by the sweep");
        Assert.True(released > 50, $"{released} topics released");
        Assert.Contains("indexed 0,", every.DescribeMemory(), StringComparison.Ordinal);
    }

    private static int SameStep(HotTopicEngine every, HotTopicEngine skipping, int step)
    {
        var a = new List<TopicId>();
        var b = new List<TopicId>();
        every.DrainSweptTopics(a);
        skipping.DrainSweptTopics(b);
        Assert.Equal(a, b);
        Assert.Equal(every.Topics(), skipping.Topics());
        Assert.Equal(every.Alarms, skipping.Alarms);
        Assert.Equal(every.Merges, skipping.Merges);
        Assert.True(every.DescribeMemory() == skipping.DescribeMemory(), $"step {step}: {every.DescribeMemory()} vs {skipping.DescribeMemory()}");
        return a.Count;
    }
}
