namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>
/// A topic's centroid: hashed feature index (≥ 0) → summed weight. An open-addressing table (linear probing, power-of-two
/// capacity, at most half full) whose slots hold key and value together, so the clusterer's hottest operation, looking
/// up a post's features in a candidate's centroid, costs one memory access per feature instead of the two (bucket, then
/// entry) of a <see cref="Dictionary{TKey, TValue}"/>, and no comparer or modulo. Keys are already well-mixed hashes,
/// so the low bits index the table directly.
/// </summary>
/// <remarks>
/// <para>A topic of one post (most topics: noise and new wordings, until a second post joins or they retire) holds its
/// centroid <b>compact</b> (<see cref="FromSorted"/>): the post's own sorted entries, exactly sized (8 bytes per feature
/// instead of the hash table's 20–40), looked up by binary search; the first <see cref="GetValueRefOrAddDefault"/> turns
/// it into the table, inserting the entries in that same (sorted = insertion) order.</para>
/// Enumeration (<see cref="KeyAt"/>, <see cref="ValueAt"/>) is in insertion order, as a dictionary that is only added to
/// and cleared enumerates: the clusterer sums over centroids in that order, and floating-point sums depend on it, so
/// the same posts give bit-identical similarities (and so the same topics) as before. Entries are never removed one by
/// one (only <see cref="Clear"/> and <see cref="PruneTo"/>). Not thread-safe.
/// </remarks>
internal sealed class CentroidMap
{
    private const int Empty = -1;
    private Slot[] _slots; // the hash table, or (compact) the entries sorted by key, exactly Count long
    private int[] _order; // slot index of each entry, in insertion order (empty while compact)
    private int _mask; // -1 while compact

    public CentroidMap(int capacity = 16)
    {
        var size = 16;
        while (size < capacity * 2)
        {
            size <<= 1;
        }

        _slots = NewSlots(size);
        _mask = size - 1;
        _order = new int[size / 2];
    }

    private CentroidMap(Slot[] sorted)
    {
        _slots = sorted;
        _order = [];
        _mask = -1;
        Count = sorted.Length;
    }

    public int Count { get; private set; }

    /// <summary>Slots of the table (or entries while compact): reading it loads the table's header.</summary>
    internal int Capacity => _slots.Length;

    /// <summary>Whether the entries are held compact (sorted, exactly sized) rather than in the hash table.</summary>
    internal bool IsCompact => _mask < 0;

    /// <summary>
    /// A compact centroid holding <paramref name="indices"/> (strictly ascending, ≥ 0) with their
    /// <paramref name="values"/>: what adding them one by one to an empty map gives, in the same insertion order.
    /// </summary>
    public static CentroidMap FromSorted(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(values.Length, indices.Length);
        var slots = new Slot[indices.Length];
        for (var i = 0; i < slots.Length; i++)
        {
            ArgumentOutOfRangeException.ThrowIfNegative(indices[i]);
            if (i > 0 && indices[i] <= indices[i - 1])
            {
                throw new ArgumentException("indices must be strictly ascending", nameof(indices));
            }

            slots[i] = new Slot(indices[i], values[i]);
        }

        return new CentroidMap(slots);
    }

    /// <summary>The key of entry <paramref name="i"/> (0 ≤ i &lt; <see cref="Count"/>, insertion order).</summary>
    public int KeyAt(int i) => _mask < 0 ? _slots[i].Key : _slots[_order[i]].Key;

    /// <summary>The value of entry <paramref name="i"/> (insertion order).</summary>
    public float ValueAt(int i) => _mask < 0 ? _slots[i].Value : _slots[_order[i]].Value;

    /// <summary>
    /// Σ centroid[indices[i]] × values[i] over the features present, summed in the order of <paramref name="indices"/>
    /// (ascending): the post-to-centroid dot product of the clusterer, bit for bit the same in both representations.
    /// </summary>
    public double Dot(ReadOnlySpan<int> indices, ReadOnlySpan<float> values)
    {
        double dot = 0;
        if (_mask < 0)
        {
            // Both sorted: one merge pass.
            var slots = _slots;
            var j = 0;
            for (var i = 0; i < indices.Length && j < slots.Length; i++)
            {
                var key = indices[i];
                while (j < slots.Length && slots[j].Key < key)
                {
                    j++;
                }

                if (j < slots.Length && slots[j].Key == key)
                {
                    dot += slots[j].Value * values[i];
                }
            }

            return dot;
        }

        Touch(indices);
        for (var i = 0; i < indices.Length; i++)
        {
            if (TryGetHashed(indices[i], out var w))
            {
                dot += w * values[i];
            }
        }

        return dot;
    }

    /// <summary>
    /// Σ this[key] × other[key] over this map's entries, summed in this map's insertion order (the order the clusterer's
    /// topic comparison always used), looking each key up in <paramref name="other"/>.
    /// </summary>
    public double DotInOrder(CentroidMap other) => DotInOrder(other, double.PositiveInfinity, double.PositiveInfinity, double.NegativeInfinity);

    /// <summary>
    /// <see cref="DotInOrder(CentroidMap)"/>, bit for bit (same terms, same order), except that it gives up and returns
    /// <see cref="double.NaN"/> as soon as the dot product provably stays below <paramref name="atLeast"/>.
    /// <paramref name="normSquared"/> and <paramref name="otherNormSquared"/> must be upper bounds of Σ value² of this
    /// map and of <paramref name="other"/>. After some entries, by Cauchy–Schwarz the rest adds at most
    /// √((this map's Σ value² not yet visited) × (other's Σ value² not yet matched)), as the keys still to come are
    /// distinct and none of them was matched yet; when the dot so far plus that is below <paramref name="atLeast"/>, the
    /// full sum would be too. The bound is checked every 16 entries.
    /// </summary>
    public double DotInOrder(CentroidMap other, double normSquared, double otherNormSquared, double atLeast)
    {
        const int CheckEvery = 16;
        var count = Count;
        var mine = _slots;
        var order = _order;
        var compact = _mask < 0;
        var touch = other._mask >= 0;
        Span<int> keys = stackalloc int[Math.Min(count, 256)];
        double dot = 0;
        double mineSeen = 0; // Σ value² of this map's entries visited
        double otherMatched = 0; // Σ value² of other's entries matched
        for (var start = 0; start < count; start += keys.Length)
        {
            var n = Math.Min(keys.Length, count - start);
            if (touch)
            {
                // Touch other's home slots of this chunk's keys before looking them up (see Touch).
                for (var k = 0; k < n; k++)
                {
                    keys[k] = compact ? mine[start + k].Key : mine[order[start + k]].Key;
                }

                other.Touch(keys[..n]);
            }

            for (var i = start; i < start + n; i++)
            {
                ref var s = ref compact ? ref mine[i] : ref mine[order[i]];
                mineSeen += (double)s.Value * s.Value;
                if (other.TryGetValue(s.Key, out var x))
                {
                    dot += s.Value * x;
                    otherMatched += (double)x * x;
                }

                if ((i + 1) % CheckEvery == 0)
                {
                    var missing = atLeast - dot;
                    if (missing > 0 && missing * missing > Math.Max(0, normSquared - mineSeen) * Math.Max(0, otherNormSquared - otherMatched))
                    {
                        return double.NaN;
                    }
                }
            }
        }

        return dot;
    }

    /// <summary>
    /// Whether at least <paramref name="needed"/> of <paramref name="keys"/> have a value ≥ <paramref name="limit"/>
    /// (looked up in order, stopping at the <paramref name="needed"/>-th): the clusterer's shared-words test, with the
    /// representation decided once instead of per key. Touches the keys' home slots first when hashed.
    /// </summary>
    public bool HasAtLeast(ReadOnlySpan<int> keys, float limit, int needed)
    {
        if (needed <= 0)
        {
            return true;
        }

        var found = 0;
        var slots = _slots;
        if (_mask < 0)
        {
            foreach (var key in keys)
            {
                if (SortedIndexOf(slots, key) is var at && at >= 0 && slots[at].Value >= limit && ++found >= needed)
                {
                    return true;
                }
            }

            return false;
        }

        Touch(keys);
        foreach (var key in keys)
        {
            if (HashedIndexOf(key) is var at && at >= 0 && slots[at].Value >= limit && ++found >= needed)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Loads the home slot of each key once, without branches, so the cache misses of a batch of lookups overlap
    /// instead of each waiting behind the previous probe loop's branches (the lookups that follow then mostly hit the
    /// cache). No effect on results. Hashed maps only.
    /// </summary>
    internal void Touch(ReadOnlySpan<int> keys)
    {
        var slots = _slots;
        var mask = _mask;
        var sink = 0;
        foreach (var key in keys)
        {
            sink ^= slots[key & mask].Key;
        }

        s_sink = sink;
    }

    /// <summary>Touches <paramref name="keys"/>' home slots (<see cref="Touch"/>) when the map is hashed.</summary>
    internal void Prefetch(ReadOnlySpan<int> keys)
    {
        if (_mask >= 0)
        {
            Touch(keys);
        }
    }

    private static int s_sink; // keeps the touching loads (value unused)

    public bool TryGetValue(int key, out float value)
    {
        if (_mask < 0)
        {
            var at = SortedIndexOf(_slots, key);
            value = at >= 0 ? _slots[at].Value : 0;
            return at >= 0;
        }

        return TryGetHashed(key, out value);
    }

    /// <summary>The slot of <paramref name="key"/> in a compact map's sorted slots (binary search), or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private static int SortedIndexOf(Slot[] slots, int key)
    {
        var lo = 0;
        var hi = slots.Length - 1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var k = slots[mid].Key;
            if (k == key)
            {
                return mid;
            }

            if (k < key)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }

    private bool TryGetHashed(int key, out float value)
    {
        var at = HashedIndexOf(key);
        value = at >= 0 ? _slots[at].Value : 0;
        return at >= 0;
    }

    /// <summary>The slot of <paramref name="key"/> in a hashed map (linear probing from its home slot), or -1.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    private int HashedIndexOf(int key)
    {
        var slots = _slots;
        var mask = _mask;
        var i = key & mask;
        while (true)
        {
            var k = slots[i].Key;
            if (k == key)
            {
                return i;
            }

            if (k == Empty)
            {
                return -1;
            }

            i = (i + 1) & mask;
        }
    }

    public float GetValueOrDefault(int key) => TryGetValue(key, out var value) ? value : 0f;

    /// <summary>The value of <paramref name="key"/> by reference, added with 0 first if absent.</summary>
    public ref float GetValueRefOrAddDefault(int key)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(key);
        if (_mask < 0)
        {
            Expand();
        }

        if ((Count + 1) * 2 > _slots.Length)
        {
            Grow();
        }

        var i = key & _mask;
        while (true)
        {
            ref var s = ref _slots[i];
            if (s.Key == key)
            {
                return ref s.Value;
            }

            if (s.Key == Empty)
            {
                s.Key = key;
                s.Value = 0;
                _order[Count++] = i;
                return ref s.Value;
            }

            i = (i + 1) & _mask;
        }
    }

    public void Clear()
    {
        if (_mask < 0)
        {
            Expand();
        }

        Array.Fill(_slots, new Slot(Empty, 0));
        Count = 0;
    }

    /// <summary>Compact → hash table, inserting the entries in their (sorted = insertion) order.</summary>
    private void Expand()
    {
        var entries = _slots;
        var size = 32;
        while (size < (entries.Length + 1) * 2)
        {
            size <<= 1;
        }

        _slots = NewSlots(size);
        _mask = size - 1;
        _order = new int[size / 2];
        Count = 0;
        foreach (var e in entries)
        {
            GetValueRefOrAddDefault(e.Key) = e.Value;
        }
    }

    /// <summary>
    /// Keeps the <paramref name="keep"/> largest weights (ties: smaller key first), re-added in that order, and returns the
    /// squared norm summed in that order (what the clusterer's prune did with a sorted copy of a dictionary).
    /// </summary>
    public double PruneTo(int keep)
    {
        var keys = new int[Count];
        var values = new float[Count];
        for (var i = 0; i < Count; i++)
        {
            keys[i] = KeyAt(i);
            values[i] = ValueAt(i);
        }

        var index = new int[Count];
        for (var i = 0; i < index.Length; i++)
        {
            index[i] = i;
        }

        // Keys are distinct, so (value desc, key asc) is a total order: any sort gives the one result.
        Array.Sort(index, (a, b) => values[a] != values[b] ? values[b].CompareTo(values[a]) : keys[a].CompareTo(keys[b]));
        Clear();
        double norm = 0;
        for (var n = 0; n < Math.Min(keep, index.Length); n++)
        {
            var value = values[index[n]];
            GetValueRefOrAddDefault(keys[index[n]]) = value;
            norm += value * value;
        }

        return norm;
    }

    private void Grow()
    {
        var old = _slots;
        var oldOrder = _order;
        var count = Count;
        _slots = NewSlots(old.Length * 2);
        _mask = _slots.Length - 1;
        _order = new int[_slots.Length / 2];
        Count = 0;
        for (var n = 0; n < count; n++)
        {
            var s = old[oldOrder[n]];
            GetValueRefOrAddDefault(s.Key) = s.Value;
        }
    }

    private static Slot[] NewSlots(int size)
    {
        var slots = new Slot[size];
        Array.Fill(slots, new Slot(Empty, 0));
        return slots;
    }

    private struct Slot(int key, float value)
    {
        public int Key = key;
        public float Value = value;
    }
}
