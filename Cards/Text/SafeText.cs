using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace CrisisBot.Cards.Text;

/// <summary>How <see cref="SafeText.Clean"/> treats line breaks and links.</summary>
public sealed record SafeTextOptions
{
    public static readonly SafeTextOptions Default = new();

    /// <summary>Keep paragraph breaks (expert answers); otherwise every line break becomes a space (posts, names).</summary>
    public bool KeepLineBreaks { get; init; }

    /// <summary>
    /// For a RichTextBlock TextRun, which is never read as markdown: no backslash escapes are added (links are still
    /// defanged and tags neutralised, and allow-listed links are shown as plain URLs).
    /// </summary>
    public bool PlainText { get; init; }

    /// <summary>Hosts whose https links stay clickable (a host matches itself and its subdomains). Empty: no link is clickable.</summary>
    public IReadOnlyCollection<string> AllowedLinkHosts { get; init; } = [];
}

/// <summary>
/// The single gate for untrusted text (social posts, author names, expert answers) on its way into a card.
/// </summary>
public static partial class SafeText
{
    /// <summary>Upper bound for one grapheme cluster in UTF-16 units; longer clusters (stacked marks) are cut.</summary>
    internal const int MaxClusterLength = 24;

    private const char Ellipsis = '\u2026';

    /// <summary>
    /// Makes untrusted text safe to put in a TextBlock or Fact:
    /// invalid surrogates become U+FFFD; control and invisible format characters (zero-width, bidi overrides) are
    /// removed, keeping the zero-width joiner inside emoji; whitespace is collapsed and the text NFC-normalised;
    /// the text is cut to <paramref name="maxLength"/> UTF-16 units on a grapheme boundary with an ellipsis;
    /// Adaptive Card markdown (emphasis, links, lists, headings) is escaped; <c>&lt;at&gt;</c> and other HTML-like
    /// tags are neutralised; and links are defanged (<c>hxxps://host[.]example/…</c>) unless their host is
    /// allow-listed, in which case they become a plain markdown link to the same URL.
    /// </summary>
    /// <param name="untrusted">The text; null gives an empty string.</param>
    /// <param name="maxLength">Maximum length of the visible text before escaping, at least 2.</param>
    /// <param name="options">Line breaks and link allow-list; <see cref="SafeTextOptions.Default"/> if null.</param>
    public static string Clean(string? untrusted, int maxLength, SafeTextOptions? options = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxLength, 2);
        options ??= SafeTextOptions.Default;
        if (string.IsNullOrEmpty(untrusted))
        {
            return string.Empty;
        }

        var plain = Truncate(NormaliseWhitespace(StripInvisible(untrusted), options.KeepLineBreaks), maxLength);
        return Markup(plain, options);
    }

    /// <summary>Decodes runes (invalid surrogates become U+FFFD) and removes control/format characters.</summary>
    private static string StripInvisible(string text)
    {
        var sb = new StringBuilder(Math.Min(text.Length, 64 * 1024));
        var span = text.AsSpan();
        var previousWasEmoji = false;
        while (!span.IsEmpty)
        {
            Rune.DecodeFromUtf16(span, out var rune, out var consumed);
            span = span[consumed..];
            var category = Rune.GetUnicodeCategory(rune);
            switch (category)
            {
                case UnicodeCategory.Control:
                    if (rune.Value is '\n' or '\r' or '\u0085')
                    {
                        sb.Append('\n');
                    }
                    else if (rune.Value is '\t' or '\v' or '\f')
                    {
                        sb.Append(' ');
                    }

                    previousWasEmoji = false;
                    continue;
                case UnicodeCategory.LineSeparator:
                case UnicodeCategory.ParagraphSeparator:
                    sb.Append('\n');
                    previousWasEmoji = false;
                    continue;
                case UnicodeCategory.Format:
                    // Zero-width joiner only inside an emoji sequence (👩‍💻); every other format char is invisible
                    // and can hide or reorder text (U+200B, U+202E RIGHT-TO-LEFT OVERRIDE, U+2066…, U+FEFF).
                    if (rune.Value == 0x200D && previousWasEmoji && StartsWithEmoji(span))
                    {
                        sb.Append('\u200D');
                    }

                    continue;
                case UnicodeCategory.OtherNotAssigned:
                case UnicodeCategory.PrivateUse:
                case UnicodeCategory.Surrogate:
                    continue;
                case UnicodeCategory.SpaceSeparator:
                    sb.Append(' ');
                    previousWasEmoji = false;
                    continue;
                default:
                    sb.Append(rune.ToString());
                    previousWasEmoji = category is UnicodeCategory.OtherSymbol or UnicodeCategory.ModifierSymbol
                        || (previousWasEmoji && category is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark);
                    continue;
            }
        }

        return sb.ToString().Normalize(NormalizationForm.FormC);
    }

    private static bool StartsWithEmoji(ReadOnlySpan<char> span) =>
        Rune.DecodeFromUtf16(span, out var next, out _) == System.Buffers.OperationStatus.Done
        && Rune.GetUnicodeCategory(next) is UnicodeCategory.OtherSymbol or UnicodeCategory.ModifierSymbol;

    private static string NormaliseWhitespace(string text, bool keepLineBreaks)
    {
        var sb = new StringBuilder(text.Length);
        var pendingSpace = false;
        var pendingBreak = false;
        foreach (var c in text)
        {
            if (c == '\n')
            {
                if (keepLineBreaks)
                {
                    pendingBreak = true;
                }
                else
                {
                    pendingSpace = true;
                }
            }
            else if (char.IsWhiteSpace(c))
            {
                pendingSpace = true;
            }
            else
            {
                if (sb.Length > 0 && pendingBreak)
                {
                    sb.Append('\n');
                }
                else if (sb.Length > 0 && pendingSpace)
                {
                    sb.Append(' ');
                }

                pendingSpace = pendingBreak = false;
                sb.Append(c);
            }
        }

        return sb.ToString();
    }

    /// <summary>Cuts at a grapheme boundary so the result, ellipsis included, fits in <paramref name="maxLength"/> units.</summary>
    private static string Truncate(string text, int maxLength)
    {
        var clusters = new List<(int Start, int Length)>();
        var total = 0;
        for (var index = 0; index < text.Length;)
        {
            var length = StringInfo.GetNextTextElementLength(text, index);
            var kept = Math.Min(length, MaxClusterLength);
            clusters.Add((index, kept));
            total += kept;
            index += length;
        }

        var sb = new StringBuilder(Math.Min(total, maxLength));
        var budget = total <= maxLength ? maxLength : maxLength - 1;
        foreach (var (start, length) in clusters)
        {
            if (sb.Length + length > budget)
            {
                return sb.ToString().TrimEnd() + Ellipsis;
            }

            sb.Append(text, start, length);
        }

        return sb.ToString();
    }

    [GeneratedRegex(@"(?i)\b(?:https?://|www\.)[^\s<>""'`]+")]
    private static partial Regex UrlPattern();

    private static string Markup(string text, SafeTextOptions options)
    {
        var sb = new StringBuilder(text.Length + 16);
        var last = 0;
        foreach (Match match in UrlPattern().Matches(text))
        {
            var url = TrimUrl(match.Value);
            if (url.Length == 0)
            {
                continue;
            }

            EscapeText(sb, text, last, match.Index, options.PlainText);
            Link(sb, url, options);
            last = match.Index + url.Length;
        }

        EscapeText(sb, text, last, text.Length, options.PlainText);
        return sb.ToString();
    }

    /// <summary>Drops trailing punctuation that belongs to the sentence, and a ')' that closes a markdown link.</summary>
    private static string TrimUrl(string url)
    {
        while (url.Length > 0)
        {
            var last = url[^1];
            if (last is '.' or ',' or ';' or ':' or '!' or '?' or ']' or '}' or '*' or '_' or '~' or '\''
                || (last == ')' && url.Count(c => c == ')') > url.Count(c => c == '(')))
            {
                url = url[..^1];
                continue;
            }

            break;
        }

        return url;
    }

    private static void Link(StringBuilder sb, string url, SafeTextOptions options)
    {
        var allowedHosts = options.AllowedLinkHosts;
        var plain = options.PlainText;
        var absolute = url.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? "https://" + url : url;
        if (Uri.TryCreate(absolute, UriKind.Absolute, out var uri)
            && uri.Scheme == Uri.UriSchemeHttps
            && string.IsNullOrEmpty(uri.UserInfo)
            && allowedHosts.Any(h => HostMatches(uri.IdnHost, h)))
        {
            if (plain)
            {
                sb.Append(uri.AbsoluteUri);
                return;
            }

            var shown = uri.Host + uri.PathAndQuery.TrimEnd('/');
            var display = new StringBuilder();
            EscapeText(display, shown, 0, shown.Length, plain: false);
            var target = uri.AbsoluteUri.Replace("(", "%28", StringComparison.Ordinal).Replace(")", "%29", StringComparison.Ordinal);
            sb.Append('[').Append(display).Append("](").Append(target).Append(')');
            return;
        }

        // Not allow-listed: readable but neither clickable nor auto-linked.
        var schemeEnd = url.IndexOf("://", StringComparison.Ordinal);
        string rest;
        if (schemeEnd > 0)
        {
            sb.Append(url[..schemeEnd].Replace("t", "x", StringComparison.OrdinalIgnoreCase)).Append("://");
            rest = url[(schemeEnd + 3)..];
        }
        else
        {
            rest = url;
        }

        var hostEnd = rest.IndexOfAny(['/', '?', '#']);
        var host = hostEnd < 0 ? rest : rest[..hostEnd];
        var path = hostEnd < 0 ? string.Empty : rest[hostEnd..];
        var labels = host.Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            if (i > 0)
            {
                sb.Append(plain ? "[.]" : @"\[.\]");
            }

            EscapeText(sb, labels[i], 0, labels[i].Length, plain, lineStartAware: false);
        }

        EscapeText(sb, path, 0, path.Length, plain, lineStartAware: false);
    }

    private static bool HostMatches(string host, string allowed)
    {
        allowed = allowed.Trim().TrimEnd('.');
        return allowed.Length > 0
            && (host.Equals(allowed, StringComparison.OrdinalIgnoreCase)
                || host.EndsWith("." + allowed, StringComparison.OrdinalIgnoreCase));
    }

    private static void EscapeText(StringBuilder sb, string text, int start, int end, bool plain, bool lineStartAware = true)
    {
        var inTag = false;
        for (var i = start; i < end; i++)
        {
            var c = text[i];
            var atLineStart = lineStartAware && (i == 0 || text[i - 1] == '\n');
            if (plain && c is not ('<' or '>'))
            {
                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '>' when inTag:
                    sb.Append('\u203A');
                    inTag = false;
                    break;
                case '>' when plain:
                    sb.Append(c);
                    break;
                case '\\' or '*' or '_' or '~' or '`' or '[' or ']' or '(' or ')' or '|' or '>' or '{' or '}':
                    sb.Append('\\').Append(c);
                    break;
                case '#' or '-' or '+' or '=' when atLineStart:
                    sb.Append('\\').Append(c);
                    break;
                case '<' when i + 1 < end && (char.IsAsciiLetter(text[i + 1]) || text[i + 1] is '/' or '!' or '?'):
                    // <at>CEO</at>, <script>, <!-- -->: a look-alike angle bracket can't open a tag or a mention.
                    sb.Append('\u2039');
                    inTag = true;
                    break;
                case '&' when i + 1 < end && (char.IsAsciiLetter(text[i + 1]) || text[i + 1] == '#'):
                    sb.Append(@"\&");
                    break;
                case '.' when IsOrderedListMarker(text, i):
                    sb.Append('\\').Append(c);
                    break;
                default:
                    sb.Append(c);
                    break;
            }
        }
    }

    /// <summary>True for the dot in "12. " at the start of a line (an ordered-list marker).</summary>
    private static bool IsOrderedListMarker(string text, int dot)
    {
        if (dot + 1 < text.Length && text[dot + 1] != ' ')
        {
            return false;
        }

        var i = dot - 1;
        while (i >= 0 && char.IsAsciiDigit(text[i]))
        {
            i--;
        }

        return i < dot - 1 && (i < 0 || text[i] == '\n');
    }
}
