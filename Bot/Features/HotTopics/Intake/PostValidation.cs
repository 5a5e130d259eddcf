using System.Globalization;
using System.Text;

namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>
/// The rules shared by the JSON and CSV readers: required fields, text length, ISO-8601 <c>createdAt</c> with an
/// explicit offset, and the one-day future limit measured against the injected clock.
/// </summary>
internal static class PostValidation
{
    public const int MaxTextLength = 10_000;
    public static readonly TimeSpan MaxFutureSkew = TimeSpan.FromDays(1);

    private static readonly string[] DateFormats =
    [
        "yyyy-MM-dd'T'HH:mm:ssK",
        "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK",
        "yyyy-MM-dd'T'HH:mmK",
        "yyyy-MM-dd' 'HH:mm:ssK",
        "yyyy-MM-dd' 'HH:mm:ss.FFFFFFFK",
    ];

    /// <summary>Returns null when the text is valid, else the error message.</summary>
    public static string? CheckText(string? text)
    {
        if (text is null)
        {
            return "missing required field 'text'";
        }

        if (text.Length == 0 || string.IsNullOrWhiteSpace(text))
        {
            return "'text' must contain 1 to 10,000 characters (got an empty or blank text)";
        }

        if (text.Length > MaxTextLength)
        {
            // Length counts UTF-16 units; count real characters only when it could matter.
            var runes = 0;
            foreach (var _ in text.EnumerateRunes())
            {
                runes++;
            }

            if (runes > MaxTextLength)
            {
                return $"'text' must contain 1 to 10,000 characters (got {runes.ToString("N0", CultureInfo.InvariantCulture)})";
            }
        }

        return null;
    }

    public static string? CheckRequired(string? value, string field) =>
        value is null ? $"missing required field '{field}'"
        : string.IsNullOrWhiteSpace(value) ? $"'{field}' must not be empty"
        : value.Length > 256 ? $"'{field}' must be at most 256 characters"
        : null;

    /// <summary>Parses an ISO-8601 date-time that carries an offset (or Z) and checks the future limit.</summary>
    public static string? ParseCreatedAt(string? raw, DateTimeOffset now, out DateTimeOffset value)
    {
        value = default;
        if (raw is null)
        {
            return "missing required field 'createdAt'";
        }

        if (!DateTimeOffset.TryParseExact(raw, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed)
            || !HasExplicitOffset(raw))
        {
            return $"'createdAt' must be an ISO-8601 date-time with an offset, like 2026-03-24T09:15:00Z (got '{Truncate(raw)}')";
        }

        value = parsed.ToUniversalTime();
        if (value > now + MaxFutureSkew)
        {
            value = default;
            return $"'createdAt' {raw} is more than one day in the future (now is {now.ToUniversalTime():O})";
        }

        return null;
    }

    private static bool HasExplicitOffset(string raw)
    {
        var s = raw.AsSpan().Trim();
        if (s.Length == 0)
        {
            return false;
        }

        if (s[^1] is 'Z' or 'z')
        {
            return true;
        }

        // An offset is +hh:mm / -hh:mm / +hhmm after the time part; the date's own '-' are before index 10.
        var timeStart = s.IndexOfAny('T', ' ');
        return timeStart > 0 && s[timeStart..].IndexOfAny('+', '-') > 0;
    }

    public static string Truncate(string s) => s.Length <= 40 ? s : string.Concat(s.AsSpan(0, 40), "…");

    public static string Describe(ReadOnlySpan<byte> utf8) =>
        Truncate(Encoding.UTF8.GetString(utf8.Length > 64 ? utf8[..64] : utf8));
}
