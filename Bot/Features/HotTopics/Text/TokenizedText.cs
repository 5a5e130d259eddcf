namespace CrisisBot.Features.HotTopics.Text;

/// <summary>One token of a normalised post: a slice of <see cref="TokenizedText.Chars"/>.</summary>
/// <param name="Start">Offset of the token in the normalised characters.</param>
/// <param name="Length">Length of the folded surface form (lower case, no diacritics, no digits).</param>
/// <param name="StemLength">Length of the light stem (a prefix of the surface form).</param>
/// <param name="IsStopWord">Whether the token is a stop word (kept for phrase matching, skipped by features).</param>
public readonly record struct Token(int Start, int Length, int StemLength, bool IsStopWord);

/// <summary>
/// Reusable scratch holding one normalised post: folded characters and token slices. One instance per worker;
/// <see cref="TextNormalizer.Normalize"/> overwrites it, so nothing is allocated per post once it has grown.
/// </summary>
public sealed class TokenizedText
{
    private char[] _chars = new char[512];
    private Token[] _tokens = new Token[64];

    public int TokenCount { get; private set; }

    public ReadOnlySpan<Token> Tokens => _tokens.AsSpan(0, TokenCount);

    internal char[] Chars => _chars;

    public ReadOnlySpan<char> Surface(in Token t) => _chars.AsSpan(t.Start, t.Length);

    public ReadOnlySpan<char> Stem(in Token t) => _chars.AsSpan(t.Start, t.StemLength);

    /// <summary>All surface forms joined by single spaces (for tests and titles).</summary>
    public override string ToString() => string.Join(' ', Enumerable.Range(0, TokenCount).Select(i => Surface(_tokens[i]).ToString()));

    internal void Reset(int capacity)
    {
        if (_chars.Length < capacity)
        {
            _chars = new char[Math.Max(capacity, _chars.Length * 2)];
        }

        TokenCount = 0;
    }

    internal void Add(Token token)
    {
        if (TokenCount == _tokens.Length)
        {
            Array.Resize(ref _tokens, _tokens.Length * 2);
        }

        _tokens[TokenCount++] = token;
    }
}
