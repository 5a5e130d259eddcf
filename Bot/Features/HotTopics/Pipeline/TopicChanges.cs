using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>A post shown on a topic card (the most-reached recent ones).</summary>
public sealed record TopicSamplePost(string Source, string Id, string Author, string Text, DateTimeOffset CreatedAt, long Reach, string? Url);

/// <summary>Everything a topic card needs about one topic, as of the end of an ingest batch.</summary>
/// <param name="Topic">The engine's snapshot.</param>
/// <param name="HourlyCounts">Posts per event-time hour, oldest first, ending at the hour of <see cref="TopicChangeBatch.Watermark"/> (at most 24).</param>
/// <param name="SamplePosts">Up to 3 sample posts, most reach first.</param>
/// <param name="Alarms">This topic's alarms so far (topic scope), oldest first.</param>
public sealed record TopicView(
    TopicSnapshot Topic,
    IReadOnlyList<int> HourlyCounts,
    IReadOnlyList<TopicSamplePost> SamplePosts,
    IReadOnlyList<TopicAlarm> Alarms);

/// <summary>What changed while one batch of posts was ingested.</summary>
/// <param name="ChangedTopics">Topics whose posts, state or severity changed in the batch (latest view of each).</param>
/// <param name="NewAlarms">Alarms raised in the batch, all scopes, in the order raised.</param>
/// <param name="NewMerges">Topic merges in the batch.</param>
/// <param name="Watermark">The newest event time (post <c>createdAt</c>) seen so far.</param>
/// <param name="IsRebuild">True while the engine is rebuilt from stored posts at startup: observers must not send anything.</param>
public sealed record TopicChangeBatch(
    IReadOnlyList<TopicView> ChangedTopics,
    IReadOnlyList<TopicAlarm> NewAlarms,
    IReadOnlyList<TopicMerge> NewMerges,
    DateTimeOffset Watermark,
    bool IsRebuild);

/// <summary>
/// Told about topic changes inside the ingest batch's database transaction, after the batch's rows are added and before
/// they are saved, so an observer's own rows (card state, outbox rows) commit atomically with the topic state.
/// Observers add rows to <paramref name="db"/>; they never call SaveChanges, commit, or the Connector.
/// Registered as many singletons (<c>services.AddSingleton&lt;ITopicChangeObserver, X&gt;()</c>); called in registration order.
/// </summary>
public interface ITopicChangeObserver
{
    Task OnTopicsChangedAsync(CrisisDbContext db, TopicChangeBatch batch, CancellationToken ct);
}
