using System.Globalization;
using System.Text;

namespace CrisisBot.Features.HotTopics.Text;

/// <summary>
/// Normalises short, noisy posts: drops URLs, @handles, emoji, digits and punctuation; folds case, width and
/// diacritics (Unicode compatibility decomposition, marks removed: "Café" and "CAFE" both become "cafe");
/// squeezes letter runs ("sooooo" → "soo"); splits into tokens; marks stop words; adds a light suffix stem so
/// "refunds", "refunded" and "refunding" share one stem. Typo tolerance comes later from character n-grams.
/// </summary>
/// <remarks>Allocation-free per post: it writes into a reusable <see cref="TokenizedText"/>.</remarks>
public static class TextNormalizer
{
    private const char Separator = '\0';
    private const char Skip = '\u0001';

    // One folded character per UTF-16 unit: a letter, Separator or Skip. Built once (~65k entries).
    private static readonly char[] Fold = BuildFold();

    // Looked up by span without an interface call (once per token of every post).
    private static readonly SpanWordSet StopWordSet = new(StopWords.English);

    private static readonly int MaxStopWordLength = StopWords.English.Max(w => w.Length);

    public static bool IsStopWord(ReadOnlySpan<char> token) => token.Length <= MaxStopWordLength && StopWordSet.Contains(token);

    /// <summary>Normalises <paramref name="text"/> into <paramref name="output"/>.</summary>
    public static void Normalize(ReadOnlySpan<char> text, TokenizedText output)
    {
        ArgumentNullException.ThrowIfNull(output);
        output.Reset(text.Length + 1);
        var chars = output.Chars;
        var w = 0;
        var tokenStart = -1;
        var atWordStart = true; // previous raw char was whitespace or start: URL/handle detection
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (atWordStart && (c is 'h' or 'H' or 'w' or 'W') && IsUrlAt(text, i))
            {
                i = SkipToWhitespace(text, i) - 1;
                Close(output, chars, ref tokenStart, w);
                continue;
            }

            if (c == '@' && i + 1 < text.Length && (char.IsLetterOrDigit(text[i + 1]) || text[i + 1] == '_'))
            {
                // @handle (also the tail of e-mail addresses): drop up to the next non-handle character.
                var j = i + 1;
                while (j < text.Length && (char.IsLetterOrDigit(text[j]) || text[j] is '_' or '.'))
                {
                    j++;
                }

                i = j - 1;
                Close(output, chars, ref tokenStart, w);
                atWordStart = false;
                continue;
            }

            atWordStart = char.IsWhiteSpace(c);
            var f = char.IsSurrogate(c) ? Separator : Fold[c];
            if (f == Skip)
            {
                continue;
            }

            if (f == Separator)
            {
                Close(output, chars, ref tokenStart, w);
                continue;
            }

            if (tokenStart < 0)
            {
                tokenStart = w;
            }
            else if (w - tokenStart >= 2 && chars[w - 1] == f && chars[w - 2] == f)
            {
                continue; // squeeze runs of 3+ identical letters to 2
            }

            chars[w++] = f;
        }

        Close(output, chars, ref tokenStart, w);
    }

    private static void Close(TokenizedText output, char[] chars, ref int tokenStart, int end)
    {
        if (tokenStart < 0)
        {
            return;
        }

        var length = end - tokenStart;
        var start = tokenStart;
        tokenStart = -1;
        if (length < 2)
        {
            return;
        }

        var span = chars.AsSpan(start, length);
        output.Add(new Token(start, length, StemLength(span), IsStopWord(span)));
    }

    private static bool IsUrlAt(ReadOnlySpan<char> text, int i)
    {
        var rest = text[i..];
        return rest.StartsWith("http://", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("https://", StringComparison.OrdinalIgnoreCase)
            || rest.StartsWith("www.", StringComparison.OrdinalIgnoreCase);
    }

    private static int SkipToWhitespace(ReadOnlySpan<char> text, int i)
    {
        while (i < text.Length && !char.IsWhiteSpace(text[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>A light English suffix stripper; returns the stem length (a prefix of the token).</summary>
    internal static int StemLength(ReadOnlySpan<char> t)
    {
        var n = t.Length;
        if (n <= 3)
        {
            return n;
        }

        if (n >= 5 && t[..n].EndsWith("ies"))
        {
            n -= 3;
        }
        else if (t[n - 1] == 's' && t[n - 2] is not ('s' or 'u' or 'i'))
        {
            n--;
        }

        if (n >= 6 && t[..n].EndsWith("ing"))
        {
            n -= 3;
        }
        else if (n >= 5 && t[..n].EndsWith("ed"))
        {
            n -= 2;
        }
        else if (n >= 6 && t[..n].EndsWith("ly"))
        {
            n -= 2;
        }

        if (n >= 5 && t[n - 1] is 'e' or 'y')
        {
            n--;
        }

        if (n >= 5 && t[n - 1] == t[n - 2] && t[n - 1] is 'l' or 't' or 'p' or 'n' or 'g' or 'd' or 'm' or 'r')
        {
            n--;
        }

        return Math.Max(3, n);
    }

    /// <summary>The fold table (for tests: it must equal <see cref="BuildFoldOneByOne"/>).</summary>
    internal static ReadOnlySpan<char> FoldTable => Fold;

    private static char[] BuildFold() => BuildFold(batched: true);

    /// <summary>The fold table built with one normalisation call per letter (the reference the batched build must equal).</summary>
    internal static char[] BuildFoldOneByOne() => BuildFold(batched: false);

    private static char[] BuildFold(bool batched)
    {
        var map = new char[char.MaxValue + 1];
        var letters = new List<char>(); // non-ASCII letters: folded through their decomposition below
        for (var i = 0; i <= char.MaxValue; i++)
        {
            var c = (char)i;
            if (char.IsSurrogate(c))
            {
                map[i] = Separator;
                continue;
            }

            if (c is '\'' or '’' or 'ʼ' or '`' or '´')
            {
                map[i] = Skip; // "don't" → "dont"
                continue;
            }

            switch (CharUnicodeInfo.GetUnicodeCategory(c))
            {
                case UnicodeCategory.UppercaseLetter:
                case UnicodeCategory.LowercaseLetter:
                case UnicodeCategory.TitlecaseLetter:
                case UnicodeCategory.ModifierLetter:
                case UnicodeCategory.OtherLetter:
                    if (c < 0x80)
                    {
                        map[i] = char.ToLowerInvariant(c);
                    }
                    else
                    {
                        letters.Add(c);
                    }

                    break;
                case UnicodeCategory.DecimalDigitNumber:
                case UnicodeCategory.NonSpacingMark:
                case UnicodeCategory.SpacingCombiningMark:
                case UnicodeCategory.EnclosingMark:
                case UnicodeCategory.Format:
                    map[i] = Skip;
                    break;
                default:
                    map[i] = Separator;
                    break;
            }
        }

        if (!batched || !TryFoldLettersAtOnce(letters, map))
        {
            foreach (var c in letters)
            {
                map[c] = FoldLetter(c);
            }
        }

        return map;
    }

    /// <summary>
    /// <see cref="FoldLetter"/> for every letter in one normalisation call instead of one each (tens of thousands: most
    /// of the table's build time): the letters joined by line feeds, decomposed (NFKD) at once, then split again. A line
    /// feed never decomposes and, as a starter, stops the reordering of combining marks, so each piece is exactly that
    /// letter's own decomposition. False (nothing written) if the pieces do not line up, so the caller folds one by one.
    /// </summary>
    private static bool TryFoldLettersAtOnce(List<char> letters, char[] map)
    {
        const char Joint = '\n';
        var joined = new StringBuilder(letters.Count * 2);
        foreach (var c in letters)
        {
            joined.Append(c).Append(Joint);
        }

        string decomposed;
        try
        {
            decomposed = joined.ToString().Normalize(NormalizationForm.FormKD);
        }
        catch (ArgumentException)
        {
            return false;
        }

        var folded = new char[letters.Count];
        var piece = 0;
        var found = false;
        foreach (var d in decomposed)
        {
            if (d == Joint)
            {
                if (piece >= letters.Count)
                {
                    return false;
                }

                if (!found)
                {
                    folded[piece] = Skip;
                }

                piece++;
                found = false;
            }
            else if (!found && piece < letters.Count && char.IsLetter(d))
            {
                folded[piece] = char.ToLowerInvariant(d);
                found = true;
            }
        }

        if (piece != letters.Count)
        {
            return false;
        }

        for (var k = 0; k < letters.Count; k++)
        {
            map[letters[k]] = folded[k];
        }

        return true;
    }

    private static char FoldLetter(char c)
    {
        if (c < 0x80)
        {
            return char.ToLowerInvariant(c);
        }

        string decomposed;
        try
        {
            decomposed = c.ToString().Normalize(NormalizationForm.FormKD);
        }
        catch (ArgumentException)
        {
            return char.ToLowerInvariant(c);
        }

        foreach (var d in decomposed)
        {
            if (char.IsLetter(d))
            {
                return char.ToLowerInvariant(d);
            }
        }

        return Skip;
    }
}
