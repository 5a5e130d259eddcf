using CrisisBot.Features.HotTopics.Spikes;

namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>A topic id. Sequential in creation order, so the same input in the same order gives the same ids.</summary>
public readonly record struct TopicId(int Value)
{
    public override string ToString() => $"T{Value}";
}

/// <summary>Topic lifecycle. Numeric values are stable (persisted later).</summary>
public enum TopicState
{
    /// <summary>New or reopened, not (yet) spiking.</summary>
    Emerging = 0,

    /// <summary>Its spike alarm is active.</summary>
    Hot = 1,

    /// <summary>The alarm ended; the topic is calming down.</summary>
    Cooling = 2,

    /// <summary>Calm for long enough (or faded away); a new post reopens it as emerging.</summary>
    Resolved = 3,
}

/// <summary>
/// One alarm event, at event time <see cref="At"/> (the createdAt of the post that fired it). Topic alarms carry
/// <see cref="TopicId"/>; product and overall volume alarms do not. <see cref="Product"/> is the topic's product (its
/// posts' majority), the product of a product series, or "*" for the overall series.
/// </summary>
public sealed record TopicAlarm(
    TopicId? TopicId,
    string Product,
    DateTimeOffset At,
    AlarmSeverity Severity,
    AlarmScope Scope,
    AlarmTransition Transition,
    int Count,
    double Expected,
    double PValue);

/// <summary>Topic <see cref="From"/> was merged into <see cref="Into"/> at event time <see cref="At"/>.</summary>
public sealed record TopicMerge(TopicId From, TopicId Into, DateTimeOffset At);

/// <summary>The result of processing one post.</summary>
/// <param name="TopicId">The topic the post joined, or null when the post has no usable words (emoji only).</param>
/// <param name="Product">The routed product key, or "triage".</param>
/// <param name="Abusive">Whether the abuse lexicon flagged the post.</param>
/// <param name="NewAlarms">How many alarms this post raised; they are the last entries of <see cref="HotTopicEngine.Alarms"/>.</param>
public readonly record struct PostOutcome(TopicId? TopicId, string Product, bool Abusive, int NewAlarms);

/// <summary>A read-only view of a topic (for the read API and cards).</summary>
public sealed record TopicSnapshot(
    TopicId Id,
    string Title,
    string Product,
    TopicState State,
    AlarmSeverity Severity,
    int Posts,
    int AbusivePosts,
    long Reach,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    double BaselinePerHour,
    double RecentPerHour,
    TopicId? MergedInto);

/// <summary>Tuning of the incremental clustering. Defaults were chosen on bench/quality (see bench/RESULTS.md).</summary>
public sealed record ClusteringOptions
{
    /// <summary>A post joins the most similar topic if cosine(post, centroid) reaches this. <value>0.30</value></summary>
    public float JoinThreshold { get; init; } = 0.30f;

    /// <summary>A post joins only if its mean similarity to the topic's posts reaches this (rejects diffuse topics). <value>0.15</value></summary>
    public float MinMeanSimilarity { get; init; } = 0.15f;

    /// <summary>Distinct words a post must share with a topic's frequent words to join it. <value>2</value></summary>
    public int MinSharedTerms { get; init; } = 2;

    /// <summary>A topic word is "frequent" when its centroid weight per post reaches this. <value>0.10</value></summary>
    public float StrongTermWeight { get; init; } = 0.10f;

    /// <summary>Two topics merge when cosine(centroid, centroid) reaches this. <value>0.30</value></summary>
    public float MergeThreshold { get; init; } = 0.30f;

    /// <summary>
    /// A topic about to raise a new alarm (and so a new card) while a topic of the same product turned hot at most this
    /// long ago is merged into it when it looks like a part of the same surge: a paraphrase sub-topic (one wording of the
    /// issue that started its own topic) alarms a few minutes after the main topic because it is smaller. Conditions: the
    /// hot topic is bigger, they share a frequent word, and a looser text bar (<see cref="SubTopicMergeFactor"/>,
    /// <see cref="SubTopicMeanFactor"/>); a topic whose surge starts later than this window after the hot one's keeps
    /// its own card. The default is the detector's longest window (30 minutes: 6 buckets of 5). Zero turns it off.
    /// <value>30 minutes</value>
    /// </summary>
    public TimeSpan SubTopicWindow { get; init; } = TimeSpan.FromMinutes(30);

    /// <summary>Cosine factor (of <see cref="MergeThreshold"/>) for that sub-topic merge. <value>2/3 (cosine ≥ 0.2)</value></summary>
    public float SubTopicMergeFactor { get; init; } = 2f / 3;

    /// <summary>Mean-similarity factor (of <see cref="MinMeanSimilarity"/>) for that sub-topic merge. <value>2/3 (mean ≥ 0.1)</value></summary>
    public float SubTopicMeanFactor { get; init; } = 2f / 3;

    /// <summary>Candidate topics scored exactly per post (chosen by shared words). <value>8</value></summary>
    public int MaxCandidates { get; init; } = 8;

    /// <summary>Words of a topic kept in the candidate index. <value>256</value></summary>
    public int MaxIndexedTerms { get; init; } = 256;

    /// <summary>Features kept per centroid (smallest weights are pruned beyond 1.5× this). <value>2048</value></summary>
    public int MaxCentroidFeatures { get; init; } = 2048;

    /// <summary>Topics with fewer than 3 posts leave the candidate index after this much event-time silence. <value>72 h</value></summary>
    public TimeSpan RetireSmallAfter { get; init; } = TimeSpan.FromHours(72);

    /// <summary>Any topic leaves the candidate index after this much silence. <value>14 days</value></summary>
    public TimeSpan RetireAfter { get; init; } = TimeSpan.FromDays(14);
}

/// <summary>All tuning of the hot-topic core.</summary>
public sealed record HotTopicOptions
{
    public ClusteringOptions Clustering { get; init; } = new();

    public SpikeDetectorOptions Spikes { get; init; } = new();

    /// <summary>A cooling topic without a new alarm for this long is resolved. <value>12 h</value></summary>
    public TimeSpan ResolveAfterCooling { get; init; } = TimeSpan.FromHours(12);

    /// <summary>An emerging topic without posts for this long is resolved. <value>48 h</value></summary>
    public TimeSpan ResolveQuietAfter { get; init; } = TimeSpan.FromHours(48);
}
