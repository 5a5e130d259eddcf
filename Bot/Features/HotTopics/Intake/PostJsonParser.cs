using System.Globalization;
using System.Text;
using System.Text.Json;

namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>Turns the bytes of one complete JSON value into a validated <see cref="SocialPost"/> or a per-item error.</summary>
internal static class PostJsonParser
{
    public static PostParseResult Parse(ReadOnlySpan<byte> json, int index, DateTimeOffset now)
    {
        var reader = new Utf8JsonReader(json);
        try
        {
            return ParseCore(ref reader, index, now);
        }
        catch (JsonException ex)
        {
            // The framer already checked the syntax; this only fires on invalid UTF-8 inside strings.
            return Invalid(index, $"invalid JSON string: {ex.Message.Split(" LineNumber:", 2)[0]}");
        }
        catch (InvalidOperationException ex)
        {
            return Invalid(index, ex.Message);
        }
    }

    /// <summary>
    /// <see cref="Parse"/> for the object that starts at <paramref name="buffer"/>[0] and ends somewhere inside it
    /// (<c>JsonPostReader</c>'s fast path): the reader finds the object's end itself while it parses, so no framing scan
    /// runs over the bytes first. True with the result and the object's <paramref name="length"/> when the buffer holds
    /// one complete, well-formed object at its start and reading it raised nothing; false otherwise (incomplete, malformed,
    /// or not an object: the caller then frames it with the validating reader, which gives the same result or the syntax
    /// error with its position). The reader validates every token it reads and the parser reads them all up to the
    /// object's closing brace, so a true here means the validating path would have framed the same bytes and parsed them
    /// to the same result. Bytes after the object are not read.
    /// </summary>
    internal static bool TryParseLeading(ReadOnlySpan<byte> buffer, int index, DateTimeOffset now, out PostParseResult result, out int length)
    {
        // Not the final block: running out of bytes inside the object ends the read (or throws), never completes it.
        var reader = new Utf8JsonReader(buffer, isFinalBlock: false, state: default);
        try
        {
            result = ParseCore(ref reader, index, now);
            if (reader.CurrentDepth == 0 && reader.TokenType == JsonTokenType.EndObject)
            {
                length = checked((int)reader.BytesConsumed);
                return true;
            }
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
        }

        result = default;
        length = 0;
        return false;
    }

    private static PostParseResult Invalid(int index, string message) =>
        PostParseResult.Fail(new PostError(index, PostErrorKind.Invalid, message));

    private static PostParseResult ParseCore(ref Utf8JsonReader r, int index, DateTimeOffset now)
    {
        r.Read();
        if (r.TokenType != JsonTokenType.StartObject)
        {
            return Invalid(index, $"item {index} must be a JSON object, got {Describe(r.TokenType)}");
        }

        string? id = null, source = null, text = null, createdAt = null, url = null, language = null, inReplyTo = null;
        PostAuthor? author = null;
        PostMetrics? metrics = null;
        List<string>? tags = null;
        string? error = null;
        DateTimeOffset? parsedAt = null; // createdAt read without a string (see below); null: use createdAt

        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("id"u8))
            {
                r.Read();
                id = ReadIdLike(ref r, "id", ref error);
            }
            else if (r.ValueTextEquals("source"u8))
            {
                r.Read();
                source = ReadRepeatedString(ref r, "source", ref error);
            }
            else if (r.ValueTextEquals("text"u8))
            {
                r.Read();
                text = ReadString(ref r, "text", ref error);
            }
            else if (r.ValueTextEquals("createdAt"u8))
            {
                r.Read();
                parsedAt = null;
                if (r.TokenType == JsonTokenType.String && !r.ValueIsEscaped && !r.HasValueSequence
                    && PostValidation.TryParseUtcFast(r.ValueSpan, out var fast) && fast <= now + PostValidation.MaxFutureSkew)
                {
                    // The usual "…Z" time stamp, valid: no string needed (anything else takes ParseCreatedAt's path and errors).
                    parsedAt = fast;
                    createdAt = null;
                }
                else
                {
                    createdAt = ReadString(ref r, "createdAt", ref error);
                }
            }
            else if (r.ValueTextEquals("url"u8))
            {
                r.Read();
                url = ReadString(ref r, "url", ref error);
            }
            else if (r.ValueTextEquals("language"u8))
            {
                r.Read();
                language = ReadRepeatedString(ref r, "language", ref error);
            }
            else if (r.ValueTextEquals("inReplyTo"u8))
            {
                r.Read();
                inReplyTo = ReadIdLike(ref r, "inReplyTo", ref error);
            }
            else if (r.ValueTextEquals("author"u8))
            {
                r.Read();
                author = ReadAuthor(ref r, ref error);
            }
            else if (r.ValueTextEquals("metrics"u8))
            {
                r.Read();
                metrics = ReadMetrics(ref r, ref error);
            }
            else if (r.ValueTextEquals("tags"u8))
            {
                r.Read();
                tags = ReadTags(ref r, ref error);
            }
            else
            {
                // Unknown fields are ignored (issue 5 §1).
                r.Read();
                r.Skip();
            }
        }

        var at = parsedAt ?? default;
        error ??= PostValidation.CheckRequired(id, "id")
            ?? PostValidation.CheckRequired(source, "source")
            ?? PostValidation.CheckText(text)
            ?? (parsedAt is null ? PostValidation.ParseCreatedAt(createdAt, now, out at) : null);
        if (error is not null)
        {
            return Invalid(index, error);
        }

        return PostParseResult.Ok(index, new SocialPost(id!, source!, text!, at, author, url, language, metrics, inReplyTo, tags));
    }

    private static string Describe(JsonTokenType t) => t switch
    {
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => t.ToString(),
    };

    private static string? ReadString(ref Utf8JsonReader r, string field, ref string? error)
    {
        if (r.TokenType == JsonTokenType.String)
        {
            return r.GetString();
        }

        if (r.TokenType != JsonTokenType.Null)
        {
            error ??= $"'{field}' must be a string, got {Describe(r.TokenType)}";
        }

        r.Skip();
        return null;
    }

    /// <summary>
    /// <see cref="ReadString"/> for fields whose few values repeat from post to post (source, language): a short ASCII
    /// value equal to the one last seen in its slot reuses that string instead of allocating another (per thread, so
    /// parsers on different threads never share the cache; strings are immutable, so sharing one is safe).
    /// </summary>
    private static string? ReadRepeatedString(ref Utf8JsonReader r, string field, ref string? error)
    {
        if (r.TokenType != JsonTokenType.String || r.ValueIsEscaped || r.HasValueSequence || r.ValueSpan.Length > 32)
        {
            return ReadString(ref r, field, ref error);
        }

        var utf8 = r.ValueSpan;
        var cache = t_recent ??= new string?[RecentSlots];
        var slot = utf8.Length == 0 ? 0 : ((utf8.Length * 31) + (utf8[0] * 7) + utf8[^1]) & (RecentSlots - 1);
        if (cache[slot] is { } known && Ascii.Equals(utf8, known))
        {
            return known;
        }

        if (!Ascii.IsValid(utf8))
        {
            return ReadString(ref r, field, ref error);
        }

        return cache[slot] = r.GetString();
    }

    private const int RecentSlots = 16;

    [ThreadStatic]
    private static string?[]? t_recent;

    /// <summary>Ids may arrive as strings or (from some exporters) as integers; both become strings.</summary>
    private static string? ReadIdLike(ref Utf8JsonReader r, string field, ref string? error)
    {
        if (r.TokenType == JsonTokenType.Number)
        {
            if (r.TryGetInt64(out var n))
            {
                return n.ToString(CultureInfo.InvariantCulture);
            }

            error ??= $"'{field}' must be a string or an integer";
            return null;
        }

        return ReadString(ref r, field, ref error);
    }

    private static long? ReadCount(ref Utf8JsonReader r, string field, ref string? error)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType == JsonTokenType.Number && r.TryGetInt64(out var n) && n >= 0)
        {
            return n;
        }

        error ??= $"'{field}' must be a non-negative integer";
        r.Skip();
        return null;
    }

    private static PostAuthor? ReadAuthor(ref Utf8JsonReader r, ref string? error)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            error ??= $"'author' must be an object, got {Describe(r.TokenType)}";
            r.Skip();
            return null;
        }

        string? handle = null, name = null;
        long? followers = null;
        bool? verified = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("handle"u8))
            {
                r.Read();
                handle = ReadString(ref r, "author.handle", ref error);
            }
            else if (r.ValueTextEquals("name"u8))
            {
                r.Read();
                name = ReadString(ref r, "author.name", ref error);
            }
            else if (r.ValueTextEquals("followers"u8))
            {
                r.Read();
                followers = ReadCount(ref r, "author.followers", ref error);
            }
            else if (r.ValueTextEquals("verified"u8))
            {
                r.Read();
                if (r.TokenType is JsonTokenType.True or JsonTokenType.False)
                {
                    verified = r.GetBoolean();
                }
                else if (r.TokenType != JsonTokenType.Null)
                {
                    error ??= "'author.verified' must be true or false";
                    r.Skip();
                }
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }

        return new PostAuthor(handle, name, followers, verified);
    }

    private static PostMetrics? ReadMetrics(ref Utf8JsonReader r, ref string? error)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.StartObject)
        {
            error ??= $"'metrics' must be an object, got {Describe(r.TokenType)}";
            r.Skip();
            return null;
        }

        long? likes = null, shares = null, replies = null, impressions = null;
        while (r.Read() && r.TokenType == JsonTokenType.PropertyName)
        {
            if (r.ValueTextEquals("likes"u8))
            {
                r.Read();
                likes = ReadCount(ref r, "metrics.likes", ref error);
            }
            else if (r.ValueTextEquals("shares"u8))
            {
                r.Read();
                shares = ReadCount(ref r, "metrics.shares", ref error);
            }
            else if (r.ValueTextEquals("replies"u8))
            {
                r.Read();
                replies = ReadCount(ref r, "metrics.replies", ref error);
            }
            else if (r.ValueTextEquals("impressions"u8))
            {
                r.Read();
                impressions = ReadCount(ref r, "metrics.impressions", ref error);
            }
            else
            {
                r.Read();
                r.Skip();
            }
        }

        return new PostMetrics(likes, shares, replies, impressions);
    }

    private static List<string>? ReadTags(ref Utf8JsonReader r, ref string? error)
    {
        if (r.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (r.TokenType != JsonTokenType.StartArray)
        {
            error ??= $"'tags' must be an array of strings, got {Describe(r.TokenType)}";
            r.Skip();
            return null;
        }

        var tags = new List<string>();
        while (r.Read() && r.TokenType != JsonTokenType.EndArray)
        {
            if (r.TokenType == JsonTokenType.String)
            {
                tags.Add(r.GetString()!);
            }
            else
            {
                error ??= "'tags' must be an array of strings";
                r.Skip();
            }
        }

        return tags;
    }

    internal static string Utf8(ReadOnlySpan<byte> bytes) => Encoding.UTF8.GetString(bytes);
}
