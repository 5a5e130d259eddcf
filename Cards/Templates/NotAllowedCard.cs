using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="NotAllowedCard"/>.</summary>
/// <param name="Title">Short headline, e.g. "You can't approve this answer".</param>
/// <param name="Reason">Why, in one or two sentences.</param>
/// <param name="NextStep">What to do instead.</param>
public sealed record NotAllowedCardInput(string Title, string Reason, string NextStep)
{
    /// <summary>Optional reference for support (activity or correlation id).</summary>
    public string? Reference { get; init; }

    /// <summary>True for an error (something failed) rather than a refusal (not permitted).</summary>
    public bool IsError { get; init; }
}

/// <summary>A clear refusal or error message: title, reason, what to do next.</summary>
public static class NotAllowedCard
{
    public static AdaptiveCard Build(NotAllowedCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var title = Safe(Required(input.Title, nameof(input.Title)));
        var reason = Safe(Required(input.Reason, nameof(input.Reason)), CardParts.Sentence);
        var next = Safe(Required(input.NextStep, nameof(input.NextStep)), CardParts.Sentence);
        var body = new List<CardElement>
        {
            Box(
                input.IsError ? ContainerStyle.Attention : ContainerStyle.Warning,
                Colored(title, input.IsError ? TextColor.Attention : TextColor.Default),
                Para(reason)),
            Heading("What you can do"),
            Para(next),
        };

        if (!string.IsNullOrWhiteSpace(input.Reference))
        {
            body.Add(Subtle($"Reference: {Safe(input.Reference, 80)}"));
        }

        return new AdaptiveCard(body) { FallbackText = $"{Plain(input.Title, CardParts.Label)}: {Plain(input.Reason, CardParts.Sentence)}" };
    }
}
