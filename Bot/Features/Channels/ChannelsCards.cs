using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Templates;
using CrisisBot.Protocol.Routing;
using CardBinding = CrisisBot.Cards.Templates.ChannelBinding;

namespace CrisisBot.Features.Channels;

/// <summary>
/// Maps the Channels feature's state onto the card templates (help, status, links, linked, not allowed) and returns the
/// validated card JSON. All user-visible text goes through the templates' safe-text handling.
/// </summary>
public sealed class ChannelsCards(TimeProvider time)
{
    public const string BotName = "CrisisBot";

    /// <summary>The commands this feature answers, as the help card lists them.</summary>
    public static readonly IReadOnlyList<HelpCommandGroup> CommandGroups =
    [
        new("Everyone",
        [
            new HelpCommand("help", "help", "Show this list of commands."),
            new HelpCommand("status", "status", "Version, storage, installs and channel links."),
            new HelpCommand("links", "links", "Which channel receives which cards."),
        ]),
        new("Experts and the response library",
        [
            new HelpCommand("ask", "ask <product> <question>", "Ask the product's experts; you get the approved answer here."),
            new HelpCommand("find", "find <words>", "The top 5 approved replies."),
            new HelpCommand("library", "library <product>", "A product's approved replies."),
            new HelpCommand("supersede", "supersede <number>", "Replace or retire a library answer (owners and approvers)."),
        ]),
        new("Channel set-up (admins, in a team channel)",
        [
            new HelpCommand("link", "link agents | leadership | approvers | crisis | product <key>", "This channel receives those cards from now on."),
            new HelpCommand("unlink", "unlink agents | leadership | approvers | crisis | product <key>", "Stop sending those cards to their channel."),
        ]),
        new("Crisis mode (crisis leads and admins)",
        [
            new HelpCommand("declare", "declare crisis \"<name>\" [product keys]", "Declare a crisis: crisis channel, crisis SLAs, status-update reminders."),
            new HelpCommand("crisis", "crisis | crisis role lead|comms|approver @person | crisis update <text>", "Show the active crisis, assign roles, record a status update."),
            new HelpCommand("decide", "decide <text>", "Flag a decision leadership needs to take."),
            new HelpCommand("decisions", "decisions", "Open decisions, each with 'Mark decided' (anyone can list)."),
            new HelpCommand("stand", "stand down", "End the crisis with a reason and lessons; posts the report."),
        ]),
    ];

    /// <summary>The help card depends on nothing but <see cref="CommandGroups"/>: built and validated once, then shared
    /// (a <see cref="JsonElement"/> is immutable and safe to read from many requests at once).</summary>
    private static readonly Lazy<JsonElement> HelpCardJson = new(() => CardJson.ToElement(HelpCard.Build(new HelpCardInput(BotName, CommandGroups))));

    /// <summary>The answer to <c>help.refresh</c>: constant, so its JSON is encoded once (<see cref="InvokeResponse.Encoded"/>).</summary>
    private static readonly Lazy<Task<InvokeResponse>> HelpResponseTask = new(() => Task.FromResult(InvokeResponse.Card(HelpCardJson.Value).Encoded()));

    public JsonElement Help() => HelpCardJson.Value;

    /// <summary>The help card as a finished invoke answer (the same instance every time).</summary>
    public Task<InvokeResponse> HelpResponseAsync() => HelpResponseTask.Value;

    public JsonElement Status(StatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var counts = report.Counts ?? new InstallCounts(0, 0, 0, 0, 0);
        return CardJson.ToElement(StatusCard.Build(new StatusCardInput(
            report.Version,
            ProviderLabel(report.StorageProvider),
            report.StorageReachable,
            counts.Teams,
            counts.Channels,
            counts.PersonalChats,
            counts.Bindings,
            report.LocalMode,
            time.GetUtcNow())));
    }

    public JsonElement Links(IReadOnlyList<ChannelBinding> bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        return CardJson.ToElement(ChannelLinksCard.Build(new ChannelLinksCardInput([.. bindings.Select(ToCard)], time.GetUtcNow())));
    }

    /// <summary>The "channel linked" card: posted in the linked channel, and the confirmation in the admin's thread.</summary>
    /// <param name="previous">Where the binding pointed before, when it moved.</param>
    public JsonElement Linked(ChannelBinding binding, ChannelTarget? previous = null)
    {
        ArgumentNullException.ThrowIfNull(binding);
        return CardJson.ToElement(ChannelLinkedCard.Build(new ChannelLinkedCardInput(ToCard(binding))
        {
            PreviousChannel = previous is null ? null : $"{previous.TeamName ?? previous.TeamId} › {previous.ChannelName ?? previous.ChannelId}",
        }));
    }

    /// <summary>A refusal: <paramref name="what"/> is e.g. "link channels".</summary>
    public JsonElement NotAllowed(string what) => CardJson.ToElement(NotAllowedCard.Build(new NotAllowedCardInput(
        $"Not allowed: only admins can {what}",
        $"Only CrisisBot admins (listed in the bot's Bot:Admins setting) can {what}. Nothing was changed.",
        "Ask an admin to send the command in this channel, or ask the bot's operator to add you to Bot:Admins.")));

    /// <summary>How a binding's role reads in messages, matching the cards: <c>Approvers</c>, <c>Product experts · phone</c>.</summary>
    public static string RoleLabel(ChannelBindingKey key) => key.Role switch
    {
        ChannelRole.Agents => "Agents",
        ChannelRole.Leadership => "Leadership",
        ChannelRole.Approvers => "Approvers",
        ChannelRole.Crisis => "Crisis room",
        ChannelRole.Product => $"Product experts · {key.ProductKey}",
        _ => key.ToString(),
    };

    private static CardBinding ToCard(ChannelBinding binding) => new(
        binding.Role.ToString().ToLowerInvariant(),
        binding.Role == ChannelRole.Product ? binding.ProductKey : null,
        binding.TeamName ?? binding.TeamId,
        binding.ChannelName ?? binding.ChannelId,
        binding.LinkedByName ?? binding.LinkedById,
        binding.LinkedAt);

    private static string ProviderLabel(string provider) => provider switch
    {
        "sqlite" => "SQLite",
        "postgres" => "PostgreSQL",
        _ => provider,
    };
}
