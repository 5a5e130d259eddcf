namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>What went wrong with one item of a batch.</summary>
public enum PostErrorKind
{
    /// <summary>The bytes are not valid JSON (or CSV); the message carries the position.</summary>
    Malformed = 1,

    /// <summary>Valid JSON/CSV, but a field is missing, has the wrong type or an invalid value.</summary>
    Invalid = 2,

    /// <summary>The item is larger than the parser's per-item limit.</summary>
    TooLarge = 3,
}

/// <summary>One per-item error: the 0-based item index, the kind and a message naming the field or position.</summary>
public sealed record PostError(int Index, PostErrorKind Kind, string Message, long? Line = null, long? Column = null);

/// <summary>One parsed item: either a post or an error, never both.</summary>
public readonly record struct PostParseResult(int Index, SocialPost? Post, PostError? Error)
{
    public bool IsSuccess => Post is not null;

    public static PostParseResult Ok(int index, SocialPost post) => new(index, post, null);

    public static PostParseResult Fail(PostError error) => new(error.Index, null, error);
}

/// <summary>Input formats the parser understands.</summary>
public enum PostFormat
{
    /// <summary>Look at the first non-blank byte: '[' is a JSON array, '{' is one object or NDJSON, else CSV.</summary>
    Auto = 0,

    /// <summary>A single JSON object, a JSON array of objects, or newline-delimited JSON objects.</summary>
    Json = 1,

    /// <summary>RFC 4180 CSV with a header row; see <see cref="CsvPostReader"/> for the columns.</summary>
    Csv = 2,
}
