using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="LibraryReviewCard"/>.</summary>
public sealed record LibraryReviewCardInput(
    string EntryId,
    int Version,
    string Product,
    string Question,
    string CustomerReply,
    string ShortReply,
    DateTimeOffset ReviewBy,
    IReadOnlyList<Person> Owners,
    DateTimeOffset GeneratedAt)
{
    /// <summary>Agents who received or used the answer (told when it is superseded).</summary>
    public int Recipients { get; init; }

    /// <summary>The final state once decided ("Confirmed by Ana until …"); the card then has no buttons.</summary>
    public string? Outcome { get; init; }
}

/// <summary>
/// "Still correct?" for a library answer whose review date has come: Confirm (new review date), Edit (the replacement goes
/// through approval, then everyone who received or used the old answer is told) or Retire (reason required).
/// </summary>
public static class LibraryReviewCard
{
    public static AdaptiveCard Build(LibraryReviewCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.EntryId, nameof(input.EntryId));
        Required(input.Question, nameof(input.Question));
        Required(input.CustomerReply, nameof(input.CustomerReply));
        List(input.Owners, nameof(input.Owners));
        NonNegative(input.Recipients, nameof(input.Recipients));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Version, nameof(input.Version));
        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(LibraryReviewCardInput input, int scale)
    {
        var (ownersText, mentions) = Mention(input.Owners);
        var due = input.ReviewBy <= input.GeneratedAt;
        var body = new List<CardElement>
        {
            Box(
                due ? ContainerStyle.Warning : ContainerStyle.Emphasis,
                Colored("Still correct?", TextColor.Default),
                Para($"{ownersText}: please check this approved answer. " +
                     (due ? $"Its review date was {Time(input.ReviewBy)}." : $"It is due for review {Relative(input.ReviewBy, input.GeneratedAt)}."))),
            Subtle($"{Safe(input.Product, 60)} · version {Num(input.Version)} · used by {Plural(input.Recipients, "agent")}"),
            Title(Safe(input.Question, Scaled(CardParts.Sentence, scale))),
            Heading("Customer reply"),
            Para(SafeParagraphs(input.CustomerReply, Scaled(CardParts.Answer, scale))),
            Heading("Short reply"),
            Para(Safe(input.ShortReply, CardParts.ShortReply)),
        };

        IReadOnlyList<CardAction>? actions = null;
        if (!string.IsNullOrWhiteSpace(input.Outcome))
        {
            body.Add(Box(ContainerStyle.Good, Para(Safe(input.Outcome, CardParts.Sentence))));
        }
        else
        {
            var draft = new AnswerDraft(null, input.CustomerReply, input.ShortReply);
            actions =
            [
                Execute("Confirm", CardVerbs.LibraryConfirm, new LibraryEntryData(input.EntryId)) with { Style = ActionStyle.Positive },
                new ActionShowCard("Edit", new AdaptiveCard([
                    .. QuestionCard.AnswerFields(draft, scale),
                    new InputText(InputIds.Reason, "What changed (agents who used the old answer see this)")
                    {
                        IsMultiline = true,
                        IsRequired = true,
                        ErrorMessage = "Say what changed.",
                        MaxLength = 1000,
                    },
                    Buttons(Execute("Send for approval", CardVerbs.LibrarySupersede, new LibrarySupersedeData(input.EntryId)) with
                    {
                        Style = ActionStyle.Positive,
                        AssociatedInputs = AssociatedInputs.Auto,
                    }),
                ])),
                new ActionShowCard("Retire", new AdaptiveCard([
                    new InputText(InputIds.RetireReason, "Why is it no longer correct?")
                    {
                        IsMultiline = true,
                        IsRequired = true,
                        ErrorMessage = "Give a reason.",
                        MaxLength = 1000,
                    },
                    Buttons(Execute("Retire answer", CardVerbs.LibraryRetire, new LibraryRetireData(input.EntryId)) with { Style = ActionStyle.Destructive }),
                ])),
            ];
        }

        return new AdaptiveCard(body)
        {
            Actions = actions,
            MsTeams = TeamsCardProperties.FullWidth(mentions),
            FallbackText = $"Still correct? {Plain(input.Question, 200)}",
        };
    }
}
