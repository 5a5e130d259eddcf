using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

public enum CrisisProposalState
{
    Pending = 0,
    Confirmed = 1,
    Declined = 2,
}

/// <summary>Input of <see cref="CrisisProposalCard"/>.</summary>
/// <param name="ProposalId">Proposal id (action data).</param>
/// <param name="TopicTitle">The hot topic's title (untrusted).</param>
/// <param name="Product">Product display name, or "all products".</param>
/// <param name="ProposedBy">Who pressed "Propose crisis".</param>
public sealed record CrisisProposalCardInput(
    string ProposalId,
    string TopicTitle,
    string Product,
    string ProposedBy,
    DateTimeOffset ProposedAt,
    CrisisProposalState State)
{
    /// <summary>The crisis leads asked to decide (mentioned while pending).</summary>
    public IReadOnlyList<Person> Leads { get; init; } = [];

    /// <summary>Who confirmed or declined, once decided.</summary>
    public string? DecidedBy { get; init; }

    public DateTimeOffset? DecidedAt { get; init; }

    /// <summary>One sentence shown under the state, e.g. where the crisis channel is.</summary>
    public string? Note { get; init; }
}

/// <summary>A proposal to declare a crisis from a hot topic: a crisis lead confirms (declares it) or declines.</summary>
public static class CrisisProposalCard
{
    public static AdaptiveCard Build(CrisisProposalCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.ProposalId, nameof(input.ProposalId));
        Required(input.TopicTitle, nameof(input.TopicTitle));
        Required(input.Product, nameof(input.Product));
        List(input.Leads, nameof(input.Leads));
        if (input.State != CrisisProposalState.Pending && (string.IsNullOrWhiteSpace(input.DecidedBy) || input.DecidedAt is null))
        {
            throw new ArgumentException("A decided proposal needs DecidedBy and DecidedAt.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(CrisisProposalCardInput input, int scale)
    {
        var (state, color) = input.State switch
        {
            CrisisProposalState.Pending => ("Waiting for a lead", TextColor.Warning),
            CrisisProposalState.Confirmed => ("Crisis declared", TextColor.Attention),
            CrisisProposalState.Declined => ("Declined", TextColor.Good),
            _ => throw new ArgumentOutOfRangeException(nameof(input), input.State, "Unknown proposal state."),
        };
        var (leads, mentions) = input.State == CrisisProposalState.Pending ? Mention(input.Leads) : (string.Empty, []);
        var body = new List<CardElement>
        {
            TitleWithState("Crisis proposed", state, color),
            new TextBlock(Safe(input.TopicTitle, Scaled(CardParts.Label, scale))) { Size = TextSize.Medium, Weight = TextWeight.Bolder, Wrap = true },
            Facts(
                ("Product", Safe(input.Product, 60)),
                ("Proposed", $"{Safe(input.ProposedBy, 60)}, {Time(input.ProposedAt)}")),
        };

        if (input.State == CrisisProposalState.Pending)
        {
            body.Add(Para(input.Leads.Count > 0
                ? $"{leads}: confirm to declare a crisis for this topic (crisis channel, crisis SLAs, status updates), or decline."
                : "A crisis lead or admin can confirm to declare a crisis for this topic (crisis channel, crisis SLAs, status updates), or decline."));
        }
        else
        {
            body.Add(Colored($"{(input.State == CrisisProposalState.Confirmed ? "Confirmed" : "Declined")} by {Safe(input.DecidedBy, 60)}, {Time(input.DecidedAt!.Value)}", color, bold: false));
        }

        if (!string.IsNullOrWhiteSpace(input.Note))
        {
            body.Add(Subtle(Safe(input.Note, Scaled(CardParts.Sentence, scale))));
        }

        var data = new CrisisProposalData(input.ProposalId);
        return new AdaptiveCard(body)
        {
            Actions = input.State == CrisisProposalState.Pending
                ?
                [
                    Execute("Confirm and declare crisis", CardVerbs.CrisisConfirmProposal, data) with { Style = ActionStyle.Destructive },
                    Execute("Decline", CardVerbs.CrisisDeclineProposal, data),
                ]
                : null,
            MsTeams = TeamsCardProperties.FullWidth(mentions),
            FallbackText = $"Crisis proposed: {Plain(input.TopicTitle, 120)}.",
        };
    }
}
