using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>A product an agent can ask about: key (the choice value) and display name.</summary>
public sealed record ProductChoice(string Key, string Name);

/// <summary>Input of <see cref="AskQuestionCard"/>.</summary>
/// <param name="Products">Products to pick from.</param>
public sealed record AskQuestionCardInput(IReadOnlyList<ProductChoice> Products)
{
    /// <summary>The topic the question is about (from a hot-topic card), kept in the action data.</summary>
    public string? TopicId { get; init; }

    /// <summary>The topic's title (untrusted), shown and kept in the action data.</summary>
    public string? TopicTitle { get; init; }

    /// <summary>Pre-selected product key.</summary>
    public string? Product { get; init; }

    /// <summary>Pre-filled question text.</summary>
    public string? Question { get; init; }

    /// <summary>Why the previous attempt was refused (validation), shown above the form.</summary>
    public string? Error { get; init; }
}

/// <summary>
/// The ask-an-expert form: product (pre-selected from the topic when known) and the question (pre-filled from the topic).
/// Sends <see cref="CardVerbs.QuestionAsk"/>; if an open question on the topic or a very similar one exists the agent joins it.
/// </summary>
public static class AskQuestionCard
{
    public const int MaxQuestion = 500;
    public const int MaxProducts = 30;

    public static AdaptiveCard Build(AskQuestionCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        List(input.Products, nameof(input.Products));
        if (input.Products.Count == 0)
        {
            throw new ArgumentException("At least one product is needed.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(AskQuestionCardInput input, int scale)
    {
        var body = new List<CardElement>
        {
            Title("Ask the product experts"),
            Subtle("The product's owners answer on a card; approvers check the reply; you get it back here."),
        };

        if (!string.IsNullOrWhiteSpace(input.TopicTitle))
        {
            body.Add(Facts(("Topic", Safe(input.TopicTitle, Scaled(CardParts.Label, scale)))));
        }

        if (!string.IsNullOrWhiteSpace(input.Error))
        {
            body.Add(Box(ContainerStyle.Attention, Colored(Safe(input.Error, CardParts.Sentence), TextColor.Attention)));
        }

        var products = input.Products.Take(MaxProducts).ToArray();
        var selected = products.FirstOrDefault(p => string.Equals(p.Key, input.Product, StringComparison.OrdinalIgnoreCase));
        body.Add(new InputChoiceSet(InputIds.Product, "Product", products.Select(p => new Choice(SafePlain(p.Name, 60), SafePlain(p.Key, 60))).ToArray())
        {
            Style = ChoiceInputStyle.Compact,
            IsRequired = true,
            ErrorMessage = "Pick the product the question is about.",
            Value = selected is null ? null : SafePlain(selected.Key, 60),
        });
        body.Add(new InputText(InputIds.Question, "Your question")
        {
            IsMultiline = true,
            IsRequired = true,
            ErrorMessage = "Write the question for the experts.",
            MaxLength = MaxQuestion,
            Placeholder = "What do customers need to know?",
            Value = string.IsNullOrWhiteSpace(input.Question) ? null : SafePlain(input.Question, MaxQuestion),
        });

        var data = new AskQuestionData(
            string.IsNullOrWhiteSpace(input.TopicId) ? null : input.TopicId,
            string.IsNullOrWhiteSpace(input.TopicTitle) ? null : SafePlain(input.TopicTitle, CardParts.Label));
        return new AdaptiveCard(body)
        {
            Actions = [Execute("Ask", CardVerbs.QuestionAsk, data) with { Style = ActionStyle.Positive, AssociatedInputs = AssociatedInputs.Auto }],
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = "Ask the product experts",
        };
    }
}
