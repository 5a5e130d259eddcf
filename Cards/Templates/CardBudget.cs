using CrisisBot.Cards.Model;

namespace CrisisBot.Cards.Templates;

/// <summary>
/// The size budget every card keeps: 28 KB of UTF-8 JSON, so the same card also fits Graph and incoming
/// webhooks (teams-protocol.md §5.8), measured with <see cref="CardJson.Utf8Size"/>.
/// </summary>
public static class CardBudget
{
    public const int MaxBytes = 28 * 1024;

    public static bool Fits(AdaptiveCard card) => CardJson.Utf8Size(card) <= MaxBytes;

    /// <summary>
    /// Builds with <paramref name="count"/> list items and, while the card is over budget, with fewer
    /// (halving, then one by one) down to zero. Throws if even the smallest card is over budget (a bug).
    /// </summary>
    internal static AdaptiveCard Shrink(int count, Func<int, AdaptiveCard> build)
    {
        var card = build(count);
        if (Fits(card))
        {
            return card;
        }

        var low = 0;
        var high = count - 1;
        AdaptiveCard? best = null;
        while (low <= high)
        {
            var mid = (low + high) / 2;
            var candidate = build(mid);
            if (Fits(candidate))
            {
                best = candidate;
                low = mid + 1;
            }
            else
            {
                high = mid - 1;
            }
        }

        return best ?? throw new InvalidOperationException(
            $"Card is over the {MaxBytes}-byte budget even with no list items; a field cap is too large.");
    }
}
