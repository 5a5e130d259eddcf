using CrisisBot.Cards;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Features.Faq;
using CrisisBot.Features.Summaries;
using CrisisBot.Tests.Features.Channels;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisBot.Tests.Features.Summaries;

/// <summary>The summary's numbers against <see cref="SummaryDataSet"/> (worked out by hand below).</summary>
public sealed class SummaryBuilderTests
{
    private static readonly DateTimeOffset Now = SummaryTestHost.Start;

    private static async Task<SummaryTestHost> SeededAsync(Action<IServiceCollection>? services = null, Dictionary<string, string?>? extra = null)
    {
        var host = await SummaryTestHost.StartAsync(services: services, extra: extra);
        await using var db = await host.ContextAsync();
        await SummaryDataSet.SeedAsync(db, Now);
        return host;
    }

    [Fact]
    public async Task BuildAsync_Last24Hours_VolumeAgainstTheWeekBefore()
    {
        await using var host = await SeededAsync();

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Last24Hours);

        // 6 posts in topic 1 + 2 in topic 3 (merged into 1) + 3 in topic 2 inside the window (one is at −25 h) + 1 triage.
        Assert.Equal(12, input.Posts);
        // The same 24 hours one week earlier: 3 triage posts.
        Assert.Equal(3, input.BaselinePosts);
        Assert.Equal(Now.AddHours(-24), input.PeriodStart);
        Assert.Equal(Now, input.PeriodEnd);
        Assert.Equal(24, input.Volume.Count);
        var expected = new int[24];
        foreach (var (index, count) in new[] { (1, 1), (2, 1), (3, 1), (4, 1), (14, 1), (15, 1), (16, 1), (19, 1), (22, 2), (23, 2) })
        {
            expected[index] = count;
        }

        Assert.Equal(expected, input.Volume.Select(v => v.Posts));
        Assert.Equal(Now.AddHours(-24 + 22), input.Volume[22].At);
        var baseline = new int[24];
        baseline[21] = 2;
        baseline[23] = 1;
        Assert.Equal(baseline, input.BaselineVolume!.Select(v => v.Posts));
        Assert.Equal("Last 24 hours", input.PeriodLabel);
    }

    [Fact]
    public async Task BuildAsync_Last24Hours_TopTopicsWithMergesAndTrend()
    {
        await using var host = await SeededAsync();

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Last24Hours);

        // Topic 1: 8 posts (3 merged in), expected 0.5/h × 24 h = 12; last 3 h: 4 posts = 1.33/h against 8/24 = 0.33/h → rising.
        // Topic 2: 3 posts, expected 0.25/h × 24 h = 6; none in the last 3 h → falling.
        Assert.Collection(
            input.TopTopics,
            t =>
            {
                Assert.Equal(("Flights cancelled strike", "Travel insurance", 8, 12.0, HotTopicState.Hot, "rising"), (t.Title, t.Product, t.Posts, t.Baseline, t.State, t.Trend));
            },
            t =>
            {
                Assert.Equal(("Branch closed", "Travel money", 3, 6.0, HotTopicState.Cooling, "falling"), (t.Title, t.Product, t.Posts, t.Baseline, t.State, t.Trend));
            });
    }

    [Fact]
    public async Task BuildAsync_Last24Hours_QuestionsAndTimeToApprovedAnswer()
    {
        await using var host = await SeededAsync();

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Last24Hours);

        // Asked in the window: Q1, Q2, Q3, Q6. Approved in it: Q1 (60 min), Q2 (120 min), Q6 (30 min). Pending: Q3, Q4
        // (Q4 was asked before the window). Overdue: Q3 (due −2 h). Median of 30/60/120 = 60; p90 = 60 + 0.8 × 60 = 108 min.
        Assert.Equal(new SummaryQuestions(4, 3, 2, 1), input.Questions);
        Assert.Equal(TimeSpan.FromMinutes(60), input.Timings.ApprovedAnswerMedian);
        Assert.Equal(TimeSpan.FromMinutes(108), input.Timings.ApprovedAnswerP90);
    }

    [Fact]
    public async Task BuildAsync_Last24Hours_FirstResponseEstimateAndForecast()
    {
        await using var host = await SeededAsync();

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Last24Hours);

        // Queue "topic 1" (Q1, Q2 via the merge): posts −20, −10, −9, −8, −2, −1.5, −1, −0.5 h; clicks −9.5, −8.5, −7, −1 h
        // answer −20 (10.5 h), −10 (1.5 h), −9 (2 h), −8 (7 h); the last four wait 2, 1.5, 1, 0.5 h at the end.
        // Queue "travel-money" (Q3–Q6 have no topic; topic 2 has no question): posts −25, −23, −22, −21 h; clicks −4, −3.5 h
        // answer −25 (outside the window) and −23 (19.5 h); −22 and −21 wait 22 and 21 h.
        // 11 posts in the window, sorted: 0.5 1 1.5 1.5 2 [2] 7 10.5 19.5 21 22 → median 2 h.
        Assert.Equal(TimeSpan.FromHours(2), input.Timings.FirstResponseMedian);
        // Backlog 6; last 3 h: 4 posts in (1.3/h), 1 click (0.3/h): answers do not outpace intake.
        Assert.Equal("not recovering at the current rate (target 1 h; 6 waiting, 1.3/h in, 0.3/h answered)", input.Timings.RecoveryEstimate);
    }

    [Fact]
    public async Task BuildAsync_DecisionsFaqTeamLoadAndStatus_AreReadFromTheirSources()
    {
        var faq = new FixedFaqChanges([
            new FaqChange("travel-insurance", "Travel insurance", "Am I covered?", FaqChangeKind.Added, 3, Now.AddHours(-2)),
            new FaqChange("travel-money", "Travel money", "Branch open?", FaqChangeKind.Added, 3, Now.AddHours(-2)),
            new FaqChange("travel-money", "Travel money", "Rates?", FaqChangeKind.Updated, 3, Now.AddHours(-2)),
            new FaqChange("mail-parcels", "Mail and parcels", "Old?", FaqChangeKind.Withdrawn, 3, Now.AddHours(-2)),
        ]);
        var load = new FixedTeamLoad(new TeamLoad(5, 2, 7, 1, []));
        await using var host = await SeededAsync(services => services.AddSingleton<IFaqChanges>(faq).AddSingleton<ITeamLoad>(load));
        await using (var db = await host.ContextAsync())
        {
            var open = CrisisDecision.Raise(null, "Extend the refund window?", new CrisisActor("lead", "Lena Lead"), Now.AddHours(-3));
            var done = CrisisDecision.Raise(null, "Open the phone line late?", new CrisisActor("lead", "Lena Lead"), Now.AddHours(-2));
            done.Resolve(new CrisisActor("lead", "Lena Lead"), Now.AddHours(-1));
            db.AddRange(open, done);
            await db.SaveChangesAsync();
        }

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Today);

        Assert.Equal(new SummaryFaqChanges(2, 1, 1), input.FaqChanges);
        Assert.Equal((Now.Date, Now), (faq.Since.UtcDateTime, faq.Until));
        Assert.Equal(["#1 Extend the refund window? (raised by Lena Lead)"], input.DecisionsNeeded);
        Assert.Equal((5, 2, 7, 1), (input.TeamLoad!.AgentsActive, input.TeamLoad.AgentsExposed, input.TeamLoad.AbusiveExposures, input.TeamLoad.BreakPrompts));
        var text = CardText.Of(CardJson.ToElement(LeadershipSummaryCard.Build(input)));
        Assert.Contains("Team load", text, StringComparison.Ordinal);
        Assert.Contains("2 agents · 7 abusive posts", text, StringComparison.Ordinal);
        Assert.Contains("Extend the refund window?", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Open the phone line late?", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_NoTeamLoadRegistered_LeavesTheSectionOut()
    {
        await using var host = await SeededAsync();

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Last24Hours);

        Assert.Null(input.TeamLoad);
        Assert.IsType<NoTeamLoad>(host.Get<ITeamLoad>());
        Assert.DoesNotContain("Team load", CardText.Of(CardJson.ToElement(LeadershipSummaryCard.Build(input))), StringComparison.Ordinal);
    }

    [Fact]
    public async Task BuildAsync_ActiveCrisisWithStatusUpdate_ShowsTheLatestUpdate()
    {
        await using var host = await SeededAsync();
        await host.LinkCrisisChannelAsync();
        await host.RunAsync(SummaryTestHost.InChannel("declare crisis \"Airport strike\" travel-insurance"));
        await host.RunAsync(SummaryTestHost.InChannel("crisis update First update"));
        host.Time.Advance(TimeSpan.FromMinutes(30));
        await host.RunAsync(SummaryTestHost.InChannel("crisis update Strike ends tonight; refunds approved"));

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Last24Hours);

        Assert.Equal("Airport strike", input.CrisisName);
        Assert.Equal("Strike ends tonight; refunds approved", input.LatestStatusUpdate!.Text);
        Assert.Equal("Lena Lead", input.LatestStatusUpdate.Author);
    }

    [Fact]
    public async Task BuildAsync_Last7Days_FourHourBucketsAndLocalTimes()
    {
        await using var host = await SeededAsync(extra: new() { ["Summaries:TimeZone"] = "America/New_York" });

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Last7Days);

        Assert.Equal(42, input.Volume.Count);
        Assert.Equal(13, input.Posts); // the 24 h data set plus the post at −25 h
        Assert.Equal(TimeSpan.FromHours(-5), input.PeriodEnd.Offset);
        Assert.Equal(Now, input.PeriodEnd);
    }

    [Fact]
    public void Forecast_Cases_FollowTheQueueModel()
    {
        var now = Now;
        Assert.Equal((RecoveryKind.NoBacklog, null, TimeSpan.Zero), ActivityStatistics.Forecast(0, 5, 1, TimeSpan.FromHours(1), now));
        // 3 waiting at 6/h: a new post waits 30 min, under the 1 h target.
        Assert.Equal((RecoveryKind.OnTarget, null, TimeSpan.FromMinutes(30)), ActivityStatistics.Forecast(3, 10, 6, TimeSpan.FromHours(1), now));
        // 10 waiting, 2/h in, 6/h answered: wait 1 h 40 min; back under 1 h after (10 − 6 × 1) / (6 − 2) = 1 h.
        var (kind, at, wait) = ActivityStatistics.Forecast(10, 2, 6, TimeSpan.FromHours(1), now);
        Assert.Equal(RecoveryKind.Recovering, kind);
        Assert.Equal(now.AddHours(1), at);
        Assert.Equal(TimeSpan.FromMinutes(100), wait);
        Assert.Equal(RecoveryKind.NotRecovering, ActivityStatistics.Forecast(10, 6, 6, TimeSpan.FromHours(1), now).Kind);
        Assert.Equal(RecoveryKind.NotRecovering, ActivityStatistics.Forecast(1, 0, 0, TimeSpan.FromHours(1), now).Kind);
        Assert.Equal(
            "back under 1 h around Sun 13:00 at the current rate (10 waiting, 2/h in, 6/h answered)",
            SummaryBuilder.RecoveryText(new FirstResponseStats(null, 0, 0, 10, 2, 6, kind, at, wait), TimeSpan.FromHours(1), TimeZoneInfo.Utc));
    }

    [Fact]
    public void Percentile_LinearInterpolation_MatchesHandValues()
    {
        Assert.Null(ActivityStatistics.Percentile([], 0.5));
        Assert.Equal(TimeSpan.FromSeconds(7), ActivityStatistics.Percentile([7], 0.9));
        Assert.Equal(TimeSpan.FromSeconds(2.5), ActivityStatistics.Percentile([4, 1, 2, 3], 0.5));
        Assert.Equal(TimeSpan.FromSeconds(3.7), ActivityStatistics.Percentile([4, 1, 2, 3], 0.9));
    }

    private sealed class FixedFaqChanges(IReadOnlyList<FaqChange> changes) : IFaqChanges
    {
        public DateTimeOffset Since { get; private set; }

        public DateTimeOffset Until { get; private set; }

        public Task<IReadOnlyList<FaqChange>> GetChangesAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default)
        {
            (Since, Until) = (since, until);
            return Task.FromResult(changes);
        }
    }

    private sealed class FixedTeamLoad(TeamLoad load) : ITeamLoad
    {
        public Task<TeamLoad?> GetTeamLoadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default) => Task.FromResult<TeamLoad?>(load);
    }
}
