using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>
/// A lexicon-based abuse flag: insults, slurs-free profanity and threats aimed at staff. It works on normalised
/// tokens, so case, diacritics, letter stretching ("idiooots" → "idioots" → stem) and punctuation do not hide a word.
/// It flags; it never blocks. Topics count flagged posts for the duty-of-care feature.
/// </summary>
public static class AbuseLexicon
{
    private static readonly HashSet<string> Words = new(StringComparer.Ordinal)
    {
        "idiot", "idiots", "idioots", "moron", "morons", "imbecile", "cretin", "scumbag", "scumbags", "bastard", "bastards",
        "fuck", "fucking", "fucker", "fuckers", "fck", "fcking", "shit", "shite", "bullshit", "crap", "asshole", "arsehole",
        "dickhead", "wanker", "wankers", "prick", "pricks", "twat", "bitch", "cunt", "clowns", "muppet", "muppets",
        "thieves", "crooks", "parasites", "pathetic", "disgusting", "kill", "burn", "hunt", "die", "stab",
    };

    private static readonly SpanWordSet Lookup = new(Words);

    // Longer tokens cannot be in the lexicon: they skip the set lookup (most tokens of a post).
    private static readonly int MaxWordLength = Words.Max(w => w.Length);

    public static bool IsAbusive(TokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var token in text.Tokens)
        {
            // The stem is a prefix of the surface form: only a shorter stem is a second word to look up.
            if ((token.Length <= MaxWordLength && Lookup.Contains(text.Surface(token)))
                || (token.StemLength < token.Length && token.StemLength <= MaxWordLength && Lookup.Contains(text.Stem(token))))
            {
                return true;
            }
        }

        return false;
    }

    public static bool IsAbusive(string text)
    {
        var tokens = new TokenizedText();
        TextNormalizer.Normalize(text, tokens);
        return IsAbusive(tokens);
    }
}
