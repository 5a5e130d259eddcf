namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>
/// The clusterer's inverted index: word (hashed stem index, ≥ 0) → slots of the topics indexed under it, each list in
/// insertion order (removal swaps the last entry in). One open-addressing table (linear probing, power-of-two capacity,
/// at most half full) whose entries hold the word, the list's length and its array together: a lookup is one probe
/// into the table and one read of the array, where a <c>Dictionary&lt;int, List&lt;int&gt;&gt;</c> reads a bucket, an entry,
/// the list object and then its array. Word indices are already well-mixed hashes, so their low bits index the table.
/// A word whose list becomes empty leaves the table (the entries after it in its probe run shift back: no tombstones).
/// Not thread-safe.
/// </summary>
internal sealed class PostingTable
{
    private const int Empty = -1;
    private const int FirstListCapacity = 4;
    private Entry[] _entries;
    private int _mask;

    public PostingTable()
    {
        _entries = NewEntries(1024);
        _mask = _entries.Length - 1;
    }

    /// <summary>Words with a (non-empty) list.</summary>
    public int Count { get; private set; }

    /// <summary>Slots of the table (a diagnostic for tests: the table grows, it never shrinks).</summary>
    internal int Capacity => _entries.Length;

    /// <summary>The slots listed under <paramref name="word"/>; empty when the word has no list.</summary>
    public ReadOnlySpan<int> Find(int word)
    {
        var entries = _entries;
        var mask = _mask;
        var i = word & mask;
        while (true)
        {
            ref var e = ref entries[i];
            if (e.Word == word)
            {
                return new ReadOnlySpan<int>(e.Slots, 0, e.Length);
            }

            if (e.Word == Empty)
            {
                return default;
            }

            i = (i + 1) & mask;
        }
    }

    /// <summary>Appends <paramref name="slot"/> to <paramref name="word"/>'s list (created if absent).</summary>
    public void Add(int word, int slot)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(word);
        if ((Count + 1) * 2 > _entries.Length)
        {
            Grow();
        }

        var i = word & _mask;
        while (true)
        {
            ref var e = ref _entries[i];
            if (e.Word == word)
            {
                if (e.Length == e.Slots!.Length)
                {
                    Array.Resize(ref e.Slots, e.Length * 2);
                }

                e.Slots[e.Length++] = slot;
                return;
            }

            if (e.Word == Empty)
            {
                e.Word = word;
                e.Slots = new int[FirstListCapacity];
                e.Slots[0] = slot;
                e.Length = 1;
                Count++;
                return;
            }

            i = (i + 1) & _mask;
        }
    }

    /// <summary>
    /// Removes <paramref name="slot"/> from <paramref name="word"/>'s list (the last entry takes its place); the word
    /// leaves the table when its list becomes empty. No effect if the slot is not listed.
    /// </summary>
    public void Remove(int word, int slot)
    {
        var i = word & _mask;
        while (true)
        {
            ref var e = ref _entries[i];
            if (e.Word == Empty)
            {
                return;
            }

            if (e.Word == word)
            {
                break;
            }

            i = (i + 1) & _mask;
        }

        ref var entry = ref _entries[i];
        var at = Array.IndexOf(entry.Slots!, slot, 0, entry.Length);
        if (at < 0)
        {
            return;
        }

        entry.Slots![at] = entry.Slots[entry.Length - 1];
        entry.Length--;
        if (entry.Length == 0)
        {
            Delete(i);
        }
    }

    /// <summary>Entries listed in all lists together.</summary>
    public long EntryCount()
    {
        long n = 0;
        foreach (var e in _entries)
        {
            n += e.Word == Empty ? 0 : e.Length;
        }

        return n;
    }

    /// <summary>Empties table position <paramref name="hole"/>, moving later entries of its probe run back into it.</summary>
    private void Delete(int hole)
    {
        var entries = _entries;
        var mask = _mask;
        var j = hole;
        while (true)
        {
            j = (j + 1) & mask;
            if (entries[j].Word == Empty)
            {
                break;
            }

            // The entry at j may move to the hole only if its home position is not cyclically in (hole, j].
            var home = entries[j].Word & mask;
            var stays = hole <= j ? hole < home && home <= j : hole < home || home <= j;
            if (!stays)
            {
                entries[hole] = entries[j];
                hole = j;
            }
        }

        entries[hole] = new Entry(Empty);
        Count--;
    }

    private void Grow()
    {
        var old = _entries;
        _entries = NewEntries(old.Length * 2);
        _mask = _entries.Length - 1;
        foreach (var e in old)
        {
            if (e.Word == Empty)
            {
                continue;
            }

            var i = e.Word & _mask;
            while (_entries[i].Word != Empty)
            {
                i = (i + 1) & _mask;
            }

            _entries[i] = e;
        }
    }

    private static Entry[] NewEntries(int size)
    {
        var entries = new Entry[size];
        Array.Fill(entries, new Entry(Empty));
        return entries;
    }

    private struct Entry(int word)
    {
        public int Word = word;
        public int Length;
        public int[]? Slots;
    }
}
