namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>
/// One social-media post, as accepted by intake (issue 5 §1). Required: <see cref="Id"/>, <see cref="Source"/>,
/// <see cref="Text"/> (1..10,000 characters) and <see cref="CreatedAt"/>. Everything else is optional.
/// <c>(Source, Id)</c> is the idempotency key, see <see cref="Key"/>.
/// </summary>
public sealed record SocialPost(
    string Id,
    string Source,
    string Text,
    DateTimeOffset CreatedAt,
    PostAuthor? Author = null,
    string? Url = null,
    string? Language = null,
    PostMetrics? Metrics = null,
    string? InReplyTo = null,
    IReadOnlyList<string>? Tags = null)
{
    /// <summary>The idempotency key: source (case-insensitive) and id.</summary>
    public PostKey Key => new(Source, Id);

    /// <summary>
    /// How many people the post may have reached: the larger of the author's followers and the impressions.
    /// </summary>
    public long Reach => Math.Max(Author?.Followers ?? 0, Metrics?.Impressions ?? 0);
}

/// <summary>The author block of a post.</summary>
public sealed record PostAuthor(string? Handle, string? Name, long? Followers, bool? Verified);

/// <summary>Engagement counters of a post.</summary>
public sealed record PostMetrics(long? Likes, long? Shares, long? Replies, long? Impressions);

/// <summary>The idempotency key of a post. Sources compare case-insensitively, ids exactly.</summary>
public readonly record struct PostKey
{
    public PostKey(string source, string id)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(id);
        Source = source.ToLowerInvariant();
        Id = id;
    }

    public string Source { get; }

    public string Id { get; }

    public override string ToString() => $"{Source}:{Id}";
}
