using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="StandDownFormCard"/>.</summary>
public sealed record StandDownFormCardInput(string CrisisId, string CrisisName, DateTimeOffset DeclaredAt, DateTimeOffset GeneratedAt)
{
    /// <summary>Decisions still open (a warning is shown).</summary>
    public int OpenDecisions { get; init; }
}

/// <summary>The answer to <c>stand down</c>: reason (required) and lessons, then "Stand down and report".</summary>
public static class StandDownFormCard
{
    public static AdaptiveCard Build(StandDownFormCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.CrisisId, nameof(input.CrisisId));
        Required(input.CrisisName, nameof(input.CrisisName));
        NonNegative(input.OpenDecisions, nameof(input.OpenDecisions));
        return CardBudget.Shrink(100, scale => Render(input));
    }

    private static AdaptiveCard Render(StandDownFormCardInput input)
    {
        var body = new List<CardElement>
        {
            TitleWithState("Stand down the crisis?", "Crisis mode", TextColor.Attention),
            new TextBlock(Safe(input.CrisisName, 120)) { Size = TextSize.Medium, Weight = TextWeight.Bolder, Wrap = true },
            Subtle($"Declared {Time(input.DeclaredAt)} ({Duration(input.GeneratedAt - input.DeclaredAt)} ago)"),
            Para("Standing down ends crisis SLAs and status-update reminders, and posts the post-crisis report in the crisis channel."),
        };
        if (input.OpenDecisions > 0)
        {
            body.Add(Colored($"{Plural(input.OpenDecisions, "decision")} still open: they are listed in the report.", TextColor.Warning, bold: false));
        }

        body.Add(new InputText(InputIds.StandDownReason, "Why is the crisis over?")
        {
            IsMultiline = true,
            IsRequired = true,
            ErrorMessage = "Give a reason; it goes into the stand-down report.",
            MaxLength = 1000,
        });
        body.Add(new InputText(InputIds.Lessons, "Highlights and lessons (one per line, optional)")
        {
            IsMultiline = true,
            MaxLength = 4000,
        });
        body.Add(Buttons(Execute("Stand down and report", CardVerbs.CrisisStandDown, new StandDownData(input.CrisisId)) with { Style = ActionStyle.Destructive }));
        return new AdaptiveCard(body)
        {
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"Stand down {Plain(input.CrisisName, 120)}?",
        };
    }
}
