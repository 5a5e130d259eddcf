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

        if (!TryParseUtcFast(raw, out var parsed)
            && (!DateTimeOffset.TryParseExact(raw, DateFormats, CultureInfo.InvariantCulture, DateTimeStyles.None, out parsed)
                || !HasExplicitOffset(raw)))
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

    /// <summary>
    /// The common shape <c>yyyy-MM-ddTHH:mm:ss[.f…]Z</c> (at most 7 fraction digits) parsed directly; anything else,
    /// including out-of-range fields, is left to the general parser (same result, without its culture-aware format
    /// matching, which was a tenth of an import's parsing time).
    /// </summary>
    internal static bool TryParseUtcFast(ReadOnlySpan<char> s, out DateTimeOffset value)
    {
        value = default;
        if (s.Length < 20 || s.Length > 28 || s[4] != '-' || s[7] != '-' || s[10] != 'T' || s[13] != ':' || s[16] != ':'
            || s[^1] != 'Z')
        {
            return false;
        }

        if (!Digits(s, 0, 4, out var year) || !Digits(s, 5, 2, out var month) || !Digits(s, 8, 2, out var day)
            || !Digits(s, 11, 2, out var hour) || !Digits(s, 14, 2, out var minute) || !Digits(s, 17, 2, out var second))
        {
            return false;
        }

        long ticks = 0;
        if (s.Length > 20)
        {
            // ".f…" between the seconds and the 'Z': 1 to 7 digits.
            var fraction = s[19..^1];
            if (fraction.Length < 2 || fraction[0] != '.' || !Digits(fraction, 1, fraction.Length - 1, out var f))
            {
                return false;
            }

            ticks = f;
            for (var i = fraction.Length - 1; i < 7; i++)
            {
                ticks *= 10;
            }
        }

        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23
            || minute > 59 || second > 59)
        {
            return false;
        }

        value = new DateTimeOffset(new DateTime(year, month, day, hour, minute, second, DateTimeKind.Unspecified).AddTicks(ticks), TimeSpan.Zero);
        return true;
    }

    /// <summary>
    /// <see cref="TryParseUtcFast(ReadOnlySpan{char}, out DateTimeOffset)"/> on the UTF-8 bytes of an unescaped JSON
    /// string (the parser's path without a string): the same result for the same characters.
    /// </summary>
    internal static bool TryParseUtcFast(ReadOnlySpan<byte> utf8, out DateTimeOffset value)
    {
        value = default;
        if (utf8.Length is < 20 or > 28)
        {
            return false;
        }

        Span<char> chars = stackalloc char[28];
        for (var i = 0; i < utf8.Length; i++)
        {
            if (utf8[i] >= 0x80)
            {
                return false;
            }

            chars[i] = (char)utf8[i];
        }

        return TryParseUtcFast(chars[..utf8.Length], out value);
    }

    private static bool Digits(ReadOnlySpan<char> s, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var d = s[i] - '0';
            if ((uint)d > 9)
            {
                return false;
            }

            value = (value * 10) + d;
        }

        return true;
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
