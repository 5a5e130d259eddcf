using System.Globalization;
using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Protocol.Activities;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>Turns a <see cref="TopicCard"/> row into the hot-topic card (through <see cref="HotTopicCard"/>).</summary>
public sealed class TopicCardRenderer(ProductCatalog catalog, TimeProvider time)
{
    /// <summary>The action-data form of a topic id ("T12"); <see cref="TryParseTopicId"/> reads it back.</summary>
    public static string FormatTopicId(int topicId) => new TopicId(topicId).ToString();

    /// <summary>Accepts "T12", "t12" or "12".</summary>
    public static bool TryParseTopicId(string? text, out int topicId)
    {
        topicId = 0;
        var s = text?.Trim();
        if (string.IsNullOrEmpty(s))
        {
            return false;
        }

        if (s[0] is 'T' or 't')
        {
            s = s[1..];
        }

        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out topicId) && topicId > 0;
    }

    public HotTopicCardInput Input(TopicCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        var c = TopicCardContent.FromJson(card.ContentJson);
        var now = time.GetUtcNow();
        var hourStart = new DateTimeOffset(c.Watermark.Year, c.Watermark.Month, c.Watermark.Day, c.Watermark.Hour, 0, 0, TimeSpan.Zero);
        var n = c.HourlyCounts.Count;
        var trend = c.HourlyCounts.Select((count, i) => new VolumePoint(hourStart.AddHours(i - (n - 1)), count)).ToArray();
        var state = card.ResolvedAt is not null ? HotTopicState.Resolved : Map(c.State);
        var keywords = c.Title.Split('·', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        return new HotTopicCardInput(
            FormatTopicId(card.TopicId),
            ProductName(c.Product),
            c.Title,
            state,
            keywords,
            (int)Math.Round(c.RecentPerHour),
            c.BaselinePerHour,
            "per hour now",
            trend,
            c.Reach,
            [.. c.SamplePosts.Select(p => new TopicPost(string.IsNullOrWhiteSpace(p.Author) ? "(unknown)" : p.Author, p.Text, p.CreatedAt)
            {
                Platform = p.Source,
                Reach = p.Reach,
            })],
            c.FirstSeen,
            c.LastSeen,
            now)
        {
            MutedUntil = card.IsFinal ? null : card.MutedUntil,
            MutedBy = card.MutedByName ?? card.MutedById,
            ResolvedBy = card.ResolvedAt is null ? null : card.ResolvedByName ?? card.ResolvedById,
            ResolvedAt = card.ResolvedAt,
            MergedInto = card.MergedIntoTopicId is { } into
                ? FormatTopicId(into) + (string.IsNullOrWhiteSpace(card.MergedIntoTitle) ? string.Empty : " · " + card.MergedIntoTitle)
                : null,
        };
    }

    public JsonElement Card(TopicCard card) => CardJson.ToElement(HotTopicCard.Build(Input(card)));

    public OutgoingActivity Activity(TopicCard card)
    {
        var input = Input(card);
        return OutgoingActivity.WithCard(CardJson.ToElement(HotTopicCard.Build(input)), $"{input.State} topic: {input.Title}");
    }

    public string ProductName(string key) =>
        catalog.Find(key)?.DisplayName ?? (key == ProductCatalog.TriageKey ? "Triage (no product)" : key);

    private static HotTopicState Map(TopicState state) => state switch
    {
        TopicState.Emerging => HotTopicState.Emerging,
        TopicState.Hot => HotTopicState.Hot,
        TopicState.Cooling => HotTopicState.Cooling,
        TopicState.Resolved => HotTopicState.Resolved,
        _ => HotTopicState.Emerging,
    };
}
