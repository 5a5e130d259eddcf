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

    // Per distinct term: its score, where its surface form sits in t_surfaces, and its first position. Surface strings
    // are made only for the winning terms (titles are built for every changed topic of every batch).
    [ThreadStatic]
    private static Dictionary<int, (float Score, int Start, int Length, int Order)>? t_scores;

    [ThreadStatic]
    private static char[]? t_surfaces;

    private const string Separator = " · ";

    public static string Build(Topic topic)
    {
        if (topic.Exemplars.Count == 0)
        {
            return topic.Id.ToString();
        }

        var tokens = t_tokens ??= new TokenizedText();
        var scores = t_scores ??= [];
        var surfaces = t_surfaces ??= new char[1024];
        var used = 0;
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
                ref var entry = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(scores, index, out var known);
                if (known)
                {
                    entry.Score += 1e-3f;
                    continue;
                }

                var weight = topic.Centroid is { } c && c.TryGetValue(index, out var w) ? w : 0f;
                var surface = tokens.Surface(token);
                if (used + surface.Length > surfaces.Length)
                {
                    Array.Resize(ref surfaces, Math.Max(surfaces.Length * 2, used + surface.Length));
                    t_surfaces = surfaces;
                }

                surface.CopyTo(surfaces.AsSpan(used));
                entry = (weight, used, surface.Length, order++);
                used += surface.Length;
            }
        }

        // The Terms best: score descending, then first position (a total order, as OrderByDescending.ThenBy gave).
        Span<(float Score, int Start, int Length, int Order)> top = stackalloc (float, int, int, int)[Terms];
        var n = 0;
        foreach (var s in scores.Values)
        {
            if (n == Terms && !Before(s, top[n - 1]))
            {
                continue;
            }

            var i = n < Terms ? n++ : Terms - 1;
            while (i > 0 && Before(s, top[i - 1]))
            {
                top[i] = top[i - 1];
                i--;
            }

            top[i] = s;
        }

        if (n == 0)
        {
            return topic.Id.ToString();
        }

        var length = (n - 1) * Separator.Length;
        for (var i = 0; i < n; i++)
        {
            length += top[i].Length;
        }

        var title = new char[length];
        var at = 0;
        for (var i = 0; i < n; i++)
        {
            if (i > 0)
            {
                Separator.CopyTo(title.AsSpan(at));
                at += Separator.Length;
            }

            surfaces.AsSpan(top[i].Start, top[i].Length).CopyTo(title.AsSpan(at));
            at += top[i].Length;
        }

        return new string(title);
    }

    private static bool Before(in (float Score, int Start, int Length, int Order) a, in (float Score, int Start, int Length, int Order) b)
    {
        var c = a.Score.CompareTo(b.Score);
        return c > 0 || (c == 0 && a.Order < b.Order);
    }
}
