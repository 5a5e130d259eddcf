using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="ApprovedAnswerCard"/>.</summary>
public sealed record ApprovedAnswerCardInput(
    string AnswerId,
    string Product,
    string Question,
    string CustomerReply,
    string ShortReply,
    string ApprovedBy,
    DateTimeOffset ApprovedAt)
{
    /// <summary>Public FAQ page for this answer (https), if published.</summary>
    public Uri? FaqLink { get; init; }

    /// <summary>When the answer must be reviewed again.</summary>
    public DateTimeOffset? ReviewBy { get; init; }

    /// <summary>How many agents used it so far.</summary>
    public int UsedCount { get; init; }
}

/// <summary>The approved answer for agents: customer reply, its 280-character variant, FAQ link, "I used this", "Report a problem".</summary>
public static class ApprovedAnswerCard
{
    public static AdaptiveCard Build(ApprovedAnswerCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.AnswerId, nameof(input.AnswerId));
        Required(input.Question, nameof(input.Question));
        Required(input.CustomerReply, nameof(input.CustomerReply));
        NonNegative(input.UsedCount, nameof(input.UsedCount));
        if (input.FaqLink is { } faq && (!faq.IsAbsoluteUri || faq.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("FaqLink must be an absolute https URL.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(ApprovedAnswerCardInput input, int scale)
    {
        var shortReply = SafePlain(input.ShortReply, CardParts.ShortReply);
        var body = new List<CardElement>
        {
            TitleWithState("Approved answer", "Ready to send", TextColor.Good),
            Subtle(Safe(input.Product, 60)),
            Para("**Q:** " + Safe(input.Question, Scaled(CardParts.Sentence, scale))),
            Heading("Customer reply"),
            Box(ContainerStyle.Good, Para(SafeParagraphs(input.CustomerReply, Scaled(CardParts.Answer, scale)))),
            Heading($"Short reply ({Num(shortReply.Length)}/{CardParts.ShortReply})"),
            Box(ContainerStyle.Emphasis, Para(Safe(input.ShortReply, CardParts.ShortReply))),
        };

        var facts = new List<(string, string)> { ("Approved", $"{Safe(input.ApprovedBy, 60)}, {Time(input.ApprovedAt)}") };
        if (input.ReviewBy is { } reviewBy)
        {
            facts.Add(("Review by", Time(reviewBy)));
        }

        facts.Add(("Used by", Plural(input.UsedCount, "agent")));
        if (input.FaqLink is { } faqLink)
        {
            facts.Add(("FAQ", $"[Public FAQ entry]({faqLink.AbsoluteUri})"));
        }

        body.Add(Facts([.. facts]));

        var actions = new List<CardAction>
        {
            Execute("I used this", CardVerbs.AnswerUsed, new AnswerUsedData(input.AnswerId)) with { Style = ActionStyle.Positive },
            new ActionShowCard("Report a problem", new AdaptiveCard([
                new InputText(InputIds.Problem, "What is wrong with this answer?")
                {
                    IsMultiline = true,
                    IsRequired = true,
                    ErrorMessage = "Describe the problem.",
                    MaxLength = 1000,
                },
                Buttons(Execute("Send report", CardVerbs.AnswerReportProblem, new ReportProblemData(input.AnswerId))),
            ])),
        };

        if (input.FaqLink is { } link)
        {
            actions.Add(new ActionOpenUrl("Open FAQ", link));
        }

        return new AdaptiveCard(body)
        {
            Actions = actions,
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"Approved answer ({Plain(input.Product, 60)}): {shortReply}",
        };
    }
}
