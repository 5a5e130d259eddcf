using System.Text;

namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>
/// A one-pass reader for the usual post straight from its UTF-8 bytes: one JSON object whose fields are the known ones
/// (each at most once), strings of valid UTF-8 with valid escapes (surrogate escapes only in pairs), counts as plain non-negative
/// integers, <c>createdAt</c> as <c>…Z</c>, every rule of <see cref="PostJsonParser"/> met. It creates only the strings a
/// post keeps. Anything else (an escape, an unknown or repeated field, a fraction, an invalid value, a syntax error) makes
/// it decline, and the caller reads the item with <see cref="System.Text.Json.Utf8JsonReader"/> as before: same result,
/// same errors and messages. So it only has to be right about what it accepts: well-formed JSON (RFC 8259: whitespace is
/// space, tab, CR, LF; no comments, no trailing commas) that <see cref="PostJsonParser"/> would parse to the same post.
/// </summary>
internal static class PostJsonFastParser
{
    private const int MaxCountDigits = 18; // below long.MaxValue

    [Flags]
    private enum Seen
    {
        None = 0,
        Id = 1,
        Source = 2,
        Text = 4,
        CreatedAt = 8,
        Url = 16,
        Language = 32,
        InReplyTo = 64,
        Author = 128,
        Metrics = 256,
        Tags = 512,
    }

    /// <summary>True with the post when <paramref name="json"/> is exactly one such object; false to let the full parser read it.</summary>
    public static bool TryParse(ReadOnlySpan<byte> json, int index, DateTimeOffset now, out PostParseResult result)
    {
        result = default;
        var i = 0;
        SkipWhitespace(json, ref i);
        if (!Take(json, ref i, (byte)'{'))
        {
            return false;
        }

        string? id = null, source = null, text = null, url = null, language = null, inReplyTo = null;
        DateTimeOffset createdAt = default;
        PostAuthor? author = null;
        PostMetrics? metrics = null;
        List<string>? tags = null;
        var seen = Seen.None;
        SkipWhitespace(json, ref i);
        if (i < json.Length && json[i] == (byte)'}')
        {
            return false; // {}: the full parser reports the missing fields
        }

        while (true)
        {
            if (!Key(json, ref i, out var key))
            {
                return false;
            }

            Seen field;
            bool ok;
            switch (key.Length)
            {
                case 2 when key.SequenceEqual("id"u8):
                    field = Seen.Id;
                    ok = String(json, ref i, out id) && id is not null;
                    break;
                case 6 when key.SequenceEqual("source"u8):
                    field = Seen.Source;
                    ok = RepeatedString(json, ref i, out source) && source is not null;
                    break;
                case 4 when key.SequenceEqual("text"u8):
                    field = Seen.Text;
                    ok = String(json, ref i, out text) && text is not null;
                    break;
                case 9 when key.SequenceEqual("createdAt"u8):
                    field = Seen.CreatedAt;
                    ok = CreatedAt(json, ref i, now, out createdAt);
                    break;
                case 3 when key.SequenceEqual("url"u8):
                    field = Seen.Url;
                    ok = String(json, ref i, out url);
                    break;
                case 8 when key.SequenceEqual("language"u8):
                    field = Seen.Language;
                    ok = RepeatedString(json, ref i, out language);
                    break;
                case 9 when key.SequenceEqual("inReplyTo"u8):
                    field = Seen.InReplyTo;
                    ok = String(json, ref i, out inReplyTo);
                    break;
                case 6 when key.SequenceEqual("author"u8):
                    field = Seen.Author;
                    ok = Author(json, ref i, out author);
                    break;
                case 7 when key.SequenceEqual("metrics"u8):
                    field = Seen.Metrics;
                    ok = Metrics(json, ref i, out metrics);
                    break;
                case 4 when key.SequenceEqual("tags"u8):
                    field = Seen.Tags;
                    ok = Tags(json, ref i, out tags);
                    break;
                default:
                    return false; // an unknown field: the full parser skips it (with full validation)
            }

            if (!ok || (seen & field) != 0)
            {
                return false;
            }

            seen |= field;
            SkipWhitespace(json, ref i);
            if (Take(json, ref i, (byte)','))
            {
                continue;
            }

            if (!Take(json, ref i, (byte)'}'))
            {
                return false;
            }

            break;
        }

        SkipWhitespace(json, ref i);
        const Seen Required = Seen.Id | Seen.Source | Seen.Text | Seen.CreatedAt;
        if (i != json.Length || (seen & Required) != Required
            || PostValidation.CheckRequired(id, "id") is not null
            || PostValidation.CheckRequired(source, "source") is not null
            || PostValidation.CheckText(text) is not null)
        {
            return false;
        }

        result = PostParseResult.Ok(index, new SocialPost(id!, source!, text!, createdAt, author, url, language, metrics, inReplyTo, tags));
        return true;
    }

    private static void SkipWhitespace(ReadOnlySpan<byte> s, ref int i)
    {
        while (i < s.Length && s[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
        {
            i++;
        }
    }

    private static bool Take(ReadOnlySpan<byte> s, ref int i, byte expected)
    {
        if (i < s.Length && s[i] == expected)
        {
            i++;
            return true;
        }

        return false;
    }

    /// <summary>A property name (no escapes) and its colon; whitespace around both skipped.</summary>
    private static bool Key(ReadOnlySpan<byte> s, ref int i, out ReadOnlySpan<byte> key)
    {
        SkipWhitespace(s, ref i);
        if (!RawString(s, ref i, out key, out _, out var escaped) || escaped)
        {
            return false;
        }

        SkipWhitespace(s, ref i);
        if (!Take(s, ref i, (byte)':'))
        {
            return false;
        }

        SkipWhitespace(s, ref i);
        return true;
    }

    /// <summary>
    /// A string token at <paramref name="i"/>: its raw content bytes (escapes not yet decoded), whether they are all
    /// ASCII and whether they hold an escape. False for a string JSON does not allow (a raw control character, invalid
    /// UTF-8, no closing quote): the caller declines.
    /// </summary>
    private static bool RawString(ReadOnlySpan<byte> s, ref int i, out ReadOnlySpan<byte> content, out bool ascii, out bool escaped)
    {
        content = default;
        ascii = true;
        escaped = false;
        if (i >= s.Length || s[i] != (byte)'"')
        {
            return false;
        }

        var start = i + 1;
        var at = start;
        while (true)
        {
            var k = at < s.Length ? s[at..].IndexOfAny((byte)'"', (byte)'\\') : -1;
            if (k < 0)
            {
                return false;
            }

            at += k;
            if (s[at] == (byte)'"')
            {
                break;
            }

            escaped = true;
            at += 2; // the backslash and the character after it (checked when decoded)
        }

        content = s[start..at];
        if (content.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) >= 0)
        {
            // Control characters are not allowed raw in a JSON string; other bytes must be valid UTF-8 (as the full
            // parser's GetString requires).
            if (content.IndexOfAnyInRange((byte)0x00, (byte)0x1F) >= 0 || !System.Text.Unicode.Utf8.IsValid(content))
            {
                return false;
            }

            ascii = false;
        }

        i = at + 1;
        return true;
    }

    /// <summary>The string of a token's content: decoded UTF-8 with JSON escapes resolved; null (decline) for an invalid
    /// escape or a lone surrogate.</summary>
    private static string? Decode(ReadOnlySpan<byte> content, bool ascii, bool escaped)
    {
        if (!escaped)
        {
            return ascii ? Encoding.ASCII.GetString(content) : Encoding.UTF8.GetString(content);
        }

        // Escapes only shorten: a raw byte gives at most one UTF-16 unit, "\n" one, "\uXXXX" one, a pair of them two.
        char[]? rented = null;
        Span<char> buffer = content.Length <= 512 ? stackalloc char[content.Length] : (rented = System.Buffers.ArrayPool<char>.Shared.Rent(content.Length));
        try
        {
            var w = 0;
            var i = 0;
            while (i < content.Length)
            {
                var k = content[i..].IndexOf((byte)'\\');
                var raw = k < 0 ? content[i..] : content.Slice(i, k);
                if (!raw.IsEmpty)
                {
                    // A backslash never splits a UTF-8 sequence, and the whole content is valid UTF-8.
                    w += Encoding.UTF8.GetChars(raw, buffer[w..]);
                }

                if (k < 0)
                {
                    break;
                }

                i += k + 1;
                char c;
                switch (content[i++])
                {
                    case (byte)'"': c = '"'; break;
                    case (byte)'\\': c = '\\'; break;
                    case (byte)'/': c = '/'; break;
                    case (byte)'b': c = '\b'; break;
                    case (byte)'f': c = '\f'; break;
                    case (byte)'n': c = '\n'; break;
                    case (byte)'r': c = '\r'; break;
                    case (byte)'t': c = '\t'; break;
                    case (byte)'u':
                        if (!Hex4(content, i, out c))
                        {
                            return null;
                        }

                        i += 4;
                        if (char.IsHighSurrogate(c))
                        {
                            // Only a pair makes a string the full parser accepts.
                            if (i + 6 > content.Length || content[i] != (byte)'\\' || content[i + 1] != (byte)'u'
                                || !Hex4(content, i + 2, out var low) || !char.IsLowSurrogate(low))
                            {
                                return null;
                            }

                            buffer[w++] = c;
                            c = low;
                            i += 6;
                        }
                        else if (char.IsLowSurrogate(c))
                        {
                            return null;
                        }

                        break;
                    default:
                        return null;
                }

                buffer[w++] = c;
            }

            return new string(buffer[..w]);
        }
        finally
        {
            if (rented is not null)
            {
                System.Buffers.ArrayPool<char>.Shared.Return(rented);
            }
        }
    }

    private static bool Hex4(ReadOnlySpan<byte> s, int at, out char value)
    {
        value = '\0';
        if (at + 4 > s.Length)
        {
            return false;
        }

        var v = 0;
        for (var k = at; k < at + 4; k++)
        {
            var d = HexDigit(s[k]);
            if (d < 0)
            {
                return false;
            }

            v = (v << 4) | d;
        }

        value = (char)v;
        return true;
    }

    private static int HexDigit(byte b) => b switch
    {
        >= (byte)'0' and <= (byte)'9' => b - '0',
        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
        _ => -1,
    };

    /// <summary>A string (a new string of its content) or null; false for any other value.</summary>
    private static bool String(ReadOnlySpan<byte> s, ref int i, out string? value)
    {
        value = null;
        if (Literal(s, ref i, "null"u8))
        {
            return true;
        }

        if (!RawString(s, ref i, out var content, out var ascii, out var escaped))
        {
            return false;
        }

        value = Decode(content, ascii, escaped);
        return value is not null;
    }

    /// <summary><see cref="String"/> for source and language: a short ASCII value reuses the per-thread string.</summary>
    private static bool RepeatedString(ReadOnlySpan<byte> s, ref int i, out string? value)
    {
        value = null;
        if (Literal(s, ref i, "null"u8))
        {
            return true;
        }

        var start = i;
        if (!RawString(s, ref i, out var content, out var ascii, out var escaped))
        {
            return false;
        }

        if (ascii && !escaped && content.Length <= 32)
        {
            value = PostJsonParser.RepeatedAscii(content);
            return value is not null;
        }

        i = start;
        return String(s, ref i, out value);
    }

    private static bool CreatedAt(ReadOnlySpan<byte> s, ref int i, DateTimeOffset now, out DateTimeOffset value)
    {
        value = default;
        return RawString(s, ref i, out var content, out var ascii, out var escaped) && ascii && !escaped
            && PostValidation.TryParseUtcFast(content, out value) && value <= now + PostValidation.MaxFutureSkew;
    }

    private static bool Literal(ReadOnlySpan<byte> s, ref int i, ReadOnlySpan<byte> literal)
    {
        if (s[i..].StartsWith(literal) && (i + literal.Length == s.Length || IsDelimiter(s[i + literal.Length])))
        {
            i += literal.Length;
            return true;
        }

        return false;
    }

    private static bool IsDelimiter(byte b) => b is (byte)',' or (byte)'}' or (byte)']' or (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n';

    /// <summary>A non-negative integer in plain JSON form (no sign, fraction, exponent or leading zero), or null.</summary>
    private static bool Count(ReadOnlySpan<byte> s, ref int i, out long? value)
    {
        value = null;
        if (Literal(s, ref i, "null"u8))
        {
            return true;
        }

        var start = i;
        long n = 0;
        while (i < s.Length && (uint)(s[i] - '0') <= 9)
        {
            n = (n * 10) + (s[i] - '0');
            i++;
        }

        var digits = i - start;
        if (digits == 0 || digits > MaxCountDigits || (digits > 1 && s[start] == (byte)'0') || (i < s.Length && !IsDelimiter(s[i])))
        {
            return false;
        }

        value = n;
        return true;
    }

    private static bool Author(ReadOnlySpan<byte> s, ref int i, out PostAuthor? author)
    {
        author = null;
        if (Literal(s, ref i, "null"u8))
        {
            return true;
        }

        string? handle = null, name = null;
        long? followers = null;
        bool? verified = null;
        var seen = 0;
        if (!Take(s, ref i, (byte)'{'))
        {
            return false;
        }

        SkipWhitespace(s, ref i);
        if (!Take(s, ref i, (byte)'}'))
        {
            while (true)
            {
                if (!Key(s, ref i, out var key))
                {
                    return false;
                }

                int bit;
                bool ok;
                if (key.SequenceEqual("handle"u8))
                {
                    bit = 1;
                    ok = String(s, ref i, out handle);
                }
                else if (key.SequenceEqual("name"u8))
                {
                    bit = 2;
                    ok = String(s, ref i, out name);
                }
                else if (key.SequenceEqual("followers"u8))
                {
                    bit = 4;
                    ok = Count(s, ref i, out followers);
                }
                else if (key.SequenceEqual("verified"u8))
                {
                    bit = 8;
                    ok = true;
                    if (Literal(s, ref i, "true"u8))
                    {
                        verified = true;
                    }
                    else if (Literal(s, ref i, "false"u8))
                    {
                        verified = false;
                    }
                    else
                    {
                        ok = Literal(s, ref i, "null"u8);
                    }
                }
                else
                {
                    return false;
                }

                if (!ok || (seen & bit) != 0)
                {
                    return false;
                }

                seen |= bit;
                if (!EndOfMember(s, ref i, out var closed))
                {
                    return false;
                }

                if (closed)
                {
                    break;
                }
            }
        }

        author = new PostAuthor(handle, name, followers, verified);
        return true;
    }

    private static bool Metrics(ReadOnlySpan<byte> s, ref int i, out PostMetrics? metrics)
    {
        metrics = null;
        if (Literal(s, ref i, "null"u8))
        {
            return true;
        }

        long? likes = null, shares = null, replies = null, impressions = null;
        var seen = 0;
        if (!Take(s, ref i, (byte)'{'))
        {
            return false;
        }

        SkipWhitespace(s, ref i);
        if (!Take(s, ref i, (byte)'}'))
        {
            while (true)
            {
                if (!Key(s, ref i, out var key))
                {
                    return false;
                }

                int bit;
                bool ok;
                if (key.SequenceEqual("likes"u8))
                {
                    bit = 1;
                    ok = Count(s, ref i, out likes);
                }
                else if (key.SequenceEqual("shares"u8))
                {
                    bit = 2;
                    ok = Count(s, ref i, out shares);
                }
                else if (key.SequenceEqual("replies"u8))
                {
                    bit = 4;
                    ok = Count(s, ref i, out replies);
                }
                else if (key.SequenceEqual("impressions"u8))
                {
                    bit = 8;
                    ok = Count(s, ref i, out impressions);
                }
                else
                {
                    return false;
                }

                if (!ok || (seen & bit) != 0)
                {
                    return false;
                }

                seen |= bit;
                if (!EndOfMember(s, ref i, out var closed))
                {
                    return false;
                }

                if (closed)
                {
                    break;
                }
            }
        }

        metrics = new PostMetrics(likes, shares, replies, impressions);
        return true;
    }

    private static bool Tags(ReadOnlySpan<byte> s, ref int i, out List<string>? tags)
    {
        tags = null;
        if (Literal(s, ref i, "null"u8))
        {
            return true;
        }

        if (!Take(s, ref i, (byte)'['))
        {
            return false;
        }

        var list = new List<string>();
        SkipWhitespace(s, ref i);
        if (!Take(s, ref i, (byte)']'))
        {
            while (true)
            {
                SkipWhitespace(s, ref i);
                if (!RawString(s, ref i, out var content, out var ascii, out var escaped) || Decode(content, ascii, escaped) is not { } tag)
                {
                    return false;
                }

                list.Add(tag);
                SkipWhitespace(s, ref i);
                if (Take(s, ref i, (byte)']'))
                {
                    break;
                }

                if (!Take(s, ref i, (byte)','))
                {
                    return false;
                }
            }
        }

        tags = list;
        return true;
    }

    /// <summary>After a member of a nested object: ',' (more follow) or '}' (closed).</summary>
    private static bool EndOfMember(ReadOnlySpan<byte> s, ref int i, out bool closed)
    {
        SkipWhitespace(s, ref i);
        closed = Take(s, ref i, (byte)'}');
        return closed || Take(s, ref i, (byte)',');
    }
}
