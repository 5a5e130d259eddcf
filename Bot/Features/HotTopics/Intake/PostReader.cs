namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>Picks the JSON or CSV reader for a stream, from an explicit format, a file name, or the first byte.</summary>
public sealed class PostReader(TimeProvider time, int maxItemBytes = JsonPostReader.DefaultMaxItemBytes)
{
    public static PostFormat FormatFromFileName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var ext = Path.GetExtension(path).ToLowerInvariant();
        return ext switch
        {
            ".csv" => PostFormat.Csv,
            ".json" or ".jsonl" or ".ndjson" => PostFormat.Json,
            _ => PostFormat.Auto,
        };
    }

    /// <summary>Reads every item. With <see cref="PostFormat.Auto"/> the stream must be seekable or buffered.</summary>
    public IEnumerable<PostParseResult> Read(Stream stream, PostFormat format = PostFormat.Auto)
    {
        ArgumentNullException.ThrowIfNull(stream);
        if (format == PostFormat.Auto)
        {
            if (!stream.CanSeek)
            {
                throw new ArgumentException("Format detection needs a seekable stream; pass PostFormat.Json or PostFormat.Csv.", nameof(stream));
            }

            format = Sniff(stream);
        }

        return format == PostFormat.Csv
            ? new CsvPostReader(time).Read(stream)
            : new JsonPostReader(time, maxItemBytes).Read(stream);
    }

    private static PostFormat Sniff(Stream stream)
    {
        var start = stream.Position;
        Span<byte> head = stackalloc byte[512];
        var n = stream.ReadAtLeast(head, head.Length, throwOnEndOfStream: false);
        stream.Position = start;

        foreach (var b in head[..n])
        {
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or 0xEF or 0xBB or 0xBF)
            {
                continue;
            }

            return b is (byte)'{' or (byte)'[' ? PostFormat.Json : PostFormat.Csv;
        }

        return PostFormat.Json;
    }
}
