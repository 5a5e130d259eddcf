using CrisisBot.Features.HotTopics.Text;

namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>
/// Incremental (single-pass) clustering of post vectors into topics.
/// </summary>
/// <remarks>
/// <para><b>Method.</b> Each post is a unit TF-IDF vector over hashed word stems, word bigrams and character
/// trigrams (<see cref="FeatureHasher"/>). A topic is the sum of its posts' vectors (the centroid). A post joins the
/// topic with the highest cosine(post, centroid) if it reaches <see cref="ClusteringOptions.JoinThreshold"/>, else it
/// starts a new topic. Centroids absorb paraphrases over time (each new wording adds its words), and character
/// trigrams keep typos close.</para>
/// <para><b>Candidates.</b> Scoring every topic per post would not scale, so an inverted index maps word features to
/// the topics that used them; the <see cref="ClusteringOptions.MaxCandidates"/> topics sharing most words are scored
/// exactly. (Short posts share few words with wrong topics and almost always share a word with the right one, which
/// is what MinHash/LSH would approximate; the inverted index is exact, deterministic and cheap.) Quiet topics leave
/// the index, which bounds its size.</para>
/// <para><b>Coherence.</b> Cosine to a centroid alone lets a loose "chatter" topic swallow unrelated posts (its
/// centroid is spread over many words, so every post is a little similar). A post (or topic) therefore also needs a
/// mean similarity to the topic's posts (dot product with the summed centroid divided by the size) of at least
/// <see cref="ClusteringOptions.MinMeanSimilarity"/>: tight topics pass easily, diffuse ones stop growing.</para>
/// <para><b>Merge.</b> Early posts of one issue can found two topics before either centroid has learnt the other's
/// wording. When a topic reaches 2, 4, 8, 16… posts (and every 256 after) it is compared with its candidates centroid
/// to centroid, and merges into the older one if the cosine reaches <see cref="ClusteringOptions.MergeThreshold"/>.</para>
/// <para><b>Determinism.</b> No randomness, ties broken by topic order, so the same posts in the same order give the
/// same topics.</para>
/// </remarks>
internal sealed class TopicClusterer(ClusteringOptions options, int products)
{
    private const int MaxPostingScan = 2048;
    private const int MaxLookupWords = 48;
    private readonly List<Topic?> _topics = [];
    private readonly List<int> _parent = []; // per slot: the topic it was merged into, or -1 (kept after a topic is released)
    private readonly List<int> _resident = []; // slots whose Topic is still held, in creation order
    private readonly PostingTable _postings = new();
    private byte[] _overlap = new byte[1024]; // per slot: posting lists of this lookup that hold it (≤ MaxLookupWords)
    private int[] _touched = new int[256];
    private int _touchedCount;
    private readonly List<(int Overlap, int Slot)> _ranked = [];
    private int[] _distinct = new int[64];
    private int _sink; // keeps the touching loads (value unused)

    /// <summary>Every topic slot ever created (released ones are null).</summary>
    public int Count => _topics.Count;

    /// <summary>Topics still held in memory, in creation order.</summary>
    public ResidentTopics Resident => new(this);

    internal int ResidentCount => _resident.Count;

    internal Topic ResidentAt(int index) => _topics[_resident[index]]!;

    /// <summary>The slots of <see cref="Resident"/>, in creation order (valid until the next <see cref="Release"/> or new topic).</summary>
    internal ReadOnlySpan<int> ResidentSlots => System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_resident);

    /// <summary>Raised after <c>from</c> was merged into <c>into</c>.</summary>
    public Action<Topic, Topic>? Merged { get; set; }

    /// <summary>The topic in <paramref name="slot"/>, or null once it was released (<see cref="Release"/>).</summary>
    public Topic? Get(int slot) => _topics[slot];

    /// <summary>Follows merges to the surviving topic's slot (works for released topics too).</summary>
    public int Canonical(int slot)
    {
        while (_parent[slot] >= 0)
        {
            slot = _parent[slot];
        }

        return slot;
    }

    /// <summary>
    /// Forgets topics that can no longer change: topics merged into another (frozen at the merge: only where their id
    /// resolves to can change, and <see cref="Canonical"/> keeps that), and topics out of the candidate index with no
    /// open alarm that <paramref name="settled"/> accepts. Their ids keep resolving through <see cref="Canonical"/>;
    /// everything else about them lives in storage. Returns the released ids.
    /// </summary>
    public List<TopicId> Release(Func<Topic, bool> settled)
    {
        ArgumentNullException.ThrowIfNull(settled);
        var released = new List<TopicId>();
        var write = 0;
        for (var read = 0; read < _resident.Count; read++)
        {
            var slot = _resident[read];
            var t = _topics[slot]!;
            var done = !t.Alive || (!t.Indexed && t.Series is not { Active: true } && settled(t));

            if (done)
            {
                _topics[slot] = null;
                released.Add(t.Id);
            }
            else
            {
                _resident[write++] = slot;
            }
        }

        _resident.RemoveRange(write, _resident.Count - write);
        return released;
    }

    /// <summary>Assigns a unit vector to a topic (existing or new). Returns null for an empty vector.</summary>
    public Topic? Assign(FeatureVector v, DateTimeOffset at)
    {
        if (v.Count == 0)
        {
            return null;
        }

        var words = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(v.Words);
        Candidates(words, excludeSlot: -1);
        var distinct = DistinctWords(words);
        var needed = Math.Min(options.MinSharedTerms, distinct.Length);

        // Load every candidate's topic, centroid and table header first: independent chains of three loads each, so
        // their cache misses overlap instead of coming one candidate at a time.
        var sink = 0;
        foreach (var (_, slot) in _ranked)
        {
            sink ^= _topics[slot]!.Centroid!.Capacity;
        }

        _sink = sink;
        Topic? best = null;
        var bestSim = 0f;
        foreach (var (_, slot) in _ranked)
        {
            var t = _topics[slot]!;

            // The shared-words test first: it is the same pure condition as after the similarity (the order of the
            // conditions does not change which topic wins), but it looks up a few words where the dot product looks up
            // every feature, and most candidates (about 70 % on the import's posts) fail it.
            if (!SharesEnoughTerms(distinct, needed, t))
            {
                continue;
            }

            var dot = Dot(v, t);
            var sim = t.NormSquared <= 0 ? 0f : (float)(dot / Math.Sqrt(t.NormSquared));
            if (sim > bestSim && dot / t.Size >= options.MinMeanSimilarity)
            {
                best = t;
                bestSim = sim;
            }
        }

        if (best is null || bestSim < options.JoinThreshold)
        {
            best = new Topic(new TopicId(_topics.Count + 1), _topics.Count, products, at);
            _resident.Add(_topics.Count);
            _topics.Add(best);
            _parent.Add(-1);
        }

        Add(best, v);
        if (IsCheckpoint(best.Size))
        {
            best = TryMerge(best, at);
        }

        return best;
    }

    private static bool IsCheckpoint(int size) => size >= 2 && ((size & (size - 1)) == 0 || size % 256 == 0);

    private void Add(Topic t, FeatureVector v)
    {
        var norm = t.NormSquared;
        var indices = v.Indices;
        var values = v.Values;
        var c = t.Centroid;
        if (c is null)
        {
            // A new topic: its centroid is this post's vector, held compact until a second post joins.
            c = t.Centroid = CentroidMap.FromSorted(indices, values);
            for (var i = 0; i < indices.Length; i++)
            {
                // What the update below adds for a slot that starts at 0 (its 2·slot·value term is exactly 0): same bits.
                norm += values[i] * values[i];
            }
        }
        else
        {
            c.Prefetch(indices);
            for (var i = 0; i < indices.Length; i++)
            {
                ref var slot = ref c.GetValueRefOrAddDefault(indices[i]);
                norm += (2.0 * slot * values[i]) + (values[i] * values[i]);
                slot += values[i];
            }
        }

        t.NormSquared = norm;
        if (t.Size++ == 0)
        {
            t.Terms.EnsureCapacity(Math.Min(v.Words.Count, options.MaxIndexedTerms));
        }

        foreach (var w in v.Words)
        {
            if (t.Terms.Count < options.MaxIndexedTerms && t.Terms.Add(w))
            {
                Post(w, t.Slot);
            }
        }

        if (c.Count > options.MaxCentroidFeatures * 3 / 2)
        {
            Prune(t);
        }
    }

    private void Post(int word, int slot) => _postings.Add(word, slot);

    private void Prune(Topic t)
    {
        t.NormSquared = t.Centroid!.PruneTo(options.MaxCentroidFeatures);
    }

    /// <summary>
    /// The post must share at least <see cref="ClusteringOptions.MinSharedTerms"/> distinct words (fewer if the post
    /// has fewer: <paramref name="needed"/>) that are common in the topic: centroid weight per post ≥
    /// <see cref="ClusteringOptions.StrongTermWeight"/>. One shared word ("vegetables") is a coincidence, two frequent
    /// ones ("parcel" + "delivered") are a topic. <paramref name="distinct"/>: the post's distinct words in first-seen order.
    /// </summary>
    private bool SharesEnoughTerms(ReadOnlySpan<int> distinct, int needed, Topic t) =>
        t.Centroid!.HasAtLeast(distinct, options.StrongTermWeight * t.Size, needed);

    /// <summary>The distinct words of <paramref name="words"/> in first-seen order (a scratch span, valid until the next call).</summary>
    private ReadOnlySpan<int> DistinctWords(ReadOnlySpan<int> words)
    {
        if (_distinct.Length < words.Length)
        {
            _distinct = new int[Math.Max(words.Length, _distinct.Length * 2)];
        }

        var n = 0;
        for (var i = 0; i < words.Length; i++)
        {
            // A plain loop: Span.Contains<int> is a shared generic that the import's ReadyToRun image does not hold,
            // so it would run quick-jitted code until it tiers up.
            var word = words[i];
            var seen = false;
            for (var k = 0; k < n && !seen; k++)
            {
                seen = _distinct[k] == word;
            }

            if (!seen)
            {
                _distinct[n++] = word;
            }
        }

        return _distinct.AsSpan(0, n);
    }

    /// <summary>Whether two topics have a word in common that is frequent in both (centroid weight per post ≥
    /// <see cref="ClusteringOptions.StrongTermWeight"/> in each).</summary>
    public bool SharesFrequentWord(Topic a, Topic b)
    {
        var (small, large) = a.Terms.Count <= b.Terms.Count ? (a, b) : (b, a);
        foreach (var w in small.Terms)
        {
            if (large.Terms.Contains(w)
                && small.Centroid!.GetValueOrDefault(w) >= options.StrongTermWeight * small.Size
                && large.Centroid!.GetValueOrDefault(w) >= options.StrongTermWeight * large.Size)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Dot product of a post with a centroid: divided by |centroid| it is the cosine, divided by the size
    /// it is the post's mean similarity to the topic's posts.</summary>
    private static double Dot(FeatureVector v, Topic t) => t.Centroid!.Dot(v.Indices, v.Values);

    internal static (float Cosine, double Mean) Compare(Topic a, Topic b) =>
        Compare(a, b, float.NegativeInfinity, double.NegativeInfinity) ?? throw new InvalidOperationException("unbounded comparison gave up");

    /// <summary>
    /// <see cref="Compare(Topic, Topic)"/>, bit for bit, or null when the result provably has a cosine below
    /// <paramref name="minCosine"/> or a mean below <paramref name="minMean"/> (a caller that ignores such a pair then
    /// need not finish the dot product; see <see cref="CentroidMap.DotInOrder(CentroidMap, double, double, double)"/>).
    /// </summary>
    internal static (float Cosine, double Mean)? Compare(Topic a, Topic b, float minCosine, double minMean)
    {
        var (small, large) = a.Centroid!.Count <= b.Centroid!.Count ? (a, b) : (b, a);
        var denominator = Math.Sqrt(a.NormSquared * b.NormSquared);
        var sizes = (double)a.Size * b.Size;

        // The dot product either condition needs, lowered by 1 % for rounding: the float products and double sums of
        // the dot product, and the drift of the tracked NormSquared from Σ value² (NormSlack).
        var atLeast = Math.Max(minCosine * denominator, minMean * sizes) * 0.99;
        var dot = small.Centroid!.DotInOrder(large.Centroid!, NormBound(small), NormBound(large), atLeast);
        if (double.IsNaN(dot))
        {
            return null;
        }

        return (denominator <= 0 ? 0 : (float)(dot / denominator), dot / sizes);
    }

    /// <summary>
    /// An upper bound of Σ value² of <paramref name="t"/>'s centroid (all values ≥ 0). <see cref="Topic.NormSquared"/> is
    /// exact up to float products after a prune or merge (relative error ≤ 2⁻²⁴), and each post since adds the square of
    /// the real sum while the stored float value is rounded (relative error ≤ 2⁻²⁴, ≤ 1.8e-7 on its square with the
    /// rounded v² term; values only grow): the drift e stays below Size × 1.8e-7 of Σ value², so tracked × (1 + 2e)
    /// bounds it while e ≤ ½. Size × 4e-7 plus 1e-3; for very large topics (over 250,000 posts) no bound is claimed.
    /// </summary>
    private static double NormBound(Topic t)
    {
        var slack = t.Size * 4e-7;
        return slack > 0.1 ? double.PositiveInfinity : t.NormSquared * (1 + 1e-3 + slack);
    }

    /// <summary>Ranks live, indexed topics by shared words into <see cref="_ranked"/> (top <see cref="ClusteringOptions.MaxCandidates"/>).</summary>
    private void Candidates(ReadOnlySpan<int> words, int excludeSlot)
    {
        if (_overlap.Length < _topics.Count)
        {
            Array.Resize(ref _overlap, Math.Max(_topics.Count, _overlap.Length * 2));
        }

        var overlapOf = _overlap;
        var touched = _touched;
        var touchedCount = 0;
        var used = 0;
        foreach (var w in words)
        {
            // Words shared by very many topics say little about which one fits (an adaptive stop list), and scanning
            // them would dominate the cost; merge checks look at a topic's first words only.
            var list = _postings.Find(w); // empty: no topic is indexed under the word
            if (list.IsEmpty || list.Length > MaxPostingScan || ++used > MaxLookupWords)
            {
                continue;
            }

            if (touchedCount + list.Length > touched.Length)
            {
                Array.Resize(ref _touched, Math.Max(touchedCount + list.Length, touched.Length * 2));
                touched = _touched;
            }

            foreach (var slot in list)
            {
                if (slot == excludeSlot)
                {
                    continue;
                }

                // Branch-free: the slot is written at the end of the touched list either way and kept only on its
                // first count (whether a topic was seen before is unpredictable).
                var seen = overlapOf[slot];
                overlapOf[slot] = (byte)(seen + 1);
                touched[touchedCount] = slot;
                touchedCount += seen == 0 ? 1 : 0;
            }
        }

        _touchedCount = touchedCount;

        _ranked.Clear();
        var max = options.MaxCandidates;
        var touchedSlots = _touched.AsSpan(0, _touchedCount);
        if (touchedSlots.Length <= max)
        {
            foreach (var slot in touchedSlots)
            {
                _ranked.Add((_overlap[slot], slot));
                _overlap[slot] = 0;
            }

            _ranked.Sort(static (a, b) => a.Slot.CompareTo(b.Slot));
            return;
        }

        // The best MaxCandidates by (overlap desc, slot asc), exactly what sorting all touched topics and keeping the
        // first ones gives, in two linear passes (often thousands of topics are touched): a histogram of the overlaps
        // finds the cut-off overlap; everything above it is in, and of the topics at the cut-off the lowest slots fill
        // the remaining places.
        Span<int> histogram = stackalloc int[MaxLookupWords + 2];
        foreach (var slot in touchedSlots)
        {
            histogram[Math.Min(_overlap[slot], histogram.Length - 1)]++;
        }

        var above = 0;
        var cut = histogram.Length - 1;
        for (; cut > 1; cut--)
        {
            if (above + histogram[cut] >= max)
            {
                break;
            }

            above += histogram[cut];
        }

        var need = max - above;
        Span<int> ties = stackalloc int[need];
        var tieCount = 0;
        var worstTie = 0; // index in ties of the highest slot kept so far
        foreach (var slot in touchedSlots)
        {
            var overlap = Math.Min(_overlap[slot], histogram.Length - 1);
            _overlap[slot] = 0;
            if (overlap > cut)
            {
                _ranked.Add((overlap, slot));
            }
            else if (overlap == cut)
            {
                if (tieCount < need)
                {
                    ties[tieCount++] = slot;
                    if (ties[tieCount - 1] > ties[worstTie])
                    {
                        worstTie = tieCount - 1;
                    }
                }
                else if (slot < ties[worstTie])
                {
                    ties[worstTie] = slot;
                    for (var k = 0; k < tieCount; k++)
                    {
                        if (ties[k] > ties[worstTie])
                        {
                            worstTie = k;
                        }
                    }
                }
            }
        }

        _ranked.Sort(static (a, b) => a.Overlap != b.Overlap ? b.Overlap.CompareTo(a.Overlap) : a.Slot.CompareTo(b.Slot));
        ties[..tieCount].Sort();
        foreach (var slot in ties[..tieCount])
        {
            _ranked.Add((cut, slot));
        }
    }

    private Topic TryMerge(Topic t, DateTimeOffset at)
    {
        _ = at;
        var partner = FindMergePartner(t, 1f, 1f);
        return partner is null ? t : Merge(t, partner);
    }

    /// <summary>The most similar live topic that passes the merge rules (cosine threshold × <paramref name="factor"/>, mean similarity × <paramref name="meanFactor"/>), if any.</summary>
    public Topic? FindMergePartner(Topic t, float factor, float meanFactor, Func<Topic, bool>? eligible = null)
    {
        if (t.Centroid is null)
        {
            return null;
        }

        Candidates(t.Terms.AsSpan(), excludeSlot: t.Slot);
        Topic? best = null;
        var bestSim = 0f;
        foreach (var (_, slot) in _ranked)
        {
            var u = _topics[slot]!;
            if (eligible is not null && !eligible(u))
            {
                continue;
            }

            // A pair below the merge threshold (or the best so far) or below the mean cannot change the result: it is
            // never chosen over a better one, and a best below the threshold gives no partner either way.
            if (Compare(t, u, Math.Max(options.MergeThreshold * factor, bestSim), options.MinMeanSimilarity * meanFactor) is not var (sim, mean))
            {
                continue;
            }

            if (sim > bestSim && mean >= options.MinMeanSimilarity * meanFactor)
            {
                best = u;
                bestSim = sim;
            }
        }

        return best is not null && bestSim >= options.MergeThreshold * factor ? best : null;
    }

    /// <summary>Merges the younger of two topics into the older one and returns the survivor.</summary>
    public Topic Merge(Topic a, Topic b)
    {
        var (into, from) = a.Slot < b.Slot ? (a, b) : (b, a);
        MergeInto(from, into);
        return into;
    }

    private void MergeInto(Topic from, Topic into)
    {
        var c = into.Centroid!;
        var fromCentroid = from.Centroid!;
        for (var i = 0; i < fromCentroid.Count; i++)
        {
            c.GetValueRefOrAddDefault(fromCentroid.KeyAt(i)) += fromCentroid.ValueAt(i);
        }

        double norm = 0;
        for (var i = 0; i < c.Count; i++)
        {
            var w = c.ValueAt(i);
            norm += w * w;
        }

        into.NormSquared = norm;
        into.Size += from.Size;
        Unindex(from);
        foreach (var w in from.Terms)
        {
            if (into.Terms.Count < options.MaxIndexedTerms && into.Terms.Add(w))
            {
                Post(w, into.Slot);
            }
        }

        from.MergedInto = into.Slot;
        _parent[from.Slot] = into.Slot;
        from.Centroid = null;
        from.Terms.Clear(); // releases the storage too
        if (c.Count > options.MaxCentroidFeatures * 3 / 2)
        {
            Prune(into);
        }

        Merged?.Invoke(from, into);
    }

    private void Unindex(Topic t)
    {
        if (!t.Indexed)
        {
            return;
        }

        foreach (var w in t.Terms)
        {
            // Swaps the last entry in instead of shifting the rest: candidate lookups rank by (overlap, slot), never by
            // the order inside a posting list, so the order does not matter.
            _postings.Remove(w, t.Slot);
        }

        t.Indexed = false;
    }

    /// <summary>Counts of what the clusterer holds in memory (diagnostics for benchmarks and tests).</summary>
    public ClustererStats Stats()
    {
        var stats = new ClustererStats { Topics = _topics.Count, PostingLists = _postings.Count };
        foreach (var t in Resident)
        {
            stats.Resident++;
            stats.Indexed += t.Indexed ? 1 : 0;
            stats.CentroidEntries += t.Centroid?.Count ?? 0;
            stats.IndexedTerms += t.Terms.Count;
            stats.Exemplars += t.Exemplars.Count;
            stats.Series += t.Series is null ? 0 : 1;
        }

        stats.PostingEntries = _postings.EntryCount();

        return stats;
    }

    /// <summary>
    /// Removes <paramref name="t"/> from the candidate index and frees its centroid if it is quiet at
    /// <paramref name="watermark"/> (event-time sweep; the engine's hourly pass over <see cref="Resident"/> calls it for
    /// every topic, in creation order). Touches only <paramref name="t"/> and its posting entries.
    /// </summary>
    public void RetireIfQuiet(Topic t, DateTimeOffset watermark)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (!t.Indexed || !t.Alive)
        {
            return;
        }

        var quiet = watermark - t.LastSeen;
        if ((t.Size < 3 && quiet >= options.RetireSmallAfter) || quiet >= options.RetireAfter)
        {
            t.RetiredTitle = TopicTitles.Build(t); // while the centroid still ranks the words
            t.TitleTerms = null;
            Unindex(t);
            t.Centroid = null;
            t.Terms.Clear();
        }
    }
}

/// <summary>
/// The resident topics in creation order (<see cref="TopicClusterer.Resident"/>): a struct enumerator over the slot list,
/// so passes over every resident topic (statistics, snapshots) need no iterator object or interface calls. The hourly
/// sweep walks <see cref="TopicClusterer.ResidentSlots"/> instead, to skip topics without loading them.
/// </summary>
internal readonly struct ResidentTopics(TopicClusterer clusterer) : IEnumerable<Topic>
{
    public Enumerator GetEnumerator() => new(clusterer);

    IEnumerator<Topic> IEnumerable<Topic>.GetEnumerator() => GetEnumerator();

    System.Collections.IEnumerator System.Collections.IEnumerable.GetEnumerator() => GetEnumerator();

    public struct Enumerator(TopicClusterer clusterer) : IEnumerator<Topic>
    {
        private int _index = -1;

        public readonly Topic Current => clusterer.ResidentAt(_index);

        readonly object System.Collections.IEnumerator.Current => Current;

        public bool MoveNext() => ++_index < clusterer.ResidentCount;

        public void Reset() => _index = -1;

        public readonly void Dispose()
        {
        }
    }
}

/// <summary>What the clusterer holds (see <see cref="TopicClusterer.Stats"/>).</summary>
internal sealed class ClustererStats
{
    public int Topics { get; set; }

    public int Resident { get; set; }

    public int Indexed { get; set; }

    public long CentroidEntries { get; set; }

    public long IndexedTerms { get; set; }

    public long Exemplars { get; set; }

    public int Series { get; set; }

    public int PostingLists { get; set; }

    public long PostingEntries { get; set; }
}
