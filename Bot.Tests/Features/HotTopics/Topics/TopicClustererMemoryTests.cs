using CrisisBot.Features.HotTopics.Text;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Topics;

public sealed class TopicClustererMemoryTests
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
    public void Merge_MergedTopic_KeepsNoTermStorage()
    {
        var clusterer = new TopicClusterer(new ClusteringOptions(), products: 2);
        var older = clusterer.Assign(Vector("my parcel never arrived and the tracking page shows nothing at all"), At)!;
        var younger = clusterer.Assign(Vector("interest charged on my credit card statement although I paid in full"), At)!;
        Assert.NotSame(older, younger);
        Assert.NotEmpty(younger.Terms);

        var survivor = clusterer.Merge(older, younger);

        Assert.Same(older, survivor);
        Assert.False(younger.Alive);
        Assert.Empty(younger.Terms);
        Assert.Equal(0, younger.Terms.Capacity); // the merged topic's term set holds no storage // it stays resident until the survivor settles
        Assert.Equal(older.Slot, clusterer.Canonical(younger.Slot));
    }
}
