using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>One row of the top-topics table.</summary>
public sealed record SummaryTopic(string Title, string Product, int Posts, double Baseline, HotTopicState State)
{
    /// <summary>Optional trend word shown after the factor, e.g. "rising".</summary>
    public string? Trend { get; init; }
}

/// <summary>The team's exposure to abusive posts (duty of care); <see cref="Named"/> only when naming is configured.</summary>
public sealed record SummaryTeamLoad(int AgentsActive, int AgentsExposed, int AbusiveExposures, int BreakPrompts, IReadOnlyList<SummaryAgentLoad> Named);

/// <summary>One agent's load in <see cref="SummaryTeamLoad"/>.</summary>
public sealed record SummaryAgentLoad(string Name, int AbusiveExposures, int BreakPrompts);

/// <summary>The latest crisis status update from the lead.</summary>
public sealed record SummaryStatusUpdate(string Text, string Author, DateTimeOffset At);

/// <summary>Questions in the period.</summary>
public sealed record SummaryQuestions(int Asked, int Answered, int Pending, int Overdue);

/// <summary>Timings in the period; null when there is no data yet.</summary>
public sealed record SummaryTimings(TimeSpan? ApprovedAnswerMedian, TimeSpan? ApprovedAnswerP90, TimeSpan? FirstResponseMedian)
{
    /// <summary>e.g. "back under 1 h by Tuesday"; free text from the summary builder.</summary>
    public string? RecoveryEstimate { get; init; }
}

/// <summary>FAQ entries changed in the period.</summary>
public sealed record SummaryFaqChanges(int Added, int Updated, int Withdrawn);

/// <summary>Who acknowledged the summary, and when.</summary>
public sealed record Acknowledgement(string Name, DateTimeOffset At);

/// <summary>Input of <see cref="LeadershipSummaryCard"/>.</summary>
public sealed record LeadershipSummaryCardInput(
    string SummaryId,
    DateTimeOffset PeriodStart,
    DateTimeOffset PeriodEnd,
    DateTimeOffset GeneratedAt,
    int Posts,
    double BaselinePosts,
    IReadOnlyList<VolumePoint> Volume,
    IReadOnlyList<SummaryTopic> TopTopics,
    SummaryQuestions Questions,
    SummaryTimings Timings,
    SummaryFaqChanges FaqChanges,
    IReadOnlyList<string> DecisionsNeeded,
    IReadOnlyList<Acknowledgement> Acknowledgements)
{
    /// <summary>Usual posts per bucket, drawn as a second series.</summary>
    public double? BaselinePerBucket { get; init; }

    /// <summary>Crisis name when a crisis is active.</summary>
    public string? CrisisName { get; init; }

    /// <summary>Users whose client refreshes the card automatically (at most 60 kept), e.g. the leadership channel members.</summary>
    public IReadOnlyList<string> RefreshUserIds { get; init; } = [];

    /// <summary>Optional baseline per bucket (e.g. the same buckets one week earlier), drawn instead of the flat <see cref="BaselinePerBucket"/>.</summary>
    public IReadOnlyList<VolumePoint>? BaselineVolume { get; init; }

    /// <summary>Optional https (signed) URL of the chart as a PNG: the chart's fallback for clients without Chart.Line.</summary>
    public Uri? ChartImageUrl { get; init; }

    /// <summary>Optional period name, e.g. "Last 24 hours".</summary>
    public string? PeriodLabel { get; init; }

    /// <summary>Optional team load (duty of care); the section is left out when null.</summary>
    public SummaryTeamLoad? TeamLoad { get; init; }

    /// <summary>Optional latest crisis status update.</summary>
    public SummaryStatusUpdate? LatestStatusUpdate { get; init; }
}

/// <summary>
/// The leadership summary: period, volume against baseline (Chart.Line with a FactSet fallback), top topics,
/// questions, time to approved answer (median/p90), first response and recovery, FAQ changes, decisions needed,
/// and Acknowledge with the list of who acknowledged.
/// </summary>
public static class LeadershipSummaryCard
{
    public const int MaxTopics = 8;
    public const int MaxDecisions = 8;
    public const int MaxAcknowledgements = 30;
    public const int MaxChartPoints = 48;
    public const int MaxTeamLoadRows = 10;

    public static AdaptiveCard Build(LeadershipSummaryCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.SummaryId, nameof(input.SummaryId));
        List(input.Volume, nameof(input.Volume));
        List(input.TopTopics, nameof(input.TopTopics));
        List(input.DecisionsNeeded, nameof(input.DecisionsNeeded));
        List(input.Acknowledgements, nameof(input.Acknowledgements));
        ArgumentNullException.ThrowIfNull(input.Questions);
        ArgumentNullException.ThrowIfNull(input.Timings);
        ArgumentNullException.ThrowIfNull(input.FaqChanges);
        NonNegative(input.Posts, nameof(input.Posts));
        if (input.PeriodEnd < input.PeriodStart)
        {
            throw new ArgumentException("PeriodEnd is before PeriodStart.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(LeadershipSummaryCardInput input, int scale)
    {
        var factor = HotTopicCard.Factor(input.Posts, input.BaselinePosts);
        var body = new List<CardElement>
        {
            TitleWithState("Crisis summary", string.IsNullOrWhiteSpace(input.CrisisName) ? "Routine" : "Crisis active", string.IsNullOrWhiteSpace(input.CrisisName) ? TextColor.Accent : TextColor.Attention),
            Subtle((string.IsNullOrWhiteSpace(input.CrisisName) ? string.Empty : Safe(input.CrisisName, 80) + " · ")
                + (string.IsNullOrWhiteSpace(input.PeriodLabel) ? string.Empty : Safe(input.PeriodLabel, 40) + ": ")
                + $"{Time(input.PeriodStart)} to {Time(input.PeriodEnd)}"),
            Facts(
                ("Posts", $"{Num(input.Posts)} ({factor} baseline of {Num(input.BaselinePosts, "0")})"),
                ("Questions", $"{Num(input.Questions.Asked)} asked · {Num(input.Questions.Answered)} answered · {Num(input.Questions.Pending)} pending · {Num(input.Questions.Overdue)} overdue"),
                ("Time to approved answer", $"median {Span(input.Timings.ApprovedAnswerMedian)} · p90 {Span(input.Timings.ApprovedAnswerP90)}"),
                ("Customer first response", $"median {Span(input.Timings.FirstResponseMedian)}"
                    + (string.IsNullOrWhiteSpace(input.Timings.RecoveryEstimate) ? string.Empty : " · " + Safe(input.Timings.RecoveryEstimate, 120))),
                ("FAQ changes", $"{Num(input.FaqChanges.Added)} added · {Num(input.FaqChanges.Updated)} updated · {Num(input.FaqChanges.Withdrawn)} withdrawn")),
        };

        var points = input.Volume.TakeLast(MaxChartPoints).ToArray();
        if (points.Length > 0)
        {
            var multiDay = points[^1].At - points[0].At >= TimeSpan.FromDays(1);
            string Label(DateTimeOffset at) => multiDay ? at.ToString("ddd HH:mm", System.Globalization.CultureInfo.InvariantCulture) : ClockTime(at);
            var series = new List<ChartSeries> { new("Posts", points.Select(p => new ChartPoint(Label(p.At), p.Posts)).ToArray()) };
            if (input.BaselineVolume is { Count: > 0 } baselineVolume)
            {
                var weekBefore = baselineVolume.TakeLast(points.Length).ToArray();
                series.Add(new ChartSeries("Week before", weekBefore.Select((p, i) => new ChartPoint(Label(points[Math.Min(i, points.Length - 1)].At), p.Posts)).ToArray()));
            }
            else if (input.BaselinePerBucket is { } baseline)
            {
                series.Add(new ChartSeries("Baseline", points.Select(p => new ChartPoint(Label(p.At), Math.Round(baseline, 1))).ToArray()));
            }

            CardElement fallback = input.ChartImageUrl is { } image
                ? new Image(image, "Posts per interval against the baseline")
                : new Container([
                    Subtle(input.BaselinePerBucket is { } usual ? $"Posts per interval (latest; baseline {Num(usual, "0")})" : "Posts per interval (latest)"),
                    Facts(points.TakeLast(6).Select(p => (Label(p.At), Plural(p.Posts, "post"))).ToArray()),
                ]);
            body.Add(new ChartLine(series, fallback) { Title = "Volume against baseline", XAxisTitle = "Time", YAxisTitle = "Posts" });
        }

        var topics = input.TopTopics.OrderByDescending(t => t.Posts).Take(ScaledCount(MaxTopics, scale, 0)).ToArray();
        body.Add(Heading("Top topics"));
        if (topics.Length == 0)
        {
            body.Add(Subtle("No hot topics in this period."));
        }
        else
        {
            var rows = new List<TableRow> { new([Cell("Topic", bold: true), Cell("Posts", bold: true), Cell("State", bold: true)]) { Style = ContainerStyle.Emphasis } };
            rows.AddRange(topics.Select(t => new TableRow([
                Cell($"{Safe(t.Title, Scaled(80, scale))} ({Safe(t.Product, 40)})"),
                Cell($"{Num(t.Posts)} · {HotTopicCard.Factor(t.Posts, t.Baseline)}" + (string.IsNullOrWhiteSpace(t.Trend) ? string.Empty : " · " + Safe(t.Trend, 20))),
                Cell(HotTopicCard.StateLabel(t.State).Label),
            ])));
            body.Add(new Table([new(5), new(2), new(2)], rows) { FirstRowAsHeader = true, ShowGridLines = false });
        }

        var decisions = input.DecisionsNeeded.Where(d => !string.IsNullOrWhiteSpace(d)).Take(ScaledCount(MaxDecisions, scale, 0)).ToArray();
        body.Add(Heading("Decisions needed"));
        body.Add(decisions.Length == 0
            ? Subtle("None right now.")
            : Box(ContainerStyle.Warning, [.. decisions.Select(d => Para("• " + Safe(d, Scaled(CardParts.Sentence, scale))))]));

        if (input.LatestStatusUpdate is { } status)
        {
            body.Add(Heading("Latest status update"));
            body.Add(Para(Safe(status.Text, Scaled(CardParts.Sentence * 2, scale))));
            body.Add(Subtle($"{Safe(status.Author, 60)} · {Time(status.At)}"));
        }

        if (input.TeamLoad is { } load)
        {
            body.Add(Heading("Team load"));
            body.Add(Facts(
                ("Agents active", Num(load.AgentsActive)),
                ("Exposed to abuse", $"{Num(load.AgentsExposed)} agents · {Plural(load.AbusiveExposures, "abusive post")}"),
                ("Break prompts sent", Num(load.BreakPrompts))));
            var named = load.Named.Take(ScaledCount(MaxTeamLoadRows, scale, 0)).ToArray();
            if (named.Length > 0)
            {
                body.Add(Facts(named.Select(a => (Safe(a.Name, 60), $"{Plural(a.AbusiveExposures, "abusive post")} · {Plural(a.BreakPrompts, "break prompt")}")).ToArray()));
            }
        }

        var acks = input.Acknowledgements.OrderBy(a => a.At).ToArray();
        var shownAcks = acks.Take(ScaledCount(MaxAcknowledgements, scale, 0)).ToArray();
        body.Add(Heading("Acknowledged by"));
        body.Add(Subtle(acks.Length == 0
            ? "Nobody yet."
            : string.Join(", ", shownAcks.Select(a => $"{Safe(a.Name, 60)} ({ClockTime(a.At)})"))
              + (acks.Length > shownAcks.Length ? $" and {Plural(acks.Length - shownAcks.Length, "other")}" : string.Empty)));
        body.Add(Subtle($"Generated {Time(input.GeneratedAt)}"));

        var data = new SummaryActionData(input.SummaryId);
        return new AdaptiveCard(body)
        {
            Actions = [Execute("Acknowledge", CardVerbs.SummaryAcknowledge, data) with { Style = ActionStyle.Positive }],
            Refresh = Refresh(Execute("Refresh", CardVerbs.SummaryRefresh, data), input.RefreshUserIds),
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"Crisis summary: {Num(input.Posts)} posts ({factor}), {Num(input.Questions.Pending)} questions pending, {Plural(decisions.Length, "decision")} needed.",
        };
    }

    private static string Span(TimeSpan? span) => span is { } s ? Duration(s) : "n/a";

    private static TableCell Cell(string safeText, bool bold = false) =>
        new([new TextBlock(safeText) { Wrap = true, Weight = bold ? TextWeight.Bolder : null }]);
}
