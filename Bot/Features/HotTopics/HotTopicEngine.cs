using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Text;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Features.HotTopics;

/// <summary>
/// The storage-free hot-topic core: for each post, normalise → features → route to a product → cluster into a topic
/// → count in the topic, product and overall spike series → alarms and lifecycle. Everything is driven by the posts'
/// <c>createdAt</c> (event time); arrival time is never read, so replaying a file gives the same topics and alarms.
/// </summary>
/// <remarks>Single-threaded by design (one engine per pipeline); it reuses scratch buffers across posts.</remarks>
public sealed class HotTopicEngine
{
    private const string OverallKey = "*";

    private readonly HotTopicOptions _options;
    private readonly ProductRouter _router;
    private readonly TopicClusterer _clusterer;
    private readonly DocumentFrequencies _df = new();
    private readonly TokenizedText _tokens = new();
    private readonly FeatureVector _vector = new();
    private readonly OnePostTitles _ownTitles = new();
    private readonly SpikeSeries[] _productSeries;
    private readonly SpikeSeries _overall;
    private readonly SortedSet<int> _activeTopics = [];
    private readonly List<TopicAlarm> _alarms = [];
    private readonly List<TopicMerge> _merges = [];
    private readonly List<TopicMerge> _subTopicMerges = [];
    private readonly List<SpikeSignal> _signals = [];
    private readonly List<TopicId> _sweptTopics = [];
    private DateTimeOffset? _watermark;
    private long _watermarkBucket = long.MinValue;
    private long _lastSweepHour = long.MinValue;

    // Per topic slot: the event time (UTC ticks) before which the hourly sweep cannot change that topic as it is now, so
    // the sweep skips it without loading it (0: look at it in the next sweep; slots past the end count as 0). Set from
    // the topic after each sweep visit (NextSweepChange); reset to 0 whenever a post, an alarm transition or a merge
    // changes the topic (MarkForSweep), which is the only way what the sweep checks can move earlier.
    private long[] _sweepDue = new long[256];
    private DateTimeOffset _now;

    public HotTopicEngine(ProductRouter router, HotTopicOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(router);
        _router = router;
        _options = options ?? new HotTopicOptions();
        var products = router.Catalog.Products.Count;
        _clusterer = new TopicClusterer(_options.Clustering, products) { Merged = OnMerged };
        _productSeries = new SpikeSeries[products + 1];
        for (var i = 0; i < _productSeries.Length; i++)
        {
            _productSeries[i] = new SpikeSeries(_options.Spikes);
        }

        _overall = new SpikeSeries(_options.Spikes);
    }

    public HotTopicOptions Options => _options;

    /// <summary>For tests: the hourly sweep looks at every resident topic instead of skipping those not due yet.</summary>
    internal bool SweepEveryTopic { get; init; }

    /// <summary>For tests: false titles a new topic only when it is first built, from its example text (as before the early title).</summary>
    internal bool TitleNewTopicsAtOnce { get; init; } = true;

    /// <summary>Every alarm event so far, in the order raised.</summary>
    public IReadOnlyList<TopicAlarm> Alarms => _alarms;

    /// <summary>Every topic merge so far.</summary>
    public IReadOnlyList<TopicMerge> Merges => _merges;

    /// <summary>The merges of those that folded a spike's sub-topic into the hot topic (see <see cref="ClusteringOptions.SubTopicWindow"/>); diagnostics.</summary>
    public IReadOnlyList<TopicMerge> SubTopicMerges => _subTopicMerges;

    /// <summary>The newest event time seen.</summary>
    public DateTimeOffset? Watermark => _watermark;

    public long PostsProcessed { get; private set; }

    /// <summary>
    /// Moves the ids of topics whose state changed without a post or an alarm (resolved by the hourly sweep) since the
    /// last call into <paramref name="into"/>, so a persistence layer can save their new state.
    /// </summary>
    public void DrainSweptTopics(ICollection<TopicId> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        foreach (var id in _sweptTopics)
        {
            into.Add(id);
        }

        _sweptTopics.Clear();
    }

    public PostOutcome Process(SocialPost post) => Process(post, null, 0);

    /// <summary>
    /// Processes a post whose text was already normalised and featurised (entry <paramref name="index"/> of
    /// <paramref name="prepared"/>, computed from <c>post.Text</c> on another thread); null computes it here. The result
    /// is the same either way.
    /// </summary>
    internal PostOutcome Process(SocialPost post, FeatureChunk? prepared, int index)
    {
        ArgumentNullException.ThrowIfNull(post);
        var alarmsBefore = _alarms.Count;
        var at = post.CreatedAt;
        _now = at;
        PostsProcessed++;
        AdvanceWatermark(at);

        ProductRoute route;
        bool abusive;
        if (prepared is null)
        {
            TextNormalizer.Normalize(post.Text, _tokens);
            FeatureHasher.Extract(_tokens, _vector);
            _df.AddAndWeight(_vector);
            route = _router.Route(_tokens, _vector);
            abusive = AbuseLexicon.IsAbusive(_tokens);
        }
        else
        {
            // The text-only parts (tokens, raw vector, routing rules, abuse flag) were computed ahead on another thread.
            prepared.Load(index, _vector);
            _df.AddAndWeight(_vector);
            route = _router.Route(prepared.RuleScores(index), _vector);
            abusive = prepared.IsAbusive(index);
        }

        var reach = post.Reach;

        TopicId? topicId = null;
        var topic = _clusterer.Assign(_vector, at);
        if (topic is not null)
        {
            topicId = topic.Id;
            Record(topic, post, route, abusive, reach);
            if (topic.Size == 1 && TitleNewTopicsAtOnce)
            {
                TitleNewTopic(topic, post, prepared, index);
            }
        }

        var productSlot = route.IsTriage ? _productSeries.Length - 1 : route.ProductIndex;
        _signals.Clear();
        _productSeries[productSlot].Observe(at, reach, _signals);
        Raise(null, route.ProductKey, AlarmScope.Product, _signals);
        _signals.Clear();
        _overall.Observe(at, reach, _signals);
        Raise(null, OverallKey, AlarmScope.Overall, _signals);

        return new PostOutcome(topicId, route.ProductKey, abusive, _alarms.Count - alarmsBefore);
    }

    /// <summary>
    /// Titles a topic just created from <paramref name="post"/> from the words its text was normalised into for its
    /// features (see <see cref="OnePostTitles"/>); <see cref="TopicTitles.Build"/> returns that title while the topic is
    /// still this one post, instead of normalising its text again in its first batch's views and when it retires.
    /// </summary>
    private void TitleNewTopic(Topic topic, SocialPost post, FeatureChunk? prepared, int index)
    {
        if (topic.Centroid is not { } centroid || topic.Exemplars.Count != 1 || !ReferenceEquals(topic.Exemplars[0], post.Text))
        {
            return;
        }

        OnePostTitles words;
        if (prepared is null)
        {
            // This post's tokens are still in _tokens (normalised at the start of Process).
            words = _ownTitles;
            words.Clear();
            words.Add(_tokens, keep: true);
            index = 0;
        }
        else
        {
            words = prepared.Titles;
        }

        if (TopicTitles.BuildOnePost(words, index, centroid, topic.Id) is { } title)
        {
            topic.SetOnePostTitle(post.Text, title);
        }
    }

    /// <summary>Moves event time forward without a post (ends alarms and ages topics during quiet periods).</summary>
    public void AdvanceTo(DateTimeOffset eventTime)
    {
        _now = eventTime;
        AdvanceWatermark(eventTime);
        _signals.Clear();
        for (var i = 0; i < _productSeries.Length; i++)
        {
            _signals.Clear();
            _productSeries[i].AdvanceTo(eventTime, _signals);
            Raise(null, ProductKey(i), AlarmScope.Product, _signals);
        }

        _signals.Clear();
        _overall.AdvanceTo(eventTime, _signals);
        Raise(null, OverallKey, AlarmScope.Overall, _signals);
    }

    /// <summary>What the engine holds in memory, as counts (for benchmarks and diagnostics).</summary>
    public string DescribeMemory()
    {
        var s = _clusterer.Stats();
        return string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"topics {s.Topics:N0} (resident {s.Resident:N0}, indexed {s.Indexed:N0}, with series {s.Series:N0}), centroid entries {s.CentroidEntries:N0}, indexed terms {s.IndexedTerms:N0}, exemplars {s.Exemplars:N0}, posting lists {s.PostingLists:N0} ({s.PostingEntries:N0} entries), alarms {_alarms.Count:N0}, merges {_merges.Count:N0}");
    }

    /// <summary>
    /// Diagnostics for benchmarks: how topic <paramref name="a"/> relates to topic <paramref name="b"/> (centroid cosine and
    /// mean similarity, exemplar-to-exemplar similarities, shared frequent words, recent bucket counts).
    /// </summary>
    public string DescribePair(TopicId a, TopicId b)
    {
        var ta = _clusterer.Get(Slot(a));
        var tb = _clusterer.Get(Slot(b));
        if (ta?.Centroid is null || tb?.Centroid is null)
        {
            return $"{a} or {b}: not live";
        }

        var inv = System.Globalization.CultureInfo.InvariantCulture;
        var text = new System.Text.StringBuilder();
        var (cos, mean) = TopicClusterer.Compare(ta, tb);
        text.Append(inv, $"{a} '{TopicTitles.Build(ta)}' ({ta.Size}) vs {b} '{TopicTitles.Build(tb)}' ({tb.Size}): cosine {cos:F3}, mean {mean:F3}\n");
        var va = ExemplarVectors(ta);
        var vb = ExemplarVectors(tb);
        var cross = va.SelectMany(x => vb.Select(x.Dot)).ToList();
        var within = va.SelectMany((x, i) => va.Skip(i + 1).Select(x.Dot)).ToList();
        text.Append(inv, $"  exemplars a×b: max {cross.DefaultIfEmpty().Max():F3} mean {cross.DefaultIfEmpty().Average():F3}; within a: mean {within.DefaultIfEmpty().Average():F3}\n");
        var names = new Dictionary<int, string>();
        var tokens = new TokenizedText();
        foreach (var e in ta.Exemplars.Concat(tb.Exemplars))
        {
            TextNormalizer.Normalize(e, tokens);
            foreach (var t in tokens.Tokens)
            {
                names.TryAdd(FeatureHasher.WordIndex(tokens.Stem(t)), tokens.Surface(t).ToString());
            }
        }

        var shared = ta.Terms.Where(tb.Terms.Contains)
            .Select(w => (Word: names.GetValueOrDefault(w, "#" + w), Wa: ta.Centroid.GetValueOrDefault(w) / ta.Size, Wb: tb.Centroid.GetValueOrDefault(w) / tb.Size, Idf: _df.Idf(w)))
            .Where(x => x.Wa >= 0.02 || x.Wb >= 0.02)
            .OrderByDescending(x => Math.Min(x.Wa, x.Wb))
            .Take(8);
        text.Append("  shared words (per-post weight a/b, idf): ");
        text.AppendJoin(", ", shared.Select(x => string.Create(inv, $"{x.Word} {x.Wa:F2}/{x.Wb:F2} idf {x.Idf:F1}")));
        text.Append('\n');
        foreach (var (t, label) in new[] { (ta, "a"), (tb, "b") })
        {
            if (t.Series is { } series)
            {
                var (counts, expected) = series.Recent();
                text.Append(inv, $"  {label} recent buckets: {string.Join(' ', counts)} (expected now {expected[^1]:F2})\n");
            }
        }

        foreach (var e in ta.Exemplars.Take(4))
        {
            text.Append("  a: ").Append(e).Append('\n');
        }

        foreach (var e in tb.Exemplars.Take(4))
        {
            text.Append("  b: ").Append(e).Append('\n');
        }

        return text.ToString();
    }

    private List<FeatureVector> ExemplarVectors(Topic t)
    {
        var tokens = new TokenizedText();
        var list = new List<FeatureVector>();
        foreach (var e in t.Exemplars)
        {
            TextNormalizer.Normalize(e, tokens);
            var v = new FeatureVector();
            FeatureHasher.Extract(tokens, v);
            var values = v.MutableValues;
            var indices = v.Indices;
            for (var i = 0; i < indices.Length; i++)
            {
                values[i] *= _df.Idf(indices[i]);
            }

            v.Normalize();
            if (v.Count > 0)
            {
                list.Add(v);
            }
        }

        return list;
    }

    /// <summary>The surviving topic for an id (topics merge).</summary>
    public TopicId Canonical(TopicId id) => new(_clusterer.Canonical(Slot(id)) + 1);

    /// <summary>A topic's snapshot; null for an unknown id or a topic released by <see cref="ReleaseSettled"/>.</summary>
    public TopicSnapshot? GetTopic(TopicId id)
    {
        var slot = id.Value - 1;
        return slot < 0 || slot >= _clusterer.Count || _clusterer.Get(slot) is not { } t ? null : Snapshot(t);
    }

    /// <summary>Live (not merged) topics held in memory, biggest first.</summary>
    public IReadOnlyList<TopicSnapshot> Topics(int minPosts = 1) =>
        [.. _clusterer.Resident.Where(t => t.Alive && t.Size >= minPosts)
            .OrderByDescending(t => t.Size).ThenBy(t => t.Slot).Select(Snapshot)];

    /// <summary>
    /// Forgets topics that can no longer change, so memory stays bounded on long runs: resolved topics that left the
    /// candidate index (no post can join them any more) with no open alarm, and topics merged into another (frozen at
    /// the merge; only the survivor their id resolves to can change later, which <see cref="Canonical"/> still tells).
    /// Call it only after their last state was saved (the pipeline does, after each committed batch). Their ids still
    /// resolve through <see cref="Canonical"/>; <see cref="GetTopic"/> returns null for them. Returns the released ids.
    /// </summary>
    public IReadOnlyList<TopicId> ReleaseSettled()
    {
        var released = _clusterer.Release(static t => t.State == TopicState.Resolved);
        foreach (var id in released)
        {
            _activeTopics.Remove(Slot(id));
        }

        return released;
    }

    private static int Slot(TopicId id) => id.Value - 1;

    private string ProductKey(int slot) =>
        slot >= 0 && slot < _router.Catalog.Products.Count ? _router.Catalog.Products[slot].Key : ProductCatalog.TriageKey;

    private string MajorityProduct(Topic t)
    {
        var best = -1;
        for (var i = 0; i < t.ProductVotes.Length - 1; i++)
        {
            if (t.ProductVotes[i] > 0 && (best < 0 || t.ProductVotes[i] > t.ProductVotes[best]))
            {
                best = i;
            }
        }

        // Triage only wins when it outnumbers every product twice over.
        return best >= 0 && t.ProductVotes[best] * 2 >= t.ProductVotes[^1] ? ProductKey(best) : ProductCatalog.TriageKey;
    }

    private void Record(Topic topic, SocialPost post, ProductRoute route, bool abusive, long reach)
    {
        MarkForSweep(topic);
        var at = post.CreatedAt;
        if (at < topic.FirstSeen)
        {
            topic.FirstSeen = at;
        }

        if (at > topic.LastSeen)
        {
            topic.LastSeen = at;
        }

        topic.ProductVotes[route.IsTriage ? topic.ProductVotes.Length - 1 : route.ProductIndex]++;
        if (abusive)
        {
            topic.Abusive++;
        }

        topic.Reach += reach;
        if (topic.Exemplars.Count < Topic.MaxExemplars)
        {
            topic.Exemplars.Add(post.Text.Length <= Topic.MaxExemplarLength ? post.Text : post.Text[..Topic.MaxExemplarLength]);
        }

        if (topic.State == TopicState.Resolved)
        {
            topic.State = TopicState.Emerging;
        }

        _signals.Clear();
        if (topic.Series is null)
        {
            // Singletons never alarm (minimum count), so a series is only allocated from the second post on.
            if (topic.Size < 2)
            {
                topic.FirstReach = reach;
                return;
            }

            topic.Series = new SpikeSeries(_options.Spikes);
            topic.Series.Observe(topic.FirstSeen, topic.FirstReach, _signals);
        }

        topic.Series.Observe(at, reach, _signals);
        if (_signals.Exists(static s => s.Transition == AlarmTransition.Onset)
            && (_clusterer.FindMergePartner(topic, OnsetMergeFactor, OnsetMeanFactor) ?? FindSpikeParent(topic)) is { } partner)
        {
            var mergesBefore = _merges.Count;
            // Before a topic raises a new alarm (and so a new card), fold it into a similar topic: during a spike new
            // wordings can start a sibling topic, and one spike should mean one card.
            var partnerWasActive = partner.Series?.Active == true;
            var survivor = _clusterer.Merge(topic, partner);
            if (_merges.Count > mergesBefore && _lastSpikeParent == partner)
            {
                _subTopicMerges.Add(_merges[^1]);
            }

            _lastSpikeParent = null;
            if (partnerWasActive)
            {
                _signals.RemoveAll(static s => s.Transition == AlarmTransition.Onset);
            }

            survivor.State = TopicState.Hot;
            MarkForSweep(survivor);
            _activeTopics.Add(survivor.Slot);
            topic = survivor;
        }

        ApplyTopicSignals(topic);
    }

    /// <summary>
    /// The hot topic whose spike a topic about to alarm is a part of, if any (a paraphrase sub-topic: one wording of the
    /// same surge). All of: same product; the hot topic's alarm started at most <see cref="ClusteringOptions.SubTopicWindow"/>
    /// ago (wordings of one event surge together; the smaller part only crosses the threshold a little later, while an
    /// unrelated issue of the product surges on its own clock); the hot topic is bigger (a part is a minority of the
    /// spike, so a bigger topic is never folded into a smaller one); at least one frequent word in common; and a loose
    /// text bar (<see cref="ClusteringOptions.SubTopicMergeFactor"/>, <see cref="ClusteringOptions.SubTopicMeanFactor"/>).
    /// Of several, the most similar.
    /// </summary>
    private Topic? FindSpikeParent(Topic topic)
    {
        var c = _options.Clustering;
        if (c.SubTopicWindow <= TimeSpan.Zero || topic.Centroid is null)
        {
            return null;
        }

        var product = MajorityProduct(topic);
        Topic? best = null;
        var bestCosine = 0f;
        foreach (var slot in _activeTopics)
        {
            var parent = _clusterer.Get(slot);
            if (parent is null || parent == topic || !parent.Alive || parent.Centroid is null || parent.Series is not { Active: true } series
                || parent.Size <= topic.Size || _now - series.ActiveSince > c.SubTopicWindow || MajorityProduct(parent) != product)
            {
                continue;
            }

            var (cosine, mean) = TopicClusterer.Compare(topic, parent);
            if (cosine > bestCosine && cosine >= c.MergeThreshold * c.SubTopicMergeFactor && mean >= c.MinMeanSimilarity * c.SubTopicMeanFactor
                && _clusterer.SharesFrequentWord(topic, parent))
            {
                best = parent;
                bestCosine = cosine;
            }
        }

        _lastSpikeParent = best;
        return best;
    }

    private Topic? _lastSpikeParent;

    /// <summary>Merge threshold factor applied when a topic is about to raise an onset.</summary>
    private const float OnsetMergeFactor = 0.8f;

    /// <summary>Mean-similarity factor applied when a topic is about to raise an onset.</summary>
    private const float OnsetMeanFactor = 1f;

    private void ApplyTopicSignals(Topic topic)
    {
        MarkForSweep(topic);
        foreach (var signal in _signals)
        {
            switch (signal.Transition)
            {
                case AlarmTransition.Onset:
                case AlarmTransition.Escalation:
                    topic.State = TopicState.Hot;
                    _activeTopics.Add(topic.Slot);
                    break;
                case AlarmTransition.End:
                    topic.State = TopicState.Cooling;
                    topic.CoolingSince = signal.At;
                    _activeTopics.Remove(topic.Slot);
                    break;
            }
        }

        Raise(topic.Id, MajorityProduct(topic), AlarmScope.Topic, _signals);
    }

    private void Raise(TopicId? topic, string product, AlarmScope scope, List<SpikeSignal> signals)
    {
        foreach (var s in signals)
        {
            _alarms.Add(new TopicAlarm(topic, product, s.At, s.Severity, scope, s.Transition, s.Count, s.Expected, s.PValue));
        }
    }

    private void AdvanceWatermark(DateTimeOffset at)
    {
        if (_watermark is { } w && at <= w)
        {
            return;
        }

        _watermark = at;
        var bucket = _options.Spikes.BucketOf(at);
        if (bucket != _watermarkBucket)
        {
            _watermarkBucket = bucket;
            // Close buckets of topics in alarm so their alarms can end even when their posts stop.
            foreach (var slot in _activeTopics.ToArray())
            {
                var t = _clusterer.Get(slot)!;
                _signals.Clear();
                t.Series!.AdvanceTo(at, _signals);
                ApplyTopicSignals(t);
            }
        }

        var hour = at.ToUnixTimeSeconds() / 3600;
        if (hour != _lastSweepHour)
        {
            _lastSweepHour = hour;
            Sweep(at);
        }
    }

    private void Sweep(DateTimeOffset watermark)
    {
        // One pass over the resident topics: retiring a topic touches only that topic (and its posting entries), and
        // the steps below read only the topic at hand, so each topic retired and then swept gives what a retire pass
        // over all topics followed by a sweep pass gave. A topic the sweep cannot change yet is skipped by its due time
        // alone: on a 10-day file most of the ~3,600 resident topics are quiet for hours, and loading each of them every
        // event-time hour was about 2 % of the whole import's CPU, all of it on the engine thread (bench/RESULTS.md,
        // "Session 12").
        var now = watermark.UtcTicks;
        foreach (var slot in _clusterer.ResidentSlots)
        {
            if (!SweepEveryTopic && (uint)slot < (uint)_sweepDue.Length && _sweepDue[slot] > now)
            {
                continue;
            }

            var t = _clusterer.Get(slot)!;
            SweepTopic(t, watermark);
            if (slot >= _sweepDue.Length)
            {
                Array.Resize(ref _sweepDue, Math.Max(slot + 1, _sweepDue.Length * 2));
            }

            _sweepDue[slot] = NextSweepChange(t);
        }
    }

    /// <summary>Forgets <paramref name="t"/>'s sweep due time: the next sweep looks at it.</summary>
    private void MarkForSweep(Topic t)
    {
        if ((uint)t.Slot < (uint)_sweepDue.Length)
        {
            _sweepDue[t.Slot] = 0;
        }
    }

    /// <summary>
    /// The earliest event time (UTC ticks) at which <see cref="SweepTopic"/> could change <paramref name="t"/> as it is
    /// now: its retirement from the candidate index, its resolution (cooling or quiet emerging), or freeing a retired
    /// topic's series once it ends (checked every sweep). Exact, not early: each bound is the sweep's own comparison
    /// (<c>watermark - since &gt;= after</c>) solved for the watermark.
    /// </summary>
    private long NextSweepChange(Topic t)
    {
        if (!t.Alive)
        {
            return long.MaxValue; // merged: frozen
        }

        var next = long.MaxValue;
        if (t.Indexed)
        {
            var c = _options.Clustering;
            next = Due(t.LastSeen, t.Size < 3 && c.RetireSmallAfter < c.RetireAfter ? c.RetireSmallAfter : c.RetireAfter);
        }
        else if (t.Series is not null)
        {
            return 0; // retired with a series: freed once the series ends (the rest of its clean-up was just done)
        }

        if (t.State == TopicState.Cooling)
        {
            next = Math.Min(next, Due(t.CoolingSince, _options.ResolveAfterCooling));
        }
        else if (t.State == TopicState.Emerging)
        {
            next = Math.Min(next, Due(t.LastSeen, _options.ResolveQuietAfter));
        }

        return next;

        static long Due(DateTimeOffset since, TimeSpan after) =>
            after.Ticks > 0 && since.UtcTicks > long.MaxValue - after.Ticks ? long.MaxValue : since.UtcTicks + after.Ticks;
    }

    private void SweepTopic(Topic t, DateTimeOffset watermark)
    {
        _clusterer.RetireIfQuiet(t, watermark);
        if (!t.Alive)
        {
            return;
        }

        if ((t.State == TopicState.Cooling && watermark - t.CoolingSince >= _options.ResolveAfterCooling)
            || (t.State == TopicState.Emerging && watermark - t.LastSeen >= _options.ResolveQuietAfter))
        {
            t.State = TopicState.Resolved;
            _sweptTopics.Add(t.Id);
        }

        if (!t.Indexed)
        {
            // Retired from clustering: keep a summary, free the heavy parts (bounded memory on long runs).
            if (t.Series is { Active: false })
            {
                t.Series = null;
            }

            if (t.Exemplars.Count > 2)
            {
                t.Exemplars.RemoveRange(2, t.Exemplars.Count - 2);
                t.Exemplars.TrimExcess();
            }

            t.TitleTerms = null;
        }
    }

    private void OnMerged(Topic from, Topic into)
    {
        MarkForSweep(from);
        MarkForSweep(into);
        _merges.Add(new TopicMerge(from.Id, into.Id, _now));
        if (from.FirstSeen < into.FirstSeen)
        {
            into.FirstSeen = from.FirstSeen;
        }

        if (from.LastSeen > into.LastSeen)
        {
            into.LastSeen = from.LastSeen;
        }

        for (var i = 0; i < into.ProductVotes.Length; i++)
        {
            into.ProductVotes[i] += from.ProductVotes[i];
        }

        into.Abusive += from.Abusive;
        into.Reach += from.Reach;
        foreach (var e in from.Exemplars)
        {
            if (into.Exemplars.Count >= Topic.MaxExemplars)
            {
                break;
            }

            into.Exemplars.Add(e);
        }

        var fromSeries = from.Series;
        if (fromSeries is null)
        {
            fromSeries = new SpikeSeries(_options.Spikes);
            var scratch = new List<SpikeSignal>();
            fromSeries.Observe(from.FirstSeen, from.FirstReach, scratch);
        }

        if (into.Series is null)
        {
            into.Series = new SpikeSeries(_options.Spikes);
            var scratch = new List<SpikeSignal>();
            into.Series.Observe(into.FirstSeen, into.FirstReach, scratch);
        }

        if (fromSeries is not null)
        {
            into.Series.Absorb(fromSeries);
        }

        _activeTopics.Remove(from.Slot);
        if (into.Series.Active)
        {
            _activeTopics.Add(into.Slot);
            into.State = TopicState.Hot;
        }
        else if (from.State == TopicState.Cooling && into.State != TopicState.Hot)
        {
            into.State = TopicState.Cooling;
            into.CoolingSince = from.CoolingSince;
        }

        from.Series = null;

        // A merged topic only ever shows "merged into": keep its title, drop its example texts.
        from.RetiredTitle = TopicTitles.Build(from);
        from.Exemplars.Clear();
        from.Exemplars.TrimExcess();
        from.TitleTerms = null;
    }

    private TopicSnapshot Snapshot(Topic t)
    {
        var perHour = 3600.0 / _options.Spikes.BucketSeconds;
        var recentBuckets = 6;
        return new TopicSnapshot(
            t.Id,
            t.RetiredTitle ?? TopicTitles.Build(t),
            MajorityProduct(t),
            t.State,
            t.Series?.Severity ?? AlarmSeverity.None,
            t.Size,
            t.Abusive,
            t.Reach,
            t.FirstSeen,
            t.LastSeen,
            (t.Series?.Baseline ?? _options.Spikes.FloorPerBucket) * perHour,
            (t.Series?.RecentCount ?? 0) * perHour / recentBuckets,
            t.Alive ? null : new TopicId(_clusterer.Canonical(t.Slot) + 1));
    }
}
