using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Features.Experts;

/// <summary>Text helpers of the expert loop: question terms for "very similar" joins, and search words.</summary>
public static class ExpertText
{
    public const int MaxQuestion = 500;
    public const int MaxAnswer = 2000;
    public const int MaxShortReply = 280;
    public const int MaxNote = 1000;

    /// <summary>Sorted distinct stems of the content words (stop words dropped), space-separated.</summary>
    public static string Terms(string text)
    {
        var tokens = new TokenizedText();
        TextNormalizer.Normalize(text ?? string.Empty, tokens);
        var stems = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var token in tokens.Tokens)
        {
            if (!token.IsStopWord && token.StemLength >= 2)
            {
                stems.Add(tokens.Stem(token).ToString());
            }
        }

        var joined = string.Join(' ', stems);
        return joined.Length <= 2000 ? joined : joined[..2000];
    }

    /// <summary>Jaccard similarity of two <see cref="Terms"/> strings (0 when either is empty).</summary>
    public static double Similarity(string a, string b)
    {
        var x = a.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        var y = b.Split(' ', StringSplitOptions.RemoveEmptyEntries).ToHashSet(StringComparer.Ordinal);
        if (x.Count == 0 || y.Count == 0)
        {
            return 0;
        }

        var shared = x.Count(y.Contains);
        return (double)shared / (x.Count + y.Count - shared);
    }

    /// <summary>Search words: letters and digits only (so nothing reaches the full-text syntax), at most 12, lower-case.</summary>
    public static IReadOnlyList<string> SearchWords(string? query)
    {
        if (string.IsNullOrWhiteSpace(query))
        {
            return [];
        }

        var words = new List<string>();
        var current = new System.Text.StringBuilder();
        foreach (var c in query.Normalize(System.Text.NormalizationForm.FormC))
        {
            if (char.IsLetterOrDigit(c))
            {
                current.Append(char.ToLowerInvariant(c));
            }
            else
            {
                Flush();
            }
        }

        Flush();
        return words.Distinct(StringComparer.Ordinal).Take(12).ToList();

        void Flush()
        {
            if (current.Length >= 2)
            {
                words.Add(current.ToString());
            }

            current.Clear();
        }
    }
}
