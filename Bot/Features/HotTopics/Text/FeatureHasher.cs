namespace CrisisBot.Features.HotTopics.Text;

/// <summary>
/// Turns a <see cref="TokenizedText"/> into hashed features (the "hashing trick": a fixed space of 2^20 dimensions,
/// so the vocabulary never grows): word unigram stems (weight 1), adjacent word bigrams (0.5), and character
/// trigrams of each word with boundary marks (0.4 each), which give typo tolerance: "cancelled", "canceled" and
/// "cancleled" share most trigrams. Stop words are skipped.
/// </summary>
public static class FeatureHasher
{
    public const int Bits = 20;
    public const int Dimensions = 1 << Bits;
    private const int Mask = Dimensions - 1;

    public const float UnigramWeight = 1f;
    public const float BigramWeight = 0.5f;
    public const float TrigramWeight = 0.4f;

    private const uint SeedWord = 0x9E3779B1;
    private const uint SeedBigram = 0x85EBCA77;
    private const uint SeedTrigram = 0xC2B2AE3D;

    /// <summary>Fills <paramref name="vector"/> with raw (not yet IDF-weighted, not normalised) term frequencies.</summary>
    public static void Extract(TokenizedText text, FeatureVector vector)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(vector);
        vector.Clear();
        var previous = -1;
        foreach (var token in text.Tokens)
        {
            if (token.IsStopWord)
            {
                continue;
            }

            var stem = text.Stem(token);
            var word = Hash(stem, SeedWord);
            vector.Add((int)(word & Mask), UnigramWeight);
            vector.Words.Add((int)(word & Mask));
            if (previous >= 0)
            {
                vector.Add((int)(Mix((uint)previous, word ^ SeedBigram) & Mask), BigramWeight);
            }

            previous = (int)word;
            var surface = text.Surface(token);
            if (surface.Length >= 3)
            {
                AddTrigrams(surface, vector);
            }
        }

        vector.SortAndMerge();
    }

    /// <summary>The unigram feature index of one word (its stem), as used by <see cref="Extract"/>.</summary>
    public static int WordIndex(ReadOnlySpan<char> stem) => (int)(Hash(stem, SeedWord) & Mask);

    private static void AddTrigrams(ReadOnlySpan<char> word, FeatureVector vector)
    {
        // Boundary-marked: "^ca", "can", …, "ed$".
        var n = word.Length + 2;
        for (var i = 0; i + 3 <= n; i++)
        {
            var h = SeedTrigram;
            for (var k = i; k < i + 3; k++)
            {
                var c = k == 0 ? '^' : k == n - 1 ? '$' : word[k - 1];
                h = (h ^ c) * 16777619u;
            }

            vector.Add((int)(Final(h) & Mask), TrigramWeight);
        }
    }

    /// <summary>FNV-1a over UTF-16 units with a seed, then a murmur finaliser for better low bits.</summary>
    internal static uint Hash(ReadOnlySpan<char> s, uint seed)
    {
        var h = 2166136261u ^ seed;
        foreach (var c in s)
        {
            h = (h ^ c) * 16777619u;
        }

        return Final(h);
    }

    private static uint Mix(uint a, uint b) => Final((a * 31) ^ b);

    private static uint Final(uint h)
    {
        h ^= h >> 16;
        h *= 0x85EBCA6B;
        h ^= h >> 13;
        h *= 0xC2B2AE35;
        h ^= h >> 16;
        return h;
    }
}
