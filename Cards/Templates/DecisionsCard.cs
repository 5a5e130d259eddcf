using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>A "decision needed" item flagged with <c>decide &lt;text&gt;</c>.</summary>
public sealed record DecisionItem(string DecisionId, string Text, string RaisedBy, DateTimeOffset RaisedAt)
{
    public string? ResolvedBy { get; init; }

    public DateTimeOffset? ResolvedAt { get; init; }
}

/// <summary>Input of <see cref="DecisionsCard"/>.</summary>
public sealed record DecisionsCardInput(IReadOnlyList<DecisionItem> Open, DateTimeOffset GeneratedAt)
{
    /// <summary>The active crisis, if any.</summary>
    public string? CrisisName { get; init; }

    /// <summary>Recently decided items (newest first), shown below the open ones.</summary>
    public IReadOnlyList<DecisionItem> RecentlyResolved { get; init; } = [];
}

/// <summary>Open "decisions needed", each with "Mark decided", and the recently decided ones with who and when.</summary>
public static class DecisionsCard
{
    public const int MaxOpen = 15;
    public const int MaxResolved = 5;

    public static AdaptiveCard Build(DecisionsCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        List(input.Open, nameof(input.Open));
        List(input.RecentlyResolved, nameof(input.RecentlyResolved));
        foreach (var item in input.Open.Concat(input.RecentlyResolved))
        {
            Required(item.DecisionId, nameof(item.DecisionId));
            Required(item.Text, nameof(item.Text));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(DecisionsCardInput input, int scale)
    {
        var body = new List<CardElement>
        {
            TitleWithState("Decisions needed", Plural(input.Open.Count, "open item"), input.Open.Count > 0 ? TextColor.Warning : TextColor.Good),
        };
        if (!string.IsNullOrWhiteSpace(input.CrisisName))
        {
            body.Add(Subtle("Crisis: " + Safe(input.CrisisName, 120)));
        }

        var open = input.Open.Take(ScaledCount(MaxOpen, scale, 1)).ToArray();
        if (open.Length == 0)
        {
            body.Add(Para("Nothing is waiting for a decision. A crisis lead adds one with 'decide <text>'."));
        }

        foreach (var item in open)
        {
            body.Add(new Container([
                Para(Safe(item.Text, Scaled(CardParts.Sentence, scale))),
                Subtle($"Raised by {Safe(item.RaisedBy, 60)}, {Time(item.RaisedAt)}"),
                Buttons(Execute("Mark decided", CardVerbs.DecisionResolve, new DecisionActionData(item.DecisionId))),
            ]) { Separator = true });
        }

        if (open.Length < input.Open.Count)
        {
            body.Add(Subtle($"{Plural(input.Open.Count - open.Length, "more open item")} not shown."));
        }

        var resolved = input.RecentlyResolved.Take(ScaledCount(MaxResolved, scale, 0)).ToArray();
        if (resolved.Length > 0)
        {
            body.Add(Heading("Recently decided"));
            body.AddRange(resolved.Select(item => Subtle(
                $"{Safe(item.Text, Scaled(CardParts.Label, scale))} · decided by {Safe(item.ResolvedBy, 60)}" +
                (item.ResolvedAt is { } at ? ", " + Time(at) : ""))));
        }

        return new AdaptiveCard(body)
        {
            Actions = [new ActionExecute("Refresh", CardVerbs.DecisionsRefresh)],
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"Decisions needed: {Plural(input.Open.Count, "open item")}.",
        };
    }
}
