using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;

namespace CrisisBot.Features.Channels;

/// <summary>Builds the Channels feature's cards (help, status, links, linked, not allowed) as Adaptive Card JSON.</summary>
public sealed class ChannelsCards
{
    public static readonly IReadOnlyList<(string Command, string Description)> Commands =
    [
        ("help", "Show this list of commands."),
        ("status", "Version, storage, installs and channel links."),
        ("links", "Which channel receives which cards."),
        ("link agents | leadership | approvers | crisis | product <key>", "Admins, in a team channel: this channel receives those cards."),
        ("unlink agents | leadership | approvers | crisis | product <key>", "Admins, in a team channel: remove that link."),
    ];

    public JsonElement Help(string? unknownCommand = null)
    {
        var body = new JsonArray { Text("CrisisBot", "Large", bold: true) };
        if (unknownCommand is not null)
        {
            body.Add(Text($"I don't know the command '{unknownCommand}'. Here is what I can do:", wrap: true));
        }

        body.Add(Facts(Commands.Select(c => (c.Command, c.Description))));
        body.Add(Text("In a channel or group chat, @mention me first.", subtle: true));
        return Card(body, Action("Refresh", CardVerbs.HelpRefresh));
    }

    public JsonElement Status(StatusReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var facts = new List<(string, string)>
        {
            ("Version", report.Version),
            ("Storage", $"{report.StorageProvider} ({(report.StorageReachable ? "reachable" : "unreachable")})"),
            ("Local mode", report.LocalMode ? "on" : "off"),
        };
        if (report.Counts is { } c)
        {
            facts.Add(("Personal chats", c.PersonalChats.ToString(CultureInfo.InvariantCulture)));
            facts.Add(("Group chats", c.GroupChats.ToString(CultureInfo.InvariantCulture)));
            facts.Add(("Teams", c.Teams.ToString(CultureInfo.InvariantCulture)));
            facts.Add(("Channels", c.Channels.ToString(CultureInfo.InvariantCulture)));
            facts.Add(("Channel links", c.Bindings.ToString(CultureInfo.InvariantCulture)));
        }

        return Card(new JsonArray { Text("CrisisBot status", "Large", bold: true), Facts(facts) }, Action("Refresh", CardVerbs.StatusRefresh));
    }

    public JsonElement Links(IReadOnlyList<ChannelBinding> bindings)
    {
        ArgumentNullException.ThrowIfNull(bindings);
        var body = new JsonArray { Text("Channel links", "Large", bold: true) };
        body.Add(bindings.Count == 0
            ? Text("No channel is linked yet. An admin can type 'link agents' (or leadership, approvers, crisis, product <key>) in a team channel.", wrap: true)
            : Facts(bindings.Select(b => (b.Key.ToString(),
                $"{b.ChannelName ?? b.ChannelId} in {b.TeamName ?? b.TeamId} (by {b.LinkedByName ?? b.LinkedById}, {b.LinkedAt:yyyy-MM-dd HH:mm} UTC)"))));
        return Card(body, Action("Refresh", CardVerbs.LinksRefresh));
    }

    /// <summary>The proactive post in the linked channel.</summary>
    public JsonElement LinkedAnnouncement(ChannelBindingKey key, ChannelActor actor) =>
        Card(new JsonArray
        {
            Text($"This channel now receives {key} cards from CrisisBot", "Medium", bold: true),
            Text($"Linked by {actor.Name ?? actor.Id}.", subtle: true),
        });

    /// <summary>The reply in the thread where the admin typed <c>link</c>.</summary>
    public JsonElement LinkConfirmation(LinkResult result, bool announced)
    {
        ArgumentNullException.ThrowIfNull(result);
        var binding = result.Binding;
        var body = new JsonArray();
        if (result.AlreadyLinkedHere)
        {
            body.Add(Text($"This channel already receives {binding.Key} cards.", bold: true));
        }
        else
        {
            body.Add(Text($"Linked: this channel now receives {binding.Key} cards.", bold: true));
            if (result.PreviousTarget is { } previous)
            {
                body.Add(Text($"Moved from {previous.ChannelName ?? previous.ChannelId} in {previous.TeamName ?? previous.TeamId}.", wrap: true));
            }

            if (!announced)
            {
                body.Add(Text("I could not post the announcement in the channel; the link is saved.", subtle: true));
            }
        }

        return Card(body, Action("Show links", CardVerbs.LinksRefresh));
    }

    public JsonElement Unlinked(ChannelBinding removed)
    {
        ArgumentNullException.ThrowIfNull(removed);
        return Card(
            new JsonArray { Text($"Unlinked: {removed.ChannelName ?? removed.ChannelId} no longer receives {removed.Key} cards.", bold: true) },
            Action("Show links", CardVerbs.LinksRefresh));
    }

    public JsonElement NotAllowed(string what) =>
        Card(new JsonArray
        {
            Text("Not allowed", "Medium", bold: true),
            Text($"Only CrisisBot admins can {what}. Ask an admin (Bot:Admins) to do it.", wrap: true),
        });

    private static JsonElement Card(JsonArray body, JsonObject? action = null)
    {
        var card = new JsonObject
        {
            ["type"] = "AdaptiveCard",
            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
            ["version"] = CardSchema.Version,
            ["body"] = body,
        };
        if (action is not null)
        {
            card["actions"] = new JsonArray { action };
        }

        return JsonSerializer.SerializeToElement(card, ChannelsJsonContext.Default.JsonObject);
    }

    private static JsonObject Text(string text, string? size = null, bool bold = false, bool wrap = true, bool subtle = false)
    {
        var block = new JsonObject { ["type"] = "TextBlock", ["text"] = text, ["wrap"] = wrap };
        if (size is not null)
        {
            block["size"] = size;
        }

        if (bold)
        {
            block["weight"] = "Bolder";
        }

        if (subtle)
        {
            block["isSubtle"] = true;
        }

        return block;
    }

    private static JsonObject Facts(IEnumerable<(string Title, string Value)> facts) => new()
    {
        ["type"] = "FactSet",
        ["facts"] = new JsonArray([.. facts.Select(f => (JsonNode)new JsonObject { ["title"] = f.Title, ["value"] = f.Value })]),
    };

    private static JsonObject Action(string title, string verb) => new()
    {
        ["type"] = "Action.Execute",
        ["title"] = title,
        ["verb"] = verb,
        ["fallback"] = new JsonObject { ["type"] = "Action.Submit", ["title"] = title, ["data"] = new JsonObject { ["verb"] = verb } },
    };
}
