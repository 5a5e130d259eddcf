using System.Buffers;
using System.Text.Json;

namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>Writes posts in the public post format (issue 5 §1), e.g. NDJSON bodies for POST /api/posts.</summary>
public static class PostJsonWriter
{
    /// <summary>Appends one post as a JSON object (no trailing new line).</summary>
    public static void Write(Utf8JsonWriter writer, SocialPost post)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(post);
        writer.WriteStartObject();
        writer.WriteString("id", post.Id);
        writer.WriteString("source", post.Source);
        if (post.Author is { } a)
        {
            writer.WriteStartObject("author");
            WriteOptional(writer, "handle", a.Handle);
            WriteOptional(writer, "name", a.Name);
            if (a.Followers is { } f)
            {
                writer.WriteNumber("followers", f);
            }

            if (a.Verified is { } v)
            {
                writer.WriteBoolean("verified", v);
            }

            writer.WriteEndObject();
        }

        writer.WriteString("text", post.Text);
        writer.WriteString("createdAt", post.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", System.Globalization.CultureInfo.InvariantCulture));
        WriteOptional(writer, "url", post.Url);
        WriteOptional(writer, "language", post.Language);
        if (post.Metrics is { } m)
        {
            writer.WriteStartObject("metrics");
            WriteOptional(writer, "likes", m.Likes);
            WriteOptional(writer, "shares", m.Shares);
            WriteOptional(writer, "replies", m.Replies);
            WriteOptional(writer, "impressions", m.Impressions);
            writer.WriteEndObject();
        }

        WriteOptional(writer, "inReplyTo", post.InReplyTo);
        if (post.Tags is { Count: > 0 } tags)
        {
            writer.WriteStartArray("tags");
            foreach (var tag in tags)
            {
                writer.WriteStringValue(tag);
            }

            writer.WriteEndArray();
        }

        writer.WriteEndObject();
    }

    /// <summary>Posts as NDJSON (one object per line), UTF-8.</summary>
    public static byte[] ToNdjson(IEnumerable<SocialPost> posts)
    {
        ArgumentNullException.ThrowIfNull(posts);
        var buffer = new ArrayBufferWriter<byte>();
        using var writer = new Utf8JsonWriter(buffer);
        foreach (var post in posts)
        {
            Write(writer, post);
            writer.Flush();
            writer.Reset();
            buffer.Write("\n"u8);
        }

        return buffer.WrittenSpan.ToArray();
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, string? value)
    {
        if (value is not null)
        {
            writer.WriteString(name, value);
        }
    }

    private static void WriteOptional(Utf8JsonWriter writer, string name, long? value)
    {
        if (value is { } v)
        {
            writer.WriteNumber(name, v);
        }
    }
}
