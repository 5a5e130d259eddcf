using CrisisBot.Features.HotTopics.Text;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Topics;

public sealed class TopicClustererIndexTests
{
    private static readonly DateTimeOffset At = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static FeatureVector Vector(string text)
    {
        var tokens = new TokenizedText();
        var vector = new FeatureVector();
        TextNormalizer.Normalize(text, tokens);
        FeatureHasher.Extract(tokens, vector);
        vector.Normalize();
        return vector;
    }

    [Fact]
    public void Merge_YoungerTopicLeavesTheIndex_PostingListsHoldExactlyTheIndexedTopicsWords()
    {
        var clusterer = new TopicClusterer(new ClusteringOptions(), products: 2);
        var parcel = clusterer.Assign(Vector("my parcel never arrived and the tracking page shows nothing"), At)!;
        var card = clusterer.Assign(Vector("interest charged on my credit card statement although I paid in full"), At)!;
        var lounge = clusterer.Assign(Vector("airport lounge closed and nobody at the desk told us anything"), At)!;
        var rate = clusterer.Assign(Vector("the exchange rate at the bureau counter was a joke today"), At)!;
        Assert.Equal(4, new[] { parcel, card, lounge, rate }.Select(t => t.Id).Distinct().Count());

        // Merging removes the younger topic's slots from posting lists that also hold older and newer topics.
        clusterer.Merge(card, lounge);

        var stats = clusterer.Stats();
        Assert.Equal(3, stats.Indexed);
        Assert.Equal(clusterer.Resident.Where(t => t.Indexed).Sum(t => (long)t.Terms.Count), stats.PostingEntries);
        Assert.False(lounge.Alive);
    }

    [Fact]
    public void Assign_AfterAMergeMovedPostingEntries_StillFindsEachRemainingTopic()
    {
        var clusterer = new TopicClusterer(new ClusteringOptions(), products: 2);
        var parcel = clusterer.Assign(Vector("my parcel never arrived and the tracking page shows nothing"), At)!;
        var card = clusterer.Assign(Vector("interest charged on my credit card statement although I paid in full"), At)!;
        var lounge = clusterer.Assign(Vector("my airport lounge was closed and nobody at the desk told us anything"), At)!;
        var rate = clusterer.Assign(Vector("my exchange rate at the bureau counter was a joke today"), At)!;
        clusterer.Merge(parcel, card);

        Assert.Same(rate, clusterer.Assign(Vector("the exchange rate at that bureau counter was a joke"), At));
        Assert.Same(lounge, clusterer.Assign(Vector("airport lounge closed, nobody at the desk told us anything"), At));
        Assert.Same(parcel, clusterer.Assign(Vector("interest charged on my credit card statement though I paid in full"), At));
    }
}
