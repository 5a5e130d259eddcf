using System.Globalization;
using System.Security.Cryptography;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Features.Faq;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

/// <summary>
/// Computes a leadership summary for a period ending now: volume against the same buckets one week earlier, top topics
/// with trend, questions, time to approved answer, the customer first-response estimate with the recovery forecast, FAQ
/// changes, open decisions, the latest crisis status update and team load. The result is the card input (without
/// acknowledgements and chart URL, which are added at render time).
/// </summary>
public sealed class SummaryBuilder(
    IDbContextFactory<CrisisDbContext> contexts,
    IOptions<SummaryOptions> options,
    ICrisisState crisisState,
    IFaqChanges faq,
    ITeamLoad teamLoad,
    CrisisCatalog catalog,
    TimeProvider time)
{
    public TimeZoneInfo Zone => SummaryTime.TryFindZone(options.Value.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    public static string NewId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

    public async Task<LeadershipSummaryCardInput> BuildAsync(string summaryId, SummaryPeriod period, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(summaryId);
        var settings = options.Value;
        var zone = Zone;
        var now = time.GetUtcNow();
        var window = SummaryPeriods.Resolve(period, now, zone);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var stats = new ActivityStatistics(db);
        var volume = await stats.VolumeAsync(window, ct);
        var topics = await stats.TopTopicsAsync(window, settings.TopTopics, settings.RateWindow, ct);
        var questions = await stats.QuestionsAsync(window.Start, window.End, ct);
        var response = await stats.FirstResponseAsync(window.Start, window.End, settings.FirstResponseTarget, settings.RateWindow, ct);
        var faqChanges = await faq.GetChangesAsync(window.Start, window.End, ct);
        var decisions = await db.Set<CrisisDecision>().AsNoTracking().Where(d => d.ResolvedAt == null).OrderBy(d => d.Id).ToListAsync(ct);
        var active = await crisisState.GetActiveAsync(ct);
        SummaryStatusUpdate? status = null;
        if (active is not null
            && await db.Set<CrisisStatusUpdate>().AsNoTracking().Where(u => u.CrisisId == active.Id).OrderByDescending(u => u.Id).FirstOrDefaultAsync(ct) is { } latest)
        {
            status = new SummaryStatusUpdate(latest.Text, latest.AuthorName ?? latest.AuthorId, SummaryTime.Local(latest.At, zone));
        }

        var load = await teamLoad.GetTeamLoadAsync(window.Start, window.End, ct);
        var buckets = volume.Buckets.Count;
        return new LeadershipSummaryCardInput(
            summaryId,
            SummaryTime.Local(window.Start, zone),
            SummaryTime.Local(window.End, zone),
            SummaryTime.Local(now, zone),
            volume.Posts,
            volume.BaselinePosts,
            [.. volume.Buckets.Select(b => new VolumePoint(SummaryTime.Local(b.At, zone), b.Posts))],
            [.. topics.Select(t => new SummaryTopic(t.Title, ProductName(t.Product), t.Posts, Math.Round(t.ExpectedPosts, 2), Map(t.State)) { Trend = TrendWord(t.Trend) })],
            new SummaryQuestions(questions.Asked, questions.Answered, questions.Pending, questions.Overdue),
            new SummaryTimings(questions.ApprovedMedian, questions.ApprovedP90, response.Median) { RecoveryEstimate = RecoveryText(response, settings.FirstResponseTarget, zone) },
            new SummaryFaqChanges(
                faqChanges.Count(c => c.Kind == FaqChangeKind.Added),
                faqChanges.Count(c => c.Kind == FaqChangeKind.Updated),
                faqChanges.Count(c => c.Kind == FaqChangeKind.Withdrawn)),
            [.. decisions.Select(d => $"#{d.Id} {d.Text} (raised by {d.RaisedByName ?? d.RaisedById})")],
            [])
        {
            BaselinePerBucket = buckets == 0 ? null : Math.Round((double)volume.BaselinePosts / buckets, 2),
            BaselineVolume = [.. volume.BaselineBuckets.Select(b => new VolumePoint(SummaryTime.Local(b.At, zone), b.Posts))],
            CrisisName = active?.Name,
            PeriodLabel = SummaryPeriods.Describe(period),
            LatestStatusUpdate = status,
            TeamLoad = load is null
                ? null
                : new SummaryTeamLoad(load.AgentsActive, load.AgentsExposed, load.AbusiveExposures, load.BreakPrompts,
                    [.. load.Named.Select(a => new SummaryAgentLoad(a.Name, a.AbusiveExposures, a.BreakPrompts))]),
        };
    }

    /// <summary>The forecast sentence shown after the first-response median.</summary>
    internal static string RecoveryText(FirstResponseStats response, TimeSpan target, TimeZoneInfo zone)
    {
        var goal = FormatDuration(target);
        return response.Recovery switch
        {
            RecoveryKind.NoBacklog => $"no customer posts waiting (target {goal})",
            RecoveryKind.OnTarget => $"on target: a new post waits about {FormatDuration(response.CurrentWait ?? TimeSpan.Zero)} at the current rate (target {goal})",
            RecoveryKind.Recovering => $"back under {goal} around {SummaryTime.Local(response.RecoveryAt!.Value, zone).ToString("ddd HH:mm", CultureInfo.InvariantCulture)}"
                + $" at the current rate ({response.Backlog} waiting, {Rate(response.IntakePerHour)}/h in, {Rate(response.AnswersPerHour)}/h answered)",
            RecoveryKind.NotRecovering => $"not recovering at the current rate (target {goal}; {response.Backlog} waiting, {Rate(response.IntakePerHour)}/h in, {Rate(response.AnswersPerHour)}/h answered)",
            _ => throw new ArgumentOutOfRangeException(nameof(response), response.Recovery, null),
        };
    }

    /// <summary><c>45 min</c>, <c>2 h 5 min</c>, <c>3 d 4 h</c>.</summary>
    public static string FormatDuration(TimeSpan span)
    {
        span = span.Duration();
        if (span < TimeSpan.FromMinutes(1))
        {
            return span.TotalSeconds < 1 ? "0 min" : $"{(int)span.TotalSeconds} s";
        }

        if (span < TimeSpan.FromHours(1))
        {
            return $"{(int)span.TotalMinutes} min";
        }

        if (span < TimeSpan.FromDays(1))
        {
            return span.Minutes == 0 ? $"{(int)span.TotalHours} h" : $"{(int)span.TotalHours} h {span.Minutes} min";
        }

        return span.Hours == 0 ? $"{(int)span.TotalDays} d" : $"{(int)span.TotalDays} d {span.Hours} h";
    }

    private static string Rate(double perHour) => perHour.ToString("0.#", CultureInfo.InvariantCulture);

    private static string? TrendWord(TopicTrend trend) => trend switch
    {
        TopicTrend.Rising => "rising",
        TopicTrend.Falling => "falling",
        _ => "steady",
    };

    private static HotTopicState Map(TopicState state) => state switch
    {
        TopicState.Emerging => HotTopicState.Emerging,
        TopicState.Hot => HotTopicState.Hot,
        TopicState.Cooling => HotTopicState.Cooling,
        _ => HotTopicState.Resolved,
    };

    private string ProductName(string key)
    {
        try
        {
            return catalog.Find(key)?.DisplayName ?? key;
        }
        catch (Exception ex) when (ex is IOException or InvalidOperationException or FormatException or UnauthorizedAccessException or HotTopics.Routing.ProductCatalogException)
        {
            return key;
        }
    }
}
