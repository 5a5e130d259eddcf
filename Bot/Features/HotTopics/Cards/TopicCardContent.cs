using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>What a topic card shows, as of one ingest batch (stored as JSON on <see cref="TopicCard"/>).</summary>
/// <param name="HourlyCounts">Posts per event-time hour, oldest first, the last one being the hour of <paramref name="Watermark"/>.</param>
public sealed record TopicCardContent(
    int TopicId,
    string Title,
    string Product,
    TopicState State,
    AlarmSeverity Severity,
    int Posts,
    int AbusivePosts,
    long Reach,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    double BaselinePerHour,
    double RecentPerHour,
    IReadOnlyList<int> HourlyCounts,
    IReadOnlyList<TopicSamplePost> SamplePosts,
    DateTimeOffset Watermark)
{
    public static TopicCardContent From(TopicView view, DateTimeOffset watermark)
    {
        ArgumentNullException.ThrowIfNull(view);
        var t = view.Topic;
        return new TopicCardContent(
            t.Id.Value,
            t.Title,
            t.Product,
            t.State,
            t.Severity,
            t.Posts,
            t.AbusivePosts,
            t.Reach,
            t.FirstSeen,
            t.LastSeen,
            Math.Round(t.BaselinePerHour, 2),
            Math.Round(t.RecentPerHour, 2),
            [.. view.HourlyCounts],
            [.. view.SamplePosts],
            watermark);
    }

    public string ToJson() => JsonSerializer.Serialize(this, TopicCardsJsonContext.Default.TopicCardContent);

    public static TopicCardContent FromJson(string json) =>
        JsonSerializer.Deserialize(json, TopicCardsJsonContext.Default.TopicCardContent)
        ?? throw new JsonException("Topic card content is empty.");
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, UseStringEnumConverter = true)]
[JsonSerializable(typeof(TopicCardContent))]
internal sealed partial class TopicCardsJsonContext : JsonSerializerContext;
