using System.Net;
using System.Text.RegularExpressions;
using CrisisBot.Protocol.Activities;

namespace CrisisBot.Protocol.Routing;

/// <summary>
/// Turns message text into a <see cref="Command"/>: removes the bot's <c>&lt;at&gt;…&lt;/at&gt;</c> mentions, decodes HTML
/// entities, normalises whitespace, then splits the first word (lower-cased) from the rest.
/// </summary>
internal static partial class TextCommandParser
{
    /// <summary>True when an entity mentions the recipient (the bot) or the text contains <c>&lt;at&gt;BotName&lt;/at&gt;</c>.</summary>
    public static bool MentionsBot(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        return BotMentionTexts(activity).Any(m => activity.Text?.Contains(m, StringComparison.OrdinalIgnoreCase) == true) ||
               (activity.Entities ?? []).Any(e => IsBotMention(e, activity));
    }

    public static Command Parse(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var text = activity.Text ?? string.Empty;
        foreach (var mention in BotMentionTexts(activity))
        {
            text = text.Replace(mention, " ", StringComparison.OrdinalIgnoreCase);
        }

        text = WebUtility.HtmlDecode(text);
        text = Whitespace().Replace(text, " ").Trim();
        if (text.Length == 0)
        {
            return new Command(string.Empty, string.Empty);
        }

        var space = text.IndexOf(' ', StringComparison.Ordinal);
        return space < 0
            ? new Command(text.ToLowerInvariant(), string.Empty)
            : new Command(text[..space].ToLowerInvariant(), text[(space + 1)..].Trim());
    }

    /// <summary>The literal mention strings to remove: each bot mention entity's text, and <c>&lt;at&gt;{recipient.name}&lt;/at&gt;</c>.</summary>
    private static List<string> BotMentionTexts(Activity activity)
    {
        var result = (activity.Entities ?? [])
            .Where(e => IsBotMention(e, activity) && !string.IsNullOrEmpty(e.Text))
            .Select(e => e.Text!)
            .ToList();
        if (!string.IsNullOrWhiteSpace(activity.Recipient?.Name))
        {
            result.Add($"<at>{activity.Recipient.Name}</at>");
            result.Add($"<at>{WebUtility.HtmlEncode(activity.Recipient.Name)}</at>");
        }

        // Longest first so "<at>Crisis Bot Beta</at>" is removed before a shorter overlapping mention.
        return result.Distinct(StringComparer.OrdinalIgnoreCase).OrderByDescending(m => m.Length).ToList();
    }

    private static bool IsBotMention(Entity entity, Activity activity) =>
        string.Equals(entity.Type, "mention", StringComparison.OrdinalIgnoreCase) &&
        entity.Mentioned?.Id is { Length: > 0 } id &&
        string.Equals(id, activity.Recipient?.Id, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
