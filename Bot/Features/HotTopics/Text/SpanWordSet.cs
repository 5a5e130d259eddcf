using System.Runtime.CompilerServices;

namespace CrisisBot.Features.HotTopics.Text;

/// <summary>
/// A small, read-only set of words looked up by <see cref="ReadOnlySpan{T}"/> of characters (ordinal): stop words and the
/// abuse lexicon, asked once or twice per token of every post. Open addressing over a power-of-two table, the words'
/// characters in one array: a lookup is a short hash, one or two probes and a length + character compare, with no
/// interface call and no generic code of another assembly (a <c>HashSet&lt;string&gt;</c> alternate lookup goes through
/// the comparer's interface and, in a fresh process, runs unoptimised code for the first seconds of an import).
/// </summary>
internal sealed class SpanWordSet
{
    private readonly int[] _slots;      // word number + 1 per slot; 0 = empty
    private readonly int[] _starts;     // word i's characters: _chars[_starts[i] .. _starts[i + 1])
    private readonly char[] _chars;
    private readonly int _mask;

    public SpanWordSet(IEnumerable<string> words)
    {
        ArgumentNullException.ThrowIfNull(words);
        var distinct = words.Distinct(StringComparer.Ordinal).ToArray();
        var size = 16;
        while (size < distinct.Length * 4)
        {
            size *= 2;
        }

        _mask = size - 1;
        _slots = new int[size];
        _starts = new int[distinct.Length + 1];
        _chars = string.Concat(distinct).ToCharArray();
        for (var i = 0; i < distinct.Length; i++)
        {
            _starts[i + 1] = _starts[i] + distinct[i].Length;
            var slot = (int)Hash(distinct[i]) & _mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & _mask;
            }

            _slots[slot] = i + 1;
        }

        MaxLength = distinct.Length == 0 ? 0 : distinct.Max(w => w.Length);
    }

    /// <summary>The longest word's length: longer spans are never in the set.</summary>
    public int MaxLength { get; }

    public bool Contains(ReadOnlySpan<char> word)
    {
        if (word.Length > MaxLength)
        {
            return false;
        }

        var slot = (int)Hash(word) & _mask;
        while (true)
        {
            var n = _slots[slot];
            if (n == 0)
            {
                return false;
            }

            var start = _starts[n - 1];
            if (_starts[n] - start == word.Length && word.SequenceEqual(_chars.AsSpan(start, word.Length)))
            {
                return true;
            }

            slot = (slot + 1) & _mask;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static uint Hash(ReadOnlySpan<char> s)
    {
        var h = 2166136261u;
        foreach (var c in s)
        {
            h = (h ^ c) * 16777619u;
        }

        return h ^ (h >> 15);
    }
}
