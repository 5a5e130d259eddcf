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

    private static readonly HashSet<string>.AlternateLookup<ReadOnlySpan<char>> Lookup = Words.GetAlternateLookup<ReadOnlySpan<char>>();

    public static bool IsAbusive(TokenizedText text)
    {
        ArgumentNullException.ThrowIfNull(text);
        foreach (var token in text.Tokens)
        {
            if (Lookup.Contains(text.Surface(token)) || Lookup.Contains(text.Stem(token)))
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
