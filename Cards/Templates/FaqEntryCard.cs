using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="FaqEntryCard"/>.</summary>
public sealed record FaqEntryCardInput(
    string FaqEntryId,
    string Product,
    string Question,
    string Answer,
    DateTimeOffset AsOf,
    DateTimeOffset ReviewBy)
{
    /// <summary>True once published (then the card offers Withdraw instead of Publish).</summary>
    public bool IsPublished { get; init; }

    /// <summary>Where the entry is (or will be) on the public site.</summary>
    public Uri? PublicUrl { get; init; }

    /// <summary>What changed compared with the published entry, if it replaces one.</summary>
    public string? ChangeNote { get; init; }
}

/// <summary>Preview of a FAQ entry as the public will read it, with Publish (or Withdraw).</summary>
public static class FaqEntryCard
{
    public static AdaptiveCard Build(FaqEntryCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.FaqEntryId, nameof(input.FaqEntryId));
        Required(input.Question, nameof(input.Question));
        Required(input.Answer, nameof(input.Answer));
        if (input.PublicUrl is { } url && (!url.IsAbsoluteUri || url.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException("PublicUrl must be an absolute https URL.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    private static AdaptiveCard Render(FaqEntryCardInput input, int scale)
    {
        var body = new List<CardElement>
        {
            TitleWithState("FAQ entry", input.IsPublished ? "Published" : "Preview", input.IsPublished ? TextColor.Good : TextColor.Accent),
            Subtle($"{Safe(input.Product, 60)} · as of {Time(input.AsOf)} · review by {Time(input.ReviewBy)}"),
            Box(
                ContainerStyle.Emphasis,
                new TextBlock(Safe(input.Question, Scaled(CardParts.Sentence, scale))) { Weight = TextWeight.Bolder, Size = TextSize.Medium, Wrap = true },
                Para(SafeParagraphs(input.Answer, Scaled(CardParts.Answer, scale)))),
        };

        if (!string.IsNullOrWhiteSpace(input.ChangeNote))
        {
            body.Add(Subtle("What changed: " + Safe(input.ChangeNote, Scaled(CardParts.Sentence, scale))));
        }

        if (input.ReviewBy <= input.AsOf)
        {
            body.Add(Colored("The review date is not after the as-of date: set a later review date before publishing.", TextColor.Warning, bold: false));
        }

        var data = new FaqEntryData(input.FaqEntryId);
        var actions = new List<CardAction>
        {
            input.IsPublished
                ? Execute("Withdraw", CardVerbs.FaqWithdraw, data) with { Style = ActionStyle.Destructive }
                : Execute("Publish", CardVerbs.FaqPublish, data) with { Style = ActionStyle.Positive },
        };

        if (input.PublicUrl is { } url)
        {
            actions.Add(new ActionOpenUrl(input.IsPublished ? "View on site" : "Where it will appear", url));
        }

        return new AdaptiveCard(body)
        {
            Actions = actions,
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"FAQ entry {(input.IsPublished ? "published" : "preview")}: {Plain(input.Question, 200)}",
        };
    }
}
