using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>One ranked result of the response library.</summary>
public sealed record LibraryResult(string AnswerId, string Product, string Question, string ShortReply, DateTimeOffset ReviewBy);

/// <summary>Input of <see cref="LibrarySearchCard"/>; <see cref="Results"/> are already ranked, best first.</summary>
public sealed record LibrarySearchCardInput(string Query, IReadOnlyList<LibraryResult> Results, IReadOnlyList<string> Products, DateTimeOffset GeneratedAt)
{
    /// <summary>Product the search was filtered to, if any.</summary>
    public string? ProductFilter { get; init; }

    /// <summary>Total matches when more exist than <see cref="Results"/> (0 = Results.Count).</summary>
    public int TotalMatches { get; init; }
}

/// <summary>Library search results: ranked answers with product and review date, and a search box to search again.</summary>
public static class LibrarySearchCard
{
    public const int MaxResults = 10;
    public const int MaxProducts = 30;
    public const string AllProducts = "*";

    public static AdaptiveCard Build(LibrarySearchCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(input.Query);
        List(input.Results, nameof(input.Results));
        List(input.Products, nameof(input.Products));
        NonNegative(input.TotalMatches, nameof(input.TotalMatches));
        foreach (var result in input.Results)
        {
            Required(result.AnswerId, "result answer id");
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(LibrarySearchCardInput input, int scale)
    {
        var query = Safe(input.Query, 100);
        var total = Math.Max(input.TotalMatches, input.Results.Count);
        var results = input.Results.Take(ScaledCount(MaxResults, scale, 0)).ToArray();
        var body = new List<CardElement>
        {
            Title("Response library"),
            Subtle(query.Length == 0
                ? $"{Plural(total, "approved answer")}"
                : $"{Plural(total, "result")} for “{query}”" + (string.IsNullOrWhiteSpace(input.ProductFilter) ? string.Empty : $" in {Safe(input.ProductFilter, 60)}")),
        };

        if (results.Length == 0)
        {
            body.Add(Box(ContainerStyle.Emphasis, Para("No approved answer matches. Try fewer words, another product, or ask the experts from a hot-topic card.")));
        }

        for (var i = 0; i < results.Length; i++)
        {
            var r = results[i];
            var overdue = r.ReviewBy <= input.GeneratedAt;
            body.Add(new Container([
                new TextBlock($"{i + 1}\\. {Safe(r.Question, Scaled(CardParts.Sentence, scale))}") { Weight = TextWeight.Bolder, Wrap = true },
                new TextBlock($"{Safe(r.Product, 60)} · review by {Time(r.ReviewBy)}" + (overdue ? " · review overdue" : string.Empty))
                {
                    IsSubtle = !overdue,
                    Color = overdue ? TextColor.Warning : null,
                    Size = TextSize.Small,
                    Wrap = true,
                    Spacing = Spacing.None,
                },
                Para(Safe(r.ShortReply, CardParts.ShortReply)),
                Buttons(Execute("Open answer", CardVerbs.LibraryOpen, new LibraryOpenData(r.AnswerId))),
            ]) { Separator = i > 0, Spacing = Spacing.Medium });
        }

        if (total > results.Length && results.Length > 0)
        {
            body.Add(Subtle($"{Plural(total - results.Length, "more result")}: narrow the search to see them."));
        }

        var products = input.Products.Where(p => !string.IsNullOrWhiteSpace(p)).Distinct(StringComparer.OrdinalIgnoreCase).Take(MaxProducts).ToArray();
        var choices = new List<Choice> { new("All products", AllProducts) };
        choices.AddRange(products.Select(p => new Choice(SafePlain(p, 60), SafePlain(p, 60))));
        body.Add(Heading("Search again"));
        body.Add(new InputText(InputIds.Query, "Search")
        {
            Placeholder = "Words from the question or reply",
            MaxLength = 200,
            Value = input.Query.Length == 0 ? null : SafePlain(input.Query, 200),
        });
        body.Add(new InputChoiceSet(InputIds.Product, "Product", choices)
        {
            Style = ChoiceInputStyle.Compact,
            Value = products.FirstOrDefault(p => string.Equals(p, input.ProductFilter, StringComparison.OrdinalIgnoreCase)) is { } selected ? SafePlain(selected, 60) : AllProducts,
        });

        return new AdaptiveCard(body)
        {
            Actions = [Execute("Search", CardVerbs.LibrarySearch, new LibrarySearchData())],
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"Response library: {Plural(total, "result")}.",
        };
    }
}
