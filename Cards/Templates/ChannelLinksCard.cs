using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>One channel link (binding) as listed.</summary>
/// <param name="Role">agents, leadership, approvers, crisis or product.</param>
/// <param name="ProductKey">The product key for the product role, otherwise null.</param>
/// <param name="TeamName">Team display name.</param>
/// <param name="ChannelName">Channel display name.</param>
/// <param name="BoundBy">Display name of who linked it.</param>
/// <param name="BoundAt">When it was linked.</param>
public sealed record ChannelBinding(string Role, string? ProductKey, string TeamName, string ChannelName, string BoundBy, DateTimeOffset BoundAt);

/// <summary>Input of <see cref="ChannelLinksCard"/>.</summary>
public sealed record ChannelLinksCardInput(IReadOnlyList<ChannelBinding> Bindings, DateTimeOffset GeneratedAt)
{
    /// <summary>Users whose client refreshes the card automatically (at most 60 are kept); empty means manual refresh.</summary>
    public IReadOnlyList<string> RefreshUserIds { get; init; } = [];
}

/// <summary>The channel links listing (a table of bindings, or an empty state), with Refresh.</summary>
public static class ChannelLinksCard
{
    public const int MaxRows = 40;

    public static AdaptiveCard Build(ChannelLinksCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var bindings = List(input.Bindings, nameof(input.Bindings));
        foreach (var b in bindings)
        {
            Required(b.Role, "binding role");
            Required(b.ChannelName, "binding channel name");
        }

        var ordered = bindings
            .OrderBy(b => b.Role, StringComparer.OrdinalIgnoreCase)
            .ThenBy(b => b.ProductKey, StringComparer.OrdinalIgnoreCase)
            .ThenBy(b => b.ChannelName, StringComparer.OrdinalIgnoreCase)
            .ToArray();
        return CardBudget.Shrink(Math.Min(MaxRows, ordered.Length), limit => Render(input, ordered, limit));
    }

    /// <summary>How a role reads on cards: <c>Product experts · travel-insurance</c>.</summary>
    internal static string RoleLabel(string role, string? productKey)
    {
        var label = role.Trim().ToLowerInvariant() switch
        {
            "agents" => "Agents",
            "leadership" => "Leadership",
            "approvers" => "Approvers",
            "crisis" => "Crisis room",
            "product" => "Product experts",
            _ => Safe(role, 40),
        };
        return string.IsNullOrWhiteSpace(productKey) ? label : $"{label} · {Safe(productKey, 60)}";
    }

    private static AdaptiveCard Render(ChannelLinksCardInput input, ChannelBinding[] bindings, int limit)
    {
        var refresh = new ActionExecute("Refresh", CardVerbs.LinksRefresh);
        var body = new List<CardElement>
        {
            Title("Channel links"),
            Subtle($"{Plural(bindings.Length, "link")} · as of {Time(input.GeneratedAt)}"),
        };

        if (bindings.Length == 0)
        {
            body.Add(Box(
                ContainerStyle.Emphasis,
                Para("No channel is linked yet."),
                Subtle("In the channel that should receive the cards, mention the bot with: link agents, link leadership, link approvers, link crisis, or link product followed by the product key.")));
        }
        else
        {
            var header = new TableRow([Cell("Role", bold: true), Cell("Channel", bold: true), Cell("Linked by", bold: true)]) { Style = ContainerStyle.Emphasis };
            var rows = new List<TableRow> { header };
            rows.AddRange(bindings.Take(limit).Select(b => new TableRow([
                Cell(RoleLabel(b.Role, b.ProductKey)),
                Cell($"{Safe(b.TeamName, 60)} › {Safe(b.ChannelName, 60)}"),
                Cell($"{Safe(b.BoundBy, 60)}, {Time(b.BoundAt)}"),
            ])));
            body.Add(new Table([new(3), new(4), new(4)], rows) { FirstRowAsHeader = true, ShowGridLines = false });
            if (limit < bindings.Length)
            {
                body.Add(Subtle($"{Plural(bindings.Length - limit, "more link")} not shown."));
            }
        }

        return new AdaptiveCard(body)
        {
            Actions = [refresh],
            Refresh = Refresh(refresh, input.RefreshUserIds),
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"Channel links: {Plural(bindings.Length, "link")}.",
        };
    }

    private static TableCell Cell(string safeText, bool bold = false) =>
        new([new TextBlock(safeText) { Wrap = true, Weight = bold ? TextWeight.Bolder : null }]);
}
