using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

/// <summary>One command as the help card shows it.</summary>
/// <param name="Name">Command name, e.g. <c>link</c>.</param>
/// <param name="Usage">Full usage, e.g. <c>link agents|leadership|approvers|crisis|product &lt;key&gt;</c>.</param>
/// <param name="Description">What it does, one sentence.</param>
public sealed record HelpCommand(string Name, string Usage, string Description);

/// <summary>Commands under a heading (e.g. "Everyone", "Channel set-up (admins)").</summary>
public sealed record HelpCommandGroup(string Title, IReadOnlyList<HelpCommand> Commands);

/// <summary>Input of <see cref="HelpCard"/>: the command list comes from the bot's command registry.</summary>
public sealed record HelpCardInput(string BotName, IReadOnlyList<HelpCommandGroup> Groups)
{
    /// <summary>Optional footer, e.g. where to find the docs or who the admin is.</summary>
    public string? Footer { get; init; }
}

/// <summary>The help card: every command with its usage and description, grouped, with a Refresh button.</summary>
public static class HelpCard
{
    public const int MaxGroups = 8;
    public const int MaxCommandsPerGroup = 20;

    public static AdaptiveCard Build(HelpCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var botName = Safe(Required(input.BotName, nameof(input.BotName)), 60);
        var groups = List(input.Groups, nameof(input.Groups));
        foreach (var group in groups)
        {
            Required(group.Title, "group title");
            foreach (var command in List(group.Commands, "group commands"))
            {
                ArgumentNullException.ThrowIfNull(command);
                Required(command.Name, "command name");
                Required(command.Usage, "command usage");
            }
        }

        var total = groups.Take(MaxGroups).Sum(g => Math.Min(g.Commands.Count, MaxCommandsPerGroup));
        return CardBudget.Shrink(total, limit => Render(botName, Plain(input.BotName, 60), groups, input.Footer, limit));
    }

    private static AdaptiveCard Render(string botName, string plainBotName, IReadOnlyList<HelpCommandGroup> groups, string? footer, int limit)
    {
        var body = new List<CardElement>
        {
            Title($"{botName} commands"),
            Subtle($"Mention {botName} in a channel, or write to it in a personal chat."),
        };

        var shown = 0;
        var total = groups.Sum(g => g.Commands.Count);
        if (total == 0)
        {
            body.Add(Para("No commands are available to you here."));
        }

        foreach (var group in groups.Take(MaxGroups))
        {
            var commands = group.Commands.Take(Math.Min(MaxCommandsPerGroup, limit - shown)).ToArray();
            if (commands.Length == 0)
            {
                continue;
            }

            shown += commands.Length;
            body.Add(Heading(Safe(group.Title)));
            foreach (var c in commands)
            {
                // Usage on its own line (it can be long), the description under it: reads well on mobile too.
                body.Add(new TextBlock(Safe(c.Usage, 160)) { FontType = FontType.Monospace, Weight = TextWeight.Bolder, Wrap = true, Spacing = Spacing.Small });
                if (!string.IsNullOrWhiteSpace(c.Description))
                {
                    body.Add(new TextBlock(Safe(c.Description, CardParts.Sentence)) { Wrap = true, Spacing = Spacing.None });
                }
            }
        }

        if (shown < total)
        {
            body.Add(Subtle($"{Plural(total - shown, "more command")} not shown. Ask an admin for the full list."));
        }

        if (!string.IsNullOrWhiteSpace(footer))
        {
            body.Add(Subtle(Safe(footer, CardParts.Sentence)));
        }

        return new AdaptiveCard(body)
        {
            Actions = [new ActionExecute("Refresh", CardVerbs.HelpRefresh)],
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"{plainBotName} help: {Plural(total, "command")}.",
        };
    }
}
