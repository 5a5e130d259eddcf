using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="SupersededAnswerCard"/>: sent to each agent who used the old answer.</summary>
public sealed record SupersededAnswerCardInput(
    string OldAnswerId,
    string NewAnswerId,
    string Product,
    string Question,
    string OldReply,
    string NewReply,
    string NewShortReply,
    string Reason,
    string ChangedBy,
    DateTimeOffset ChangedAt);

/// <summary>Tells agents an answer they used was withdrawn: old reply against new reply, and why.</summary>
public static class SupersededAnswerCard
{
    public static AdaptiveCard Build(SupersededAnswerCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.OldAnswerId, nameof(input.OldAnswerId));
        Required(input.NewAnswerId, nameof(input.NewAnswerId));
        Required(input.Reason, nameof(input.Reason));
        Required(input.NewReply, nameof(input.NewReply));
        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(SupersededAnswerCardInput input, int scale)
    {
        var body = new List<CardElement>
        {
            Box(
                ContainerStyle.Warning,
                Colored("An answer you used has changed", TextColor.Default),
                Subtle($"{Safe(input.Product, 60)} · {Safe(input.Question, Scaled(CardParts.Sentence, scale))}")),
            Heading("Why"),
            Para(Safe(input.Reason, Scaled(CardParts.Sentence, scale))),
            Subtle($"Changed by {Safe(input.ChangedBy, 60)}, {Time(input.ChangedAt)}. Where you already replied, consider a follow-up with the new reply."),
            Heading("Before (withdrawn)"),
            new RichTextBlock([new TextRun(SafePlain(input.OldReply, Scaled(CardParts.Answer, scale)) is { Length: > 0 } old ? old : "(empty)") { Strikethrough = true, IsSubtle = true }]),
            Heading("Now"),
            Box(ContainerStyle.Good, Para(SafeParagraphs(input.NewReply, Scaled(CardParts.Answer, scale)))),
            Heading("Short reply"),
            Para(Safe(input.NewShortReply, CardParts.ShortReply)),
        };

        return new AdaptiveCard(body)
        {
            Actions =
            [
                Execute("Got it", CardVerbs.AnswerSupersededAck, new SupersededAckData(input.OldAnswerId, input.NewAnswerId)),
                Execute("I used the new reply", CardVerbs.AnswerUsed, new AnswerUsedData(input.NewAnswerId)) with { Style = ActionStyle.Positive },
            ],
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"An answer you used has changed ({Plain(input.Product, 60)}).",
        };
    }
}
