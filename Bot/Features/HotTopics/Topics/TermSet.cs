using System.Collections;

namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>
/// A topic's indexed words (at most <see cref="ClusteringOptions.MaxIndexedTerms"/>, 256 by default): a plain array in
/// insertion order with a vectorised membership scan. Replaces a <see cref="HashSet{T}"/>, which costs 16–32 bytes per
/// word plus its object and two arrays (~400 bytes for a typical one-post topic of a dozen words, against ~70 here);
/// enumeration is in insertion order, as the hash set's was (words are only ever added, or all cleared), so candidate
/// lookups see the words in the same order. Not thread-safe.
/// </summary>
internal sealed class TermSet : IEnumerable<int>
{
    private int[] _items = [];

    public int Count { get; private set; }

    /// <summary>Slots allocated (for memory tests).</summary>
    public int Capacity => _items.Length;

    /// <summary>The words in insertion order.</summary>
    public ReadOnlySpan<int> AsSpan() => _items.AsSpan(0, Count);

    public bool Contains(int word) => AsSpan().Contains(word);

    /// <summary>Adds <paramref name="word"/> unless present; true when added.</summary>
    public bool Add(int word)
    {
        if (Contains(word))
        {
            return false;
        }

        if (Count == _items.Length)
        {
            Array.Resize(ref _items, Math.Max(8, _items.Length * 2));
        }

        _items[Count++] = word;
        return true;
    }

    /// <summary>Makes room for at least <paramref name="capacity"/> words in one allocation.</summary>
    public void EnsureCapacity(int capacity)
    {
        if (capacity > _items.Length)
        {
            Array.Resize(ref _items, capacity);
        }
    }

    /// <summary>Removes every word and releases the storage.</summary>
    public void Clear()
    {
        _items = [];
        Count = 0;
    }

    public Enumerator GetEnumerator() => new(this);

    IEnumerator<int> IEnumerable<int>.GetEnumerator() => GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator(TermSet set) : IEnumerator<int>
    {
        private int _index = -1;

        public readonly int Current => set._items[_index];

        readonly object IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < set.Count;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}
