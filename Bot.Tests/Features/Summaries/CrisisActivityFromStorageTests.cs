using CrisisBot.Cards.Actions;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.Summaries;
using CrisisBot.Tests.Features.Channels;

namespace CrisisBot.Tests.Features.Summaries;

/// <summary><see cref="ICrisisActivitySource"/> over the stored posts and expert tables (numbers from <see cref="SummaryDataSet"/>).</summary>
public sealed class CrisisActivityFromStorageTests
{
    private static readonly DateTimeOffset Now = SummaryTestHost.Start;

    [Fact]
    public async Task Registered_ReplacesTheNoDataDefault()
    {
        await using var host = await SummaryTestHost.StartAsync();

        Assert.IsType<CrisisActivityFromStorage>(host.Get<ICrisisActivitySource>());
    }

    [Fact]
    public async Task GetVolumesAndQuestions_TravelInsuranceWindow_ExactNumbers()
    {
        await using var host = await SummaryTestHost.StartAsync();
        await using (var db = await host.ContextAsync())
        {
            await SummaryDataSet.SeedAsync(db, Now);
        }

        var source = host.Get<ICrisisActivitySource>();
        var volumes = await source.GetVolumesAsync(new CrisisPeriod(Now.AddHours(-24), Now), ["travel-insurance"]);
        var questions = await source.GetQuestionsAsync(Now.AddHours(-24), Now, ["travel-insurance"]);

        // Topic 1 and topic 3 (merged into 1): 8 posts, one topic; busiest hours −2…−1 h and −1…0 h with 2 each; one alarm.
        Assert.Equal(new CrisisVolumes(8, 2, 1, 1), volumes);
        // Q1 (60 min) and Q2 (120 min) asked and approved in the window: median 90, p90 60 + 0.9 × 60 = 114 min.
        Assert.Equal(new CrisisBot.Cards.Templates.SummaryQuestions(2, 2, 0, 0), questions!.Questions);
        Assert.Equal(TimeSpan.FromMinutes(90), questions.Timings.ApprovedAnswerMedian);
        Assert.Equal(TimeSpan.FromMinutes(114), questions.Timings.ApprovedAnswerP90);
        // First response in the topic-1 queue: 0.5 1 1.5 [1.5 2] 2 7 10.5 h → median 1.75 h.
        Assert.Equal(TimeSpan.FromMinutes(105), questions.Timings.FirstResponseMedian);

        // All products: 12 posts in 3 topics (triage has none), 2 alarms.
        Assert.Equal(new CrisisVolumes(12, 2, 2, 2), await source.GetVolumesAsync(new CrisisPeriod(Now.AddHours(-24), Now), []));
    }

    [Fact]
    public async Task GetVolumesAndQuestions_EmptyWindow_ReturnNull()
    {
        await using var host = await SummaryTestHost.StartAsync();
        await using (var db = await host.ContextAsync())
        {
            await SummaryDataSet.SeedAsync(db, Now);
        }

        var source = host.Get<ICrisisActivitySource>();

        Assert.Null(await source.GetVolumesAsync(new CrisisPeriod(Now, Now.AddHours(5)), []));
        Assert.Null(await source.GetQuestionsAsync(Now.AddDays(-60), Now.AddDays(-50), []));
        Assert.Null(await source.GetVolumesAsync(new CrisisPeriod(Now.AddHours(-24), Now), ["credit-card"]));
    }

    [Fact]
    public async Task StandDownReport_AfterACrisisOverTheDataSet_ShowsRealNumbers()
    {
        await using var host = await SummaryTestHost.StartAsync(now: Now.AddHours(-24));
        await using (var db = await host.ContextAsync())
        {
            await SummaryDataSet.SeedAsync(db, Now);
        }

        await host.LinkCrisisChannelAsync();
        await host.RunAsync(SummaryTestHost.InChannel("declare crisis \"Airport strike\" travel-insurance"));
        var crisis = Assert.Single(await host.RowsAsync<CrisisRecord>());
        host.Time.Advance(TimeSpan.FromHours(24));

        var report = await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData(crisis.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "Strike over"),
            "29:lena", "Lena Lead", SummaryTestHost.LeadAadObjectId);

        var text = CardText.Of(report.Value);
        Assert.Contains("8 (peak 2 in one hour)", text, StringComparison.Ordinal);
        Assert.Contains("2 asked · 2 answered · 0 still open", text, StringComparison.Ordinal);
        Assert.Contains("median 1 h 30 min · p90 1 h 54 min", text, StringComparison.Ordinal);
        Assert.Contains("median 1 h 45 min", text, StringComparison.Ordinal);
        Assert.DoesNotContain("not recorded for this period", text, StringComparison.Ordinal);
    }
}
