using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>Input of <see cref="StatusCard"/>.</summary>
/// <param name="Version">Bot version (informational version string).</param>
/// <param name="StorageProvider">e.g. <c>Sqlite</c> or <c>PostgreSQL</c>.</param>
/// <param name="StorageReachable">Whether the last storage check succeeded.</param>
/// <param name="Teams">Teams the app is installed in.</param>
/// <param name="Channels">Channels the bot knows (conversation references).</param>
/// <param name="PersonalChats">Personal chats with the bot.</param>
/// <param name="Bindings">Channel links (role/product bindings).</param>
/// <param name="LocalMode">True when running without Teams credentials (Playground / local mode).</param>
/// <param name="GeneratedAt">When the numbers were read; shown in the offset it carries.</param>
public sealed record StatusCardInput(
    string Version,
    string StorageProvider,
    bool StorageReachable,
    int Teams,
    int Channels,
    int PersonalChats,
    int Bindings,
    bool LocalMode,
    DateTimeOffset GeneratedAt)
{
    /// <summary>Users whose client refreshes the card automatically (at most 60 are kept); empty means manual refresh.</summary>
    public IReadOnlyList<string> RefreshUserIds { get; init; } = [];
}

/// <summary>The status card: version, storage, installs, bindings and mode, with Refresh.</summary>
public static class StatusCard
{
    public static AdaptiveCard Build(StatusCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var version = Safe(Required(input.Version, nameof(input.Version)), 60);
        var provider = Safe(Required(input.StorageProvider, nameof(input.StorageProvider)), 60);
        NonNegative(input.Teams, nameof(input.Teams));
        NonNegative(input.Channels, nameof(input.Channels));
        NonNegative(input.PersonalChats, nameof(input.PersonalChats));
        NonNegative(input.Bindings, nameof(input.Bindings));

        var healthy = input.StorageReachable;
        var refresh = new ActionExecute("Refresh", CardVerbs.StatusRefresh);
        var body = new List<CardElement>
        {
            TitleWithState("CrisisBot status", healthy ? "Healthy" : "Storage unreachable", healthy ? TextColor.Good : TextColor.Attention),
            Subtle($"Version {version}" + (input.LocalMode ? " · local mode (no Teams credentials)" : string.Empty)),
            Facts(
                ("Storage", $"{provider} · {(healthy ? "reachable" : "NOT reachable")}"),
                ("Teams", Num(input.Teams)),
                ("Channels", Num(input.Channels)),
                ("Personal chats", Num(input.PersonalChats)),
                ("Channel links", Num(input.Bindings)),
                ("Mode", input.LocalMode ? "Local (Playground, no tenant)" : "Teams")),
        };

        if (!healthy)
        {
            body.Add(Box(ContainerStyle.Attention, Para("Cards and alerts are paused until storage is reachable again. Check the bot's logs and database connection.")));
        }

        if (input.Bindings == 0)
        {
            body.Add(Subtle("No channel is linked yet: send \"link agents\" in the agents' channel to start."));
        }

        body.Add(Subtle($"As of {Time(input.GeneratedAt)}"));

        return new AdaptiveCard(body)
        {
            Actions = [refresh],
            Refresh = Refresh(refresh, input.RefreshUserIds),
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"CrisisBot {Plain(input.Version, 60)}: storage {(healthy ? "reachable" : "unreachable")}, {Plural(input.Bindings, "channel link")}.",
        };
    }
}
