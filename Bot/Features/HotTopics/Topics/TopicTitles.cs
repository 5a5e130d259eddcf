using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>
/// Readable titles from a topic's top terms: the words of its example posts ranked by their weight in the centroid,
/// shown in their folded surface form ("parcel · delivered · tracking"). Computed on demand, never per post.
/// </summary>
internal static class TopicTitles
{
    public const int Terms = 4;

    // Scratch reused per thread (titles are built for every changed topic of every batch, and for each retired one).
    [ThreadStatic]
    private static TokenizedText? t_tokens;

    [ThreadStatic]
    private static Dictionary<int, (float Score, string Surface, int Order)>? t_scores;

    public static string Build(Topic topic)
    {
        if (topic.Exemplars.Count == 0)
        {
            return topic.Id.ToString();
        }

        var tokens = t_tokens ??= new TokenizedText();
        var scores = t_scores ??= [];
        scores.Clear();
        var order = 0;
        foreach (var text in topic.Exemplars)
        {
            TextNormalizer.Normalize(text, tokens);
            foreach (var token in tokens.Tokens)
            {
                if (token.IsStopWord || token.Length < 3)
                {
                    continue;
                }

                var index = FeatureHasher.WordIndex(tokens.Stem(token));
                if (scores.TryGetValue(index, out var known))
                {
                    scores[index] = known with { Score = known.Score + 1e-3f };
                    continue;
                }

                var weight = topic.Centroid is { } c && c.TryGetValue(index, out var w) ? w : 0f;
                scores[index] = (weight, tokens.Surface(token).ToString(), order++);
            }
        }

        var top = scores.Values
            .OrderByDescending(s => s.Score)
            .ThenBy(s => s.Order)
            .Take(Terms)
            .Select(s => s.Surface);
        var title = string.Join(" · ", top);
        return title.Length == 0 ? topic.Id.ToString() : title;
    }
}
