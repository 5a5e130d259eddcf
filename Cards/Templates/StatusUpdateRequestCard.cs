using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="StatusUpdateRequestCard"/>.</summary>
/// <param name="CrisisId">Crisis id (action data).</param>
/// <param name="Request">Sequence number of this request within the crisis (action data).</param>
/// <param name="Every">The update cadence.</param>
public sealed record StatusUpdateRequestCardInput(
    string CrisisId,
    string CrisisName,
    int Request,
    DateTimeOffset RequestedAt,
    IReadOnlyList<Person> Leads,
    TimeSpan Every)
{
    /// <summary>The previous update, to edit from.</summary>
    public string? PreviousUpdate { get; init; }

    public DateTimeOffset? PreviousUpdateAt { get; init; }

    /// <summary>Once answered: the update as stored.</summary>
    public string? SubmittedText { get; init; }

    public string? SubmittedBy { get; init; }

    public DateTimeOffset? SubmittedAt { get; init; }
}

/// <summary>The cadence reminder: asks the crisis lead for a status update (stored and shown in summaries and the report).</summary>
public static class StatusUpdateRequestCard
{
    public const int MaxUpdateLength = 2000;

    public static AdaptiveCard Build(StatusUpdateRequestCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.CrisisId, nameof(input.CrisisId));
        Required(input.CrisisName, nameof(input.CrisisName));
        List(input.Leads, nameof(input.Leads));
        NonNegative(input.Request, nameof(input.Request));
        if (input.Every <= TimeSpan.Zero)
        {
            throw new ArgumentException("Every must be positive.", nameof(input));
        }

        if (input.SubmittedText is not null && (string.IsNullOrWhiteSpace(input.SubmittedBy) || input.SubmittedAt is null))
        {
            throw new ArgumentException("A submitted update needs SubmittedBy and SubmittedAt.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(StatusUpdateRequestCardInput input, int scale)
    {
        var submitted = input.SubmittedText is not null;
        var (leads, mentions) = Mention(input.Leads);
        var body = new List<CardElement>
        {
            TitleWithState("Status update", submitted ? "Recorded" : "Due now", submitted ? TextColor.Good : TextColor.Warning),
            Subtle($"{Safe(input.CrisisName, 120)} · update every {Duration(input.Every)} · asked {Time(input.RequestedAt)}"),
        };

        if (submitted)
        {
            body.Add(Para(SafeParagraphs(input.SubmittedText, Scaled(MaxUpdateLength, scale))));
            body.Add(Subtle($"By {Safe(input.SubmittedBy, 60)}, {Time(input.SubmittedAt!.Value)}. It goes into the leadership summary and the stand-down report."));
            return new AdaptiveCard(body) { MsTeams = TeamsCardProperties.FullWidth(), FallbackText = $"Status update recorded for {Plain(input.CrisisName, 120)}." };
        }

        body.Add(Para(input.Leads.Count > 0
            ? $"{leads}: what is the situation now? Two or three sentences for leadership: what changed, what is next, what you need."
            : "What is the situation now? Two or three sentences for leadership: what changed, what is next, what you need."));
        if (!string.IsNullOrWhiteSpace(input.PreviousUpdate))
        {
            body.Add(Heading("Previous update" + (input.PreviousUpdateAt is { } at ? $" ({Time(at)})" : "")));
            body.Add(Subtle(Safe(input.PreviousUpdate, Scaled(CardParts.Sentence, scale))));
        }

        body.Add(new InputText(InputIds.StatusUpdate, "Status update")
        {
            IsMultiline = true,
            IsRequired = true,
            ErrorMessage = "Write the update; it is shown to leadership.",
            MaxLength = MaxUpdateLength,
        });
        body.Add(Buttons(Execute("Submit update", CardVerbs.CrisisSubmitStatusUpdate, new StatusUpdateData(input.CrisisId, input.Request)) with { Style = ActionStyle.Positive }));
        return new AdaptiveCard(body)
        {
            MsTeams = TeamsCardProperties.FullWidth(mentions),
            FallbackText = $"Status update due for {Plain(input.CrisisName, 120)}.",
        };
    }
}
