using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Who is looking at an answer review card.</summary>
public enum ReviewViewer
{
    /// <summary>Not an approver of this answer: status only.</summary>
    Others = 0,

    /// <summary>A named approver: Approve / Edit / Request changes.</summary>
    Approver = 1,
}

/// <summary>An earlier version of the answer, for the diff.</summary>
public sealed record PreviousAnswer(int Version, string CustomerReply, string ShortReply);

/// <summary>Input of <see cref="AnswerReviewCard"/>.</summary>
public sealed record AnswerReviewCardInput(
    string AnswerId,
    int Version,
    string Product,
    string Question,
    string Facts,
    string CustomerReply,
    string ShortReply,
    string AnsweredBy,
    DateTimeOffset AnsweredAt,
    IReadOnlyList<Person> Approvers,
    ReviewViewer Viewer,
    DateTimeOffset GeneratedAt)
{
    /// <summary>The version before this one, if the answer was changed.</summary>
    public PreviousAnswer? Previous { get; init; }

    /// <summary>The expert's internal note.</summary>
    public string? InternalNote { get; init; }

    /// <summary>Decisions so far, e.g. "Approved by Legal (Priya), 14:05 UTC".</summary>
    public IReadOnlyList<string> Decisions { get; init; } = [];

    /// <summary>The step waiting for a decision, e.g. "Legal (2 of 2)".</summary>
    public string? Step { get; init; }

    /// <summary>The final state once decided ("Approved", "Sent back for changes"): no buttons for anyone.</summary>
    public string? Outcome { get; init; }
}

/// <summary>
/// The approver's card: the answer, its replies, the diff against the previous version, and Approve, Edit (the
/// edited replies) or Request changes (reason required). Non-approvers see the status; refresh lists the approvers.
/// </summary>
public static class AnswerReviewCard
{
    public const int MaxDecisions = 10;

    public static AdaptiveCard Build(AnswerReviewCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.AnswerId, nameof(input.AnswerId));
        Required(input.Question, nameof(input.Question));
        Required(input.CustomerReply, nameof(input.CustomerReply));
        List(input.Approvers, nameof(input.Approvers));
        List(input.Decisions, nameof(input.Decisions));
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(input.Version, nameof(input.Version));
        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(AnswerReviewCardInput input, int scale)
    {
        var (approversText, mentions) = Mention(input.Approvers);
        var body = new List<CardElement>
        {
            Subtle($"Answer for review · {Safe(input.Product, 60)} · version {Num(input.Version)}"),
            Title(Safe(input.Question, Scaled(CardParts.Sentence, scale))),
            Facts(
                ("Answered by", $"{Safe(input.AnsweredBy, 60)}, {Time(input.AnsweredAt)}"),
                ("Approvers", approversText)),
            Heading("Customer reply"),
        };

        if (input.Previous is { } previous)
        {
            body.Add(Subtle($"Changes since version {Num(previous.Version)}: removed text struck through, new text in green."));
            body.Add(WordDiff.Render(SafePlain(previous.CustomerReply, Scaled(CardParts.Answer, scale)), SafePlain(input.CustomerReply, Scaled(CardParts.Answer, scale))));
            body.Add(Heading($"Short reply ({Num(SafePlain(input.ShortReply, CardParts.ShortReply).Length)}/{CardParts.ShortReply})"));
            body.Add(WordDiff.Render(SafePlain(previous.ShortReply, CardParts.ShortReply), SafePlain(input.ShortReply, CardParts.ShortReply)));
        }
        else
        {
            body.Add(Para(SafeParagraphs(input.CustomerReply, Scaled(CardParts.Answer, scale))));
            body.Add(Heading($"Short reply ({Num(SafePlain(input.ShortReply, CardParts.ShortReply).Length)}/{CardParts.ShortReply})"));
            body.Add(Para(Safe(input.ShortReply, CardParts.ShortReply)));
        }

        body.Add(Heading("Facts"));
        body.Add(Para(SafeParagraphs(input.Facts, Scaled(CardParts.Answer, scale))));
        if (!string.IsNullOrWhiteSpace(input.InternalNote))
        {
            body.Add(Box(ContainerStyle.Emphasis, Subtle("Internal note"), Para(SafeParagraphs(input.InternalNote, Scaled(1000, scale)))));
        }

        var decisions = input.Decisions.Where(d => !string.IsNullOrWhiteSpace(d)).TakeLast(ScaledCount(MaxDecisions, scale, 0)).ToArray();
        if (decisions.Length > 0)
        {
            body.Add(Heading("Decisions so far"));
            body.AddRange(decisions.Select(d => Subtle("• " + Safe(d, 200))));
        }

        IReadOnlyList<CardAction>? actions = null;
        if (!string.IsNullOrWhiteSpace(input.Outcome))
        {
            body.Add(Box(ContainerStyle.Good, Para(Safe(input.Outcome, CardParts.Sentence))));
        }
        else if (input.Viewer == ReviewViewer.Approver)
        {
            actions =
            [
                Execute("Approve", CardVerbs.AnswerApprove, new ApproveAnswerData(input.AnswerId, input.Version)) with { Style = ActionStyle.Positive },
                new ActionShowCard("Edit", new AdaptiveCard([
                    new InputText(InputIds.EditedReply, "Customer reply")
                    {
                        IsMultiline = true,
                        IsRequired = true,
                        ErrorMessage = "The customer reply cannot be empty.",
                        MaxLength = CardParts.Answer,
                        Value = SafePlain(input.CustomerReply, Scaled(CardParts.Answer, scale)),
                    },
                    new InputText(InputIds.EditedShortReply, $"Short reply (at most {CardParts.ShortReply} characters)")
                    {
                        IsRequired = true,
                        ErrorMessage = $"Write a short reply of at most {CardParts.ShortReply} characters.",
                        MaxLength = CardParts.ShortReply,
                        Value = SafePlain(input.ShortReply, CardParts.ShortReply),
                    },
                    Buttons(Execute("Save and approve", CardVerbs.AnswerEdit, new EditAnswerData(input.AnswerId, input.Version)) with { Style = ActionStyle.Positive }),
                ])),
                new ActionShowCard("Request changes", new AdaptiveCard([
                    new InputText(InputIds.ChangeReason, "What must change, and why")
                    {
                        IsMultiline = true,
                        IsRequired = true,
                        ErrorMessage = "Give the expert a reason.",
                        MaxLength = 1000,
                    },
                    Buttons(Execute("Send back", CardVerbs.AnswerRequestChanges, new RequestChangesData(input.AnswerId, input.Version)) with { Style = ActionStyle.Destructive }),
                ])),
            ];
        }
        else
        {
            var step = string.IsNullOrWhiteSpace(input.Step) ? string.Empty : $" ({Safe(input.Step, 60)})";
            body.Add(Box(ContainerStyle.Emphasis, Para($"Waiting for approval by {approversText}{step}.")));
        }

        var refresh = Execute("Refresh", CardVerbs.AnswerReviewRefresh, new AnswerReviewData(input.AnswerId, input.Version));
        return new AdaptiveCard(body)
        {
            Actions = actions,
            Refresh = Refresh(refresh, input.Approvers.Select(a => a.UserId).ToArray()),
            MsTeams = TeamsCardProperties.FullWidth(mentions),
            FallbackText = $"Answer for review ({Plain(input.Product, 60)}), version {Num(input.Version)}.",
        };
    }
}
