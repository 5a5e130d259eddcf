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
}

/// <summary>The post-crisis report posted on stand-down.</summary>
public static class StandDownReportCard
{
    public const int MaxLessons = 10;

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
            Facts(
                ("Posts", $"{Num(input.Posts)} (peak {Num(input.PeakHourPosts)} in one hour)"),
                ("Hot topics", Num(input.Topics)),
                ("Questions", $"{Num(q.Asked)} asked · {Num(q.Answered)} answered · {Num(q.Pending)} still open"),
                ("Time to approved answer", $"median {Span(t.ApprovedAnswerMedian)} · p90 {Span(t.ApprovedAnswerP90)}"),
                ("Customer first response", "median " + Span(t.FirstResponseMedian)),
                ("FAQ", $"{Num(input.FaqChanges.Added)} added · {Num(input.FaqChanges.Updated)} updated · {Num(input.FaqChanges.Withdrawn)} withdrawn")),
        };

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

    private static string Span(TimeSpan? span) => span is { } s ? Duration(s) : "n/a";
}
