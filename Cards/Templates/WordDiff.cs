using CrisisBot.Cards.Model;

namespace CrisisBot.Cards.Templates;

/// <summary>Word-level diff (longest common subsequence) rendered as text runs: removed struck through, added in green.</summary>
internal static class WordDiff
{
    /// <summary>Above this many words per side the diff is shown as "replaced" (keeps the LCS table small).</summary>
    public const int MaxWords = 400;

    public static RichTextBlock Render(string before, string after)
    {
        var runs = new List<TextRun>();
        foreach (var (kind, text) in Diff(Tokens(before), Tokens(after)))
        {
            runs.Add(kind switch
            {
                '-' => new TextRun(text) { Strikethrough = true, Color = TextColor.Attention },
                '+' => new TextRun(text) { Color = TextColor.Good, Weight = TextWeight.Bolder },
                _ => new TextRun(text),
            });
        }

        if (runs.Count == 0)
        {
            runs.Add(new TextRun("(no text)") { IsSubtle = true });
        }

        return new RichTextBlock(runs);
    }

    /// <summary>Words with their trailing whitespace, so joining the tokens gives the text back.</summary>
    internal static List<string> Tokens(string text)
    {
        var tokens = new List<string>();
        var start = 0;
        for (var i = 1; i <= text.Length; i++)
        {
            if (i == text.Length || (char.IsWhiteSpace(text[i - 1]) && !char.IsWhiteSpace(text[i])))
            {
                tokens.Add(text[start..i]);
                start = i;
            }
        }

        return tokens;
    }

    /// <summary>Merged runs of ('=', '-', '+') with their text.</summary>
    internal static List<(char Kind, string Text)> Diff(List<string> a, List<string> b)
    {
        var ops = new List<(char, string)>();
        if (a.Count > MaxWords || b.Count > MaxWords)
        {
            ops.Add(('-', string.Concat(a)));
            ops.Add(('+', string.Concat(b)));
            return Merge(ops);
        }

        var lcs = new int[a.Count + 1, b.Count + 1];
        for (var i = a.Count - 1; i >= 0; i--)
        {
            for (var j = b.Count - 1; j >= 0; j--)
            {
                lcs[i, j] = Same(a[i], b[j]) ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        int x = 0, y = 0;
        while (x < a.Count && y < b.Count)
        {
            if (Same(a[x], b[y]))
            {
                ops.Add(('=', b[y]));
                x++;
                y++;
            }
            else if (lcs[x + 1, y] >= lcs[x, y + 1])
            {
                ops.Add(('-', a[x++]));
            }
            else
            {
                ops.Add(('+', b[y++]));
            }
        }

        while (x < a.Count)
        {
            ops.Add(('-', a[x++]));
        }

        while (y < b.Count)
        {
            ops.Add(('+', b[y++]));
        }

        return Merge(ops);
    }

    private static bool Same(string a, string b) => string.Equals(a.TrimEnd(), b.TrimEnd(), StringComparison.Ordinal);

    private static List<(char Kind, string Text)> Merge(List<(char Kind, string Text)> ops)
    {
        var merged = new List<(char Kind, string Text)>();
        foreach (var op in ops.Where(o => o.Text.Length > 0))
        {
            if (merged.Count > 0 && merged[^1].Kind == op.Kind)
            {
                merged[^1] = (op.Kind, merged[^1].Text + op.Text);
            }
            else
            {
                merged.Add(op);
            }
        }

        return merged;
    }
}
