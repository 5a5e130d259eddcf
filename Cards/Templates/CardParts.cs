using System.Globalization;
using CrisisBot.Cards.Model;
using CrisisBot.Cards.Text;

namespace CrisisBot.Cards.Templates;

/// <summary>Small building blocks shared by the templates, so every card looks and formats alike.</summary>
internal static class CardParts
{
    /// <summary>Default cap for one-line labels (names, titles, products).</summary>
    public const int Label = 120;

    /// <summary>Cap for a sentence-sized text (reasons, descriptions).</summary>
    public const int Sentence = 400;

    /// <summary>Cap for a full answer text.</summary>
    public const int Answer = 2000;

    /// <summary>Customer-reply short variant limit (one social post).</summary>
    public const int ShortReply = 280;

    public static string Safe(string? text, int max = Label) => SafeText.Clean(text, max);

    public static string SafeParagraphs(string? text, int max = Answer) =>
        SafeText.Clean(text, max, new SafeTextOptions { KeepLineBreaks = true });

    /// <summary>Plain safe text on one line, for fallback/notification text (not markdown).</summary>
    public static string Plain(string? text, int max = Label) => SafeText.Clean(text, max, new SafeTextOptions { PlainText = true });

    /// <summary>Plain safe text for a TextRun (no markdown escapes).</summary>
    public static string SafePlain(string? text, int max = Answer) =>
        SafeText.Clean(text, max, new SafeTextOptions { KeepLineBreaks = true, PlainText = true });

    /// <summary>A cap scaled by the budget level (100 = full), never below 24 characters.</summary>
    public static int Scaled(int cap, int scale) => Math.Max(24, (int)((long)cap * scale / 100));

    /// <summary>A list length scaled by the budget level (100 = full), never below <paramref name="min"/>.</summary>
    public static int ScaledCount(int max, int scale, int min = 1) => Math.Max(min, max * scale / 100);

    /// <summary>Mentions for people with a user id; returns the text ("&lt;at&gt;A&lt;/at&gt;, B") and the entities.</summary>
    public static (string Text, IReadOnlyList<CardMention> Mentions) Mention(IReadOnlyList<Person> people, int max = 10)
    {
        var mentions = new List<CardMention>();
        var parts = new List<string>();
        foreach (var person in people.Take(max))
        {
            if (!string.IsNullOrWhiteSpace(person.UserId) && !string.IsNullOrWhiteSpace(person.Name)
                && !mentions.Any(m => m.Mentioned.Id == person.UserId))
            {
                var mention = new CardMention(person.UserId, Safe(person.Name, 60));
                mentions.Add(mention);
                parts.Add(mention.Text);
            }
            else
            {
                parts.Add(Safe(person.Name, 60));
            }
        }

        if (people.Count > max)
        {
            parts.Add($"{Plural(people.Count - max, "other")}");
        }

        return (parts.Count == 0 ? "nobody yet" : string.Join(", ", parts), mentions);
    }

    /// <summary>"Ana, Ben and 3 others".</summary>
    public static string Names(IReadOnlyList<string> names, int max = 3)
    {
        var shown = names.Take(max).Select(n => Safe(n, 60)).ToList();
        if (shown.Count == 0)
        {
            return "nobody";
        }

        if (names.Count > max)
        {
            return string.Join(", ", shown) + " and " + Plural(names.Count - max, "other");
        }

        return shown.Count == 1 ? shown[0] : string.Join(", ", shown.Take(shown.Count - 1)) + " and " + shown[^1];
    }

    public static string Required(string? value, string name)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            throw new ArgumentException($"{name} is required.", name);
        }

        return value;
    }

    public static IReadOnlyList<T> List<T>(IReadOnlyList<T>? items, string name)
    {
        ArgumentNullException.ThrowIfNull(items, name);
        if (items.Any(i => i is null))
        {
            throw new ArgumentException($"{name} contains a null item.", name);
        }

        return items;
    }

    public static int NonNegative(int value, string name)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value, name);
        return value;
    }

    public static TextBlock Title(string safeText) =>
        new(safeText) { Size = TextSize.Large, Weight = TextWeight.Bolder, Wrap = true, Style = TextBlockStyle.Heading };

    public static TextBlock Heading(string safeText) =>
        new(safeText) { Weight = TextWeight.Bolder, Wrap = true, Spacing = Spacing.Medium };

    public static TextBlock Para(string safeText) => new(safeText) { Wrap = true };

    public static TextBlock Subtle(string safeText) => new(safeText) { IsSubtle = true, Wrap = true, Size = TextSize.Small, Spacing = Spacing.Small };

    public static TextBlock Colored(string safeText, TextColor color, bool bold = true) =>
        new(safeText) { Color = color, Weight = bold ? TextWeight.Bolder : null, Wrap = true };

    public static FactSet Facts(params (string Title, string Value)[] facts) =>
        new(facts.Select(f => new Fact(f.Title, f.Value)).ToArray());

    public static ActionExecute Execute<T>(string title, string verb, T data)
        where T : class =>
        new(title, verb) { Data = CardJson.Data(data) };

    public static ActionSet Buttons(params CardAction[] actions) => new(actions);

    public static Container Box(ContainerStyle style, params CardElement[] items) => new(items) { Style = style };

    /// <summary>A header: title on the left, a coloured state label on the right.</summary>
    public static ColumnSet TitleWithState(string safeTitle, string safeState, TextColor stateColor) =>
        new([
            new Column([Title(safeTitle)]) { Width = "stretch" },
            new Column([new TextBlock(safeState) { Color = stateColor, Weight = TextWeight.Bolder, HorizontalAlignment = HorizontalAlignment.Right, Wrap = true }])
            {
                Width = "auto",
                VerticalContentAlignment = VerticalAlignment.Center,
            },
        ]);

    /// <summary>Time shown in the offset it carries: <c>2026-11-22 14:05 UTC</c> or <c>2026-11-22 15:05 UTC+01:00</c>.</summary>
    public static string Time(DateTimeOffset time)
    {
        var zone = time.Offset == TimeSpan.Zero
            ? "UTC"
            : "UTC" + (time.Offset < TimeSpan.Zero ? "-" : "+") + time.Offset.Duration().ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return time.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " " + zone;
    }

    /// <summary>Short time of day, for chart axes: <c>14:05</c>.</summary>
    public static string ClockTime(DateTimeOffset time) => time.ToString("HH:mm", CultureInfo.InvariantCulture);

    /// <summary><c>in 25 min</c>, <c>3 h 10 min ago</c>, relative to <paramref name="now"/>.</summary>
    public static string Relative(DateTimeOffset time, DateTimeOffset now)
    {
        var delta = time - now;
        var text = Duration(delta.Duration());
        return delta >= TimeSpan.Zero ? "in " + text : text + " ago";
    }

    /// <summary><c>45 min</c>, <c>3 h 10 min</c>, <c>2 d 4 h</c>.</summary>
    public static string Duration(TimeSpan span)
    {
        span = span.Duration();
        if (span.TotalMinutes < 1)
        {
            return "< 1 min";
        }

        if (span.TotalHours < 1)
        {
            return Num((int)span.TotalMinutes) + " min";
        }

        if (span.TotalDays < 1)
        {
            return span.Minutes == 0 ? Num(span.Hours) + " h" : Num(span.Hours) + " h " + Num(span.Minutes) + " min";
        }

        return span.Hours == 0 ? Num((int)span.TotalDays) + " d" : Num((int)span.TotalDays) + " d " + Num(span.Hours) + " h";
    }

    public static string Num(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Num(double value, string format = "0.#") => value.ToString(format, CultureInfo.InvariantCulture);

    public static string Percent(double ratio) => (ratio * 100).ToString("0", CultureInfo.InvariantCulture) + "%";

    public static string Plural(long count, string singular, string? plural = null) =>
        Num(count) + " " + (count == 1 ? singular : plural ?? singular + "s");

    public static CardRefresh Refresh(ActionExecute action, IReadOnlyList<string>? userIds) => CardRefresh.For(action, userIds);
}
