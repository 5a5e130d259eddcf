using System.Globalization;
using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Experts;
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

    /// <param name="card">The card row.</param>
    /// <param name="expert">The topic's expert-loop status (open question, waiting agents, approved answer); null shows none.</param>
    /// <param name="mutedContent">Show the content as it was when the card was muted (<see cref="TopicCard.MutedContentJson"/>).</param>
    public HotTopicCardInput Input(TopicCard card, TopicQuestionStatus? expert = null, bool mutedContent = false)
    {
        ArgumentNullException.ThrowIfNull(card);
        var c = TopicCardContent.FromJson(mutedContent && card.MutedContentJson is { } frozen ? frozen : card.ContentJson);
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
            ProductKey = catalog.Find(c.Product)?.Key,
            HasOpenQuestion = expert?.HasOpenQuestion ?? false,
            WaitingAgents = expert?.HasOpenQuestion == true ? Math.Max(0, expert.WaitingAgents) : 0,
            ApprovedAnswer = expert is { HasApprovedAnswer: true, ApprovedEntryId: { } entryId }
                ? new TopicApprovedAnswer(entryId.ToString(CultureInfo.InvariantCulture), expert.ApprovedShortReply ?? "")
                {
                    Version = Math.Max(1, expert.ApprovedVersion),
                    ApprovedAt = expert.ApprovedAt,
                }
                : null,
            MutedUntil = card.IsFinal ? null : card.MutedUntil,
            MutedBy = card.MutedByName ?? card.MutedById,
            ResolvedBy = card.ResolvedAt is null ? null : card.ResolvedByName ?? card.ResolvedById,
            ResolvedAt = card.ResolvedAt,
            MergedInto = card.MergedIntoTopicId is { } into
                ? FormatTopicId(into) + (string.IsNullOrWhiteSpace(card.MergedIntoTitle) ? string.Empty : " · " + card.MergedIntoTitle)
                : null,
        };
    }

    /// <summary>The expert-status key of a topic: the id the hot-topic card's "Ask an expert" puts on questions ("T12").</summary>
    public static string ExpertKey(int topicId) => FormatTopicId(topicId);

    public JsonElement Card(TopicCard card, TopicQuestionStatus? expert = null) => CardJson.ToElement(HotTopicCard.Build(Input(card, expert)));

    public OutgoingActivity Activity(TopicCard card, TopicQuestionStatus? expert = null, bool mutedContent = false)
    {
        var input = Input(card, expert, mutedContent);
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
