using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics;

/// <summary>
/// The spike sub-topic rule (<see cref="ClusteringOptions.SubTopicWindow"/>): a paraphrase that started its own topic and
/// alarms a few minutes after the main topic of the same surge joins it (one alarm, one card); a different issue of the
/// same product that surges later keeps its own alarm.
/// </summary>
public class TopicEngineSubTopicTests
{
    private static readonly DateTimeOffset Spike = new(2026, 3, 4, 13, 0, 0, TimeSpan.Zero);

    private static readonly string[] OnHold =
    [
        "been on hold for over an hour on your phone line",
        "your phone line keeps me on hold forever",
        "on hold again, nobody answers the phone line",
        "stuck on hold on your phone line for an hour",
        "phone line on hold forever again",
    ];

    // The text bar of the rule is calibrated on bench/quality's evaluation set; these few crafted wordings are less alike,
    // so the tests loosen it and let the timing and size conditions decide (what they are about).
    private static readonly HotTopicOptions Loose = new()
    {
        Clustering = new ClusteringOptions { SubTopicMergeFactor = 0.3f, SubTopicMeanFactor = 0.3f },
    };

    // One wording of the same complaint that shares only "hold" with the others: it starts its own topic.
    private static readonly string[] CutOff = ["waited on hold for ages then the call got cut off"];

    private static readonly string[] Declined =
    [
        "my credit card keeps getting declined",
        "card declined at the till even though i have credit",
        "why is my credit card being declined abroad",
        "credit card payment declined for no reason",
        "declined again on my credit card, plenty of limit left",
    ];

    private static readonly string[] Interest =
    [
        "interest charged on my credit card statement even though i paid in full",
        "why was i charged interest on my credit card statement",
        "unexpected interest charge on my credit card statement",
        "charged interest again on my statement despite paying in full",
        "statement shows an interest charge on my credit card",
    ];

    private static readonly string[] Suffixes = ["", " #fail", " 😡", " any update?", " pathetic", " - sort it out", " !!!"];

    private static HotTopicEngine Engine(HotTopicOptions? options = null) =>
        new(new ProductRouter(ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"))), options);

    /// <summary>
    /// Two days of background (main every 15 min, second every 90 min), then the main topic surges at <see cref="Spike"/>
    /// (one post every 30 s for 2 h) and the second at <paramref name="secondStart"/> (one post every
    /// <paramref name="secondEvery"/> for 2 h). Returns the posts in event-time order, each with its series (0 main, 1 second).
    /// </summary>
    private static List<(SocialPost Post, int Series)> Scenario(string[] main, string[] second, DateTimeOffset secondStart, TimeSpan secondEvery)
    {
        var posts = new List<(SocialPost, int)>();
        var n = 0;
        void Add(string[] texts, int series, DateTimeOffset at)
        {
            var text = texts[n % texts.Length] + Suffixes[(n / texts.Length) % Suffixes.Length];
            posts.Add((new SocialPost($"p{n}", "twitter", text, at, new PostAuthor($"@u{n % 97}", null, 50, false)), series));
            n++;
        }

        var start = Spike.AddDays(-2);
        for (var at = start; at < Spike.AddHours(3); at = at.AddMinutes(15))
        {
            Add(main, 0, at);
        }

        for (var at = start.AddMinutes(7); at < Spike.AddHours(3); at = at.AddMinutes(90))
        {
            Add(second, 1, at);
        }

        for (var at = Spike; at < Spike.AddHours(2); at = at.AddSeconds(30))
        {
            Add(main, 0, at.AddSeconds(3));
        }

        for (var at = secondStart; at < secondStart.AddHours(2); at += secondEvery)
        {
            Add(second, 1, at.AddSeconds(11));
        }

        return [.. posts.OrderBy(p => p.Item1.CreatedAt).ThenBy(p => p.Item1.Id, StringComparer.Ordinal)];
    }

    private sealed record Run(HotTopicEngine Engine, List<TopicAlarm> Onsets, TopicId MainBefore, TopicId SecondBefore, TopicId Main, TopicId Second)
    {
        public override string ToString() =>
            $"main {Main} second {Second}; onsets: " + string.Join("; ", Onsets.Select(a => $"{a.TopicId}→{Engine.Canonical(a.TopicId!.Value)} {a.At:HH:mm} {a.Product} '{Engine.GetTopic(a.TopicId!.Value)?.Title}'"))
            + "; topics: " + string.Join("; ", Engine.Topics(5).Select(t => $"{t.Id} {t.Posts} '{t.Title}'"));
    }

    private static Run Play(List<(SocialPost Post, int Series)> posts, HotTopicOptions? options = null, DateTimeOffset? onsetsFrom = null)
    {
        var engine = Engine(options);
        var ids = new List<(TopicId Topic, int Series, DateTimeOffset At)>();
        foreach (var (post, series) in posts)
        {
            ids.Add((engine.Process(post).TopicId!.Value, series, post.CreatedAt));
        }

        // The topic each series mostly went to, at the end.
        TopicId Majority(int series, DateTimeOffset before) => ids.Where(x => x.Series == series && x.At < before)
            .GroupBy(x => engine.Canonical(x.Topic)).OrderByDescending(g => g.Count()).First().Key;
        var onsets = engine.Alarms.Where(a => a.Scope == AlarmScope.Topic && a.Transition == AlarmTransition.Onset && a.At >= (onsetsFrom ?? Spike)).ToList();
        return new Run(engine, onsets, ids.Last(x => x.Series == 0 && x.At < Spike).Topic, ids.Last(x => x.Series == 1 && x.At < Spike).Topic,
            Majority(0, DateTimeOffset.MaxValue), Majority(1, DateTimeOffset.MaxValue));
    }

    [Fact]
    public void Process_ParaphraseSubTopicAlarmsDuringTheSpike_MergesIntoTheHotTopic()
    {
        // The cut-off wording surges with the rest (one post every 3 minutes from the same minute).
        var posts = Scenario(OnHold, CutOff, Spike, TimeSpan.FromMinutes(3));

        var off = Play(posts, Loose with { Clustering = Loose.Clustering with { SubTopicWindow = TimeSpan.Zero } });
        var on = Play(posts, Loose);

        // Without the rule: two topics of one product, two alarms (two cards) for one spike.
        Assert.NotEqual(off.Engine.Canonical(off.MainBefore), off.Engine.Canonical(off.SecondBefore));
        Assert.True(off.Onsets.Count == 2, off.ToString());
        Assert.All(off.Onsets, a => Assert.Equal("contact-centre", a.Product));
        Assert.NotEqual(off.Main, off.Second);

        // With it: the sub-topic joins the hot topic when it is about to alarm; one alarm.
        Assert.NotEqual(on.Engine.Canonical(on.MainBefore), on.SecondBefore); // still separate before the spike
        Assert.True(on.Onsets.Count == 1, on + " | " + on.Engine.DescribePair(on.Second, on.Main));
        var onset = on.Onsets[0];
        Assert.Equal(on.Main, on.Second);
        Assert.Equal(on.Main, on.Engine.Canonical(onset.TopicId!.Value));
        var merge = Assert.Single(on.Engine.SubTopicMerges);
        Assert.Equal(on.Main, on.Engine.Canonical(merge.Into));
        Assert.InRange(merge.At, onset.At, onset.At.AddMinutes(30));
    }

    [Fact]
    public void Process_SiblingIssueOfTheSameProductSurgesLater_KeepsItsOwnAlarm()
    {
        // Interest charges surge an hour after the declined-card spike started, while that one is still hot.
        var posts = Scenario(Declined, Interest, Spike.AddHours(1), TimeSpan.FromSeconds(30));

        var run = Play(posts, Loose);

        Assert.Equal(2, run.Onsets.Count);
        Assert.All(run.Onsets, a => Assert.Equal("credit-card", a.Product));
        Assert.NotEqual(run.Main, run.Second);
        Assert.Empty(run.Engine.SubTopicMerges);
        var (first, second) = (run.Onsets[0], run.Onsets[1]);
        Assert.Equal(run.Main, run.Engine.Canonical(first.TopicId!.Value));
        Assert.Equal(run.Second, run.Engine.Canonical(second.TopicId!.Value));
        Assert.True(second.At - first.At > TimeSpan.FromMinutes(30), $"{first.At:HH:mm} {second.At:HH:mm}");
        Assert.DoesNotContain(run.Engine.Alarms, a => a.Scope == AlarmScope.Topic && a.Transition == AlarmTransition.End
            && a.TopicId is { } t && run.Engine.Canonical(t) == run.Main && a.At > first.At && a.At < second.At); // still hot then
    }

    [Fact]
    public void Process_BiggerTopicAlarmsRightAfterASmallerHotOne_IsNotFoldedIntoIt()
    {
        // The small cut-off topic surges 20 minutes before the big on-hold topic, so it is hot when the on-hold topic
        // alarms: a part is a minority of its spike, so the bigger topic is never merged into the smaller one by this rule.
        var posts = Scenario(OnHold, CutOff, Spike.AddMinutes(-20), TimeSpan.FromMinutes(2));

        var run = Play(posts, Loose, Spike.AddMinutes(-20));

        Assert.Empty(run.Engine.SubTopicMerges);
        Assert.True(run.Onsets.Count == 2, run.ToString());
        Assert.NotEqual(run.Main, run.Second);
    }
}
