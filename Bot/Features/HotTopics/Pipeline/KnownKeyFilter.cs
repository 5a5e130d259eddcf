using CrisisBot.Features.HotTopics.Intake;

namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>
/// A Bloom filter of the post keys this process has stored or loaded (about 1.2 bytes per key): "not contained" is
/// certain for those keys, so a batch only asks the database about keys that may be stored. The database stays the
/// authority: its unique key and <c>INSERT … ON CONFLICT DO NOTHING</c> decide, and a key stored by another process
/// since the last rebuild is caught there. Grows by adding segments of doubling capacity (a scalable Bloom filter),
/// each at about 1 % false positives. Not thread-safe: owned by the pipeline.
/// </summary>
internal sealed class KnownKeyFilter
{
    private const int Probes = 7;
    private const int BitsPerKey = 10;
    private const int FirstCapacity = 1 << 16;
    private readonly List<Segment> _segments = [];

    public long Count { get; private set; }

    /// <summary>Bytes held by the filter.</summary>
    public long Bytes => _segments.Sum(s => (long)s.Bits.Length * sizeof(ulong));

    public void Add(PostKey key) => Add(HashOf(key));

    /// <summary>Adds the key whose <see cref="HashOf"/> is <paramref name="hash"/> (computed once for a lookup and an add).</summary>
    public void Add(KeyHash hash)
    {
        if (_segments.Count == 0 || _segments[^1].Count >= _segments[^1].Capacity)
        {
            _segments.Add(new Segment(_segments.Count == 0 ? FirstCapacity : _segments[^1].Capacity * 2));
        }

        _segments[^1].Add(hash.H1, hash.H2);
        Count++;
    }

    /// <summary>False when the key was certainly never added; true when it may have been.</summary>
    public bool MightContain(PostKey key) => MightContain(HashOf(key));

    /// <summary><see cref="MightContain(PostKey)"/> for the key whose <see cref="HashOf"/> is <paramref name="hash"/>.</summary>
    public bool MightContain(KeyHash hash)
    {
        foreach (var segment in _segments)
        {
            if (segment.MightContain(hash.H1, hash.H2))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// The probe hashes of <paramref name="key"/>: one string hash of the key (its two strings), the second probe hash
    /// derived from the first by a multiplicative mix. Per-process randomised string hashes are fine: the filter never
    /// leaves memory. Two keys share all probes only when their 32-bit hashes collide (about n / 2³² of lookups, far
    /// below the filter's 1 % false positives), and a false positive only costs a database lookup.
    /// </summary>
    public static KeyHash HashOf(PostKey key)
    {
        var h1 = (uint)HashCode.Combine(key.Source, key.Id);
        var h2 = (uint)((h1 * 0x9E3779B97F4A7C15UL) >> 32) | 1u;
        return new KeyHash(h1, h2);
    }

    /// <summary>A key's probe hashes (<see cref="HashOf"/>).</summary>
    internal readonly record struct KeyHash(uint H1, uint H2);

    private sealed class Segment(int capacity)
    {
        private readonly ulong _bitCount = (ulong)capacity * BitsPerKey;

        public ulong[] Bits { get; } = new ulong[(((long)capacity * BitsPerKey) + 63) / 64];

        public int Capacity { get; } = capacity;

        public int Count { get; private set; }

        public void Add(uint h1, uint h2)
        {
            ulong h = h1;
            for (var i = 0; i < Probes; i++, h += h2)
            {
                var bit = h % _bitCount;
                Bits[bit >> 6] |= 1UL << (int)(bit & 63);
            }

            Count++;
        }

        public bool MightContain(uint h1, uint h2)
        {
            ulong h = h1;
            for (var i = 0; i < Probes; i++, h += h2)
            {
                var bit = h % _bitCount;
                if ((Bits[bit >> 6] & (1UL << (int)(bit & 63))) == 0)
                {
                    return false;
                }
            }

            return true;
        }
    }
}
