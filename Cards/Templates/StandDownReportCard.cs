using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="StandDownReportCard"/>.</summary>
public sealed record StandDownReportCardInput(
    string CrisisId,
    string Name,
    DateTimeOffset DeclaredAt,
    DateTimeOffset StoodDownAt,
    string StoodDownBy,
    string Reason,
    int Posts,
    int PeakHourPosts,
    int Topics,
    SummaryQuestions Questions,
    SummaryTimings Timings,
    SummaryFaqChanges FaqChanges)
{
    /// <summary>Highlights and lessons, one line each.</summary>
    public IReadOnlyList<string> Lessons { get; init; } = [];

    /// <summary>Where the full audit export can be downloaded (https), if available.</summary>
    public Uri? AuditExportUrl { get; init; }

    /// <summary>What happened, oldest first (declaration, decisions, status updates, stand-down); the newest are kept when cut.</summary>
    public IReadOnlyList<TimelineEntry> Timeline { get; init; } = [];

    /// <summary>Decisions still open at stand-down.</summary>
    public IReadOnlyList<string> OpenDecisions { get; init; } = [];

    /// <summary>Spike alarms raised in the crisis window, when known.</summary>
    public int? Alarms { get; init; }

    /// <summary>Which posts the volumes count (e.g. the crisis export's rule), shown under the figures when volumes are recorded.</summary>
    public string? VolumesNote { get; init; }

    /// <summary>False when no post data exists for the window: posts and topics show "not recorded" instead of numbers.</summary>
    public bool VolumesRecorded { get; init; } = true;

    /// <summary>False when no question data exists: questions and timings show "no questions yet" instead of numbers.</summary>
    public bool QuestionsRecorded { get; init; } = true;

    /// <summary>False when no FAQ data exists: the FAQ line says so instead of showing zeros.</summary>
    public bool FaqRecorded { get; init; } = true;
}

/// <summary>One line of a crisis timeline.</summary>
public sealed record TimelineEntry(DateTimeOffset At, string Text);

/// <summary>The post-crisis report posted on stand-down.</summary>
public static class StandDownReportCard
{
    public const int MaxLessons = 10;
    public const int MaxTimeline = 20;
    public const int MaxOpenDecisions = 8;

    public static AdaptiveCard Build(StandDownReportCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.CrisisId, nameof(input.CrisisId));
        Required(input.Name, nameof(input.Name));
        Required(input.Reason, nameof(input.Reason));
        ArgumentNullException.ThrowIfNull(input.Questions);
        ArgumentNullException.ThrowIfNull(input.Timings);
        ArgumentNullException.ThrowIfNull(input.FaqChanges);
        List(input.Lessons, nameof(input.Lessons));
        List(input.Timeline, nameof(input.Timeline));
        List(input.OpenDecisions, nameof(input.OpenDecisions));
        if (input.Alarms is { } alarms)
        {
            NonNegative(alarms, nameof(input.Alarms));
        }

        NonNegative(input.Posts, nameof(input.Posts));
        NonNegative(input.PeakHourPosts, nameof(input.PeakHourPosts));
        NonNegative(input.Topics, nameof(input.Topics));
        if (input.StoodDownAt < input.DeclaredAt)
        {
            throw new ArgumentException("StoodDownAt is before DeclaredAt.", nameof(input));
        }

        if (input.AuditExportUrl is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("AuditExportUrl must be an absolute https URL.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(StandDownReportCardInput input, int scale)
    {
        var t = input.Timings;
        var q = input.Questions;
        var body = new List<CardElement>
        {
            TitleWithState("Crisis stood down", "Report", TextColor.Good),
            new TextBlock(Safe(input.Name, 120)) { Size = TextSize.Medium, Weight = TextWeight.Bolder, Wrap = true },
            Subtle($"{Time(input.DeclaredAt)} to {Time(input.StoodDownAt)} ({Duration(input.StoodDownAt - input.DeclaredAt)}) · stood down by {Safe(input.StoodDownBy, 60)}"),
            Para("**Why:** " + Safe(input.Reason, Scaled(CardParts.Sentence, scale))),
            Facts(Figures(input)),
        };
        if (input.VolumesRecorded && !string.IsNullOrWhiteSpace(input.VolumesNote))
        {
            body.Add(Subtle(Safe(input.VolumesNote, Scaled(CardParts.Sentence, scale))));
        }

        var timeline = input.Timeline.TakeLast(ScaledCount(MaxTimeline, scale, 0)).ToArray();
        if (timeline.Length > 0)
        {
            body.Add(Heading("Timeline"));
            body.Add(Facts(timeline.Select(e => (Time(e.At), Safe(e.Text, Scaled(CardParts.Sentence, scale)))).ToArray()));
            if (timeline.Length < input.Timeline.Count)
            {
                body.Add(Subtle($"{Plural(input.Timeline.Count - timeline.Length, "earlier entry", "earlier entries")} not shown."));
            }
        }

        var decisions = input.OpenDecisions.Where(d => !string.IsNullOrWhiteSpace(d)).Take(ScaledCount(MaxOpenDecisions, scale, 0)).ToArray();
        if (decisions.Length > 0)
        {
            body.Add(Heading("Decisions still open"));
            body.AddRange(decisions.Select(d => Para("• " + Safe(d, Scaled(CardParts.Sentence, scale)))));
        }

        var lessons = input.Lessons.Where(l => !string.IsNullOrWhiteSpace(l)).Take(ScaledCount(MaxLessons, scale, 0)).ToArray();
        if (lessons.Length > 0)
        {
            body.Add(Heading("Highlights and lessons"));
            body.AddRange(lessons.Select(l => Para("• " + Safe(l, Scaled(CardParts.Sentence, scale)))));
        }

        if (q.Pending > 0)
        {
            body.Add(Colored($"{Plural(q.Pending, "question")} still open: they stay with their owners under normal SLAs.", TextColor.Warning, bold: false));
        }

        return new AdaptiveCard(body)
        {
            Actions = input.AuditExportUrl is { } url ? [new ActionOpenUrl("Download audit export", url)] : null,
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"Crisis stood down: {Plain(input.Name, 120)}.",
        };
    }

    private static (string Title, string Value)[] Figures(StandDownReportCardInput input)
    {
        var t = input.Timings;
        var q = input.Questions;
        var figures = new List<(string, string)>();
        if (input.VolumesRecorded)
        {
            figures.Add(("Posts", $"{Num(input.Posts)} (peak {Num(input.PeakHourPosts)} in one hour)"));
            figures.Add(("Hot topics", Num(input.Topics)));
        }
        else
        {
            figures.Add(("Posts", "not recorded for this period"));
        }

        if (input.Alarms is { } alarms)
        {
            figures.Add(("Spike alarms", Num(alarms)));
        }

        if (input.QuestionsRecorded)
        {
            figures.Add(("Questions", $"{Num(q.Asked)} asked · {Num(q.Answered)} answered · {Num(q.Pending)} still open"));
            figures.Add(("Time to approved answer", $"median {Span(t.ApprovedAnswerMedian)} · p90 {Span(t.ApprovedAnswerP90)}"));
            figures.Add(("Customer first response", "median " + Span(t.FirstResponseMedian)));
        }
        else
        {
            figures.Add(("Questions", "no questions yet"));
            figures.Add(("SLA performance", "no questions yet"));
        }

        figures.Add(("FAQ", input.FaqRecorded
            ? $"{Num(input.FaqChanges.Added)} added · {Num(input.FaqChanges.Updated)} updated · {Num(input.FaqChanges.Withdrawn)} withdrawn"
            : "no FAQ changes recorded"));
        return [.. figures];
    }

    private static string Span(TimeSpan? span) => span is { } s ? Duration(s) : "n/a";
}
