using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="ChannelLinkedCard"/>: the binding just made, and the one it replaced if any.</summary>
public sealed record ChannelLinkedCardInput(ChannelBinding Binding)
{
    /// <summary>"Team › Channel" that had this role before, when the link moved.</summary>
    public string? PreviousChannel { get; init; }
}

/// <summary>The "channel linked" announcement posted in the channel that was linked.</summary>
public static class ChannelLinkedCard
{
    public static AdaptiveCard Build(ChannelLinkedCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var b = input.Binding ?? throw new ArgumentException("Binding is required.", nameof(input));
        Required(b.Role, "binding role");
        Required(b.ChannelName, "binding channel name");
        var role = ChannelLinksCard.RoleLabel(b.Role, b.ProductKey);
        var channel = $"{Safe(b.TeamName, 60)} › {Safe(b.ChannelName, 60)}";
        var body = new List<CardElement>
        {
            Colored("Channel linked", TextColor.Good),
            Para($"This channel now receives the **{role}** cards."),
            Facts(
                ("Role", role),
                ("Channel", channel),
                ("Linked by", Safe(b.BoundBy, 60)),
                ("When", Time(b.BoundAt))),
        };

        if (!string.IsNullOrWhiteSpace(input.PreviousChannel))
        {
            body.Add(Subtle($"It replaces {Safe(input.PreviousChannel, 130)}, which no longer receives these cards."));
        }

        return new AdaptiveCard(body)
        {
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"Channel linked: {Plain(b.Role, 40)}{(string.IsNullOrWhiteSpace(b.ProductKey) ? string.Empty : " " + Plain(b.ProductKey, 60))} → {Plain(b.TeamName, 60)} › {Plain(b.ChannelName, 60)}.",
        };
    }
}
