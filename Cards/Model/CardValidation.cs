namespace CrisisBot.Cards.Model;

/// <summary>
/// Whole-card rules that a single element cannot check on its own: unique ids, required inputs with an error
/// message, ToggleVisibility targets that exist, and mentions that appear in the text.
/// </summary>
public static class CardValidation
{
    /// <summary>Throws <see cref="ArgumentException"/> with every problem found.</summary>
    public static void Validate(AdaptiveCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var problems = Problems(card);
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid card: " + string.Join("; ", problems), nameof(card));
        }
    }

    /// <summary>The list of problems (empty when the card is valid).</summary>
    public static IReadOnlyList<string> Problems(AdaptiveCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var walker = new Walker();
        walker.Card(card, root: true);
        return walker.Problems;
    }

    private sealed class Walker
    {
        private readonly HashSet<string> ids = new(StringComparer.Ordinal);
        private readonly List<string> toggleTargets = [];
        private readonly List<string> texts = [];

        public List<string> Problems { get; } = [];

        public void Card(AdaptiveCard card, bool root)
        {
            Elements(card.Body);
            Actions(card.Actions);
            if (card.Refresh is { } refresh)
            {
                if (!root)
                {
                    Problems.Add("refresh is only allowed on the top-level card");
                }

                Action(refresh.Action);
            }

            if (!root)
            {
                if (card.MsTeams is not null)
                {
                    Problems.Add("msteams is only allowed on the top-level card");
                }

                return;
            }

            foreach (var target in toggleTargets.Where(t => !ids.Contains(t)))
            {
                Problems.Add($"Action.ToggleVisibility targets unknown element id '{target}'");
            }

            foreach (var mention in card.MsTeams?.Entities ?? [])
            {
                if (!texts.Any(t => t.Contains(mention.Text, StringComparison.Ordinal)))
                {
                    Problems.Add($"mention {mention.Text} is not used in any text");
                }
            }
        }

        private void Elements(IReadOnlyList<CardElement> elements)
        {
            foreach (var element in elements)
            {
                Element(element);
            }
        }

        private void Element(CardElement element)
        {
            if (element.Id is { } id && !ids.Add(id))
            {
                Problems.Add($"duplicate id '{id}'");
            }

            switch (element)
            {
                case TextBlock t:
                    texts.Add(t.Text);
                    break;
                case RichTextBlock r:
                    texts.AddRange(r.Inlines.Select(i => i.Text));
                    break;
                case Container c:
                    Elements(c.Items);
                    break;
                case ColumnSet cs:
                    foreach (var column in cs.Columns)
                    {
                        Elements(column.Items);
                    }

                    break;
                case ImageSet images:
                    Elements(images.Images);
                    break;
                case FactSet f:
                    texts.AddRange(f.Facts.SelectMany(x => new[] { x.Title, x.Value }));
                    break;
                case Table table:
                    foreach (var cell in table.Rows.SelectMany(r => r.Cells))
                    {
                        Elements(cell.Items);
                    }

                    break;
                case ActionSet set:
                    Actions(set.Actions);
                    break;
                case InputElement input:
                    if (input.IsRequired == true && string.IsNullOrWhiteSpace(input.ErrorMessage))
                    {
                        Problems.Add($"required input '{input.Id}' needs an errorMessage");
                    }

                    break;
                case ChartElement chart:
                    Element(chart.Fallback);
                    break;
            }
        }

        private void Actions(IReadOnlyList<CardAction>? actions)
        {
            foreach (var action in actions ?? [])
            {
                Action(action);
            }
        }

        private void Action(CardAction action)
        {
            switch (action)
            {
                case ActionShowCard show:
                    Card(show.Card, root: false);
                    break;
                case ActionToggleVisibility toggle:
                    toggleTargets.AddRange(toggle.TargetElements);
                    break;
                case ActionExecute { Fallback: { } fallback }:
                    Action(fallback);
                    break;
            }
        }
    }
}
