using CrisisBot.Features.HotTopics.Text;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Topics;

/// <summary>Topic titles: top words of the examples by centroid weight, and the per-topic cache of the examples' words.</summary>
public sealed class TopicTitlesTests
{
    [Fact]
    public void Build_HeaviestExampleWordsFirst_TiesToRepeatedThenFirstSeen()
    {
        var topic = NewTopic(1, ["parcel never delivered", "tracking says parcel delivered"], ("parcel", 3f), ("delivered", 2f));

        // parcel 3 (+ repeat), delivered 2 (+ repeat), then the zero-weight words in first-seen order ("never" is a stop word).
        Assert.Equal("parcel · delivered · tracking · says", TopicTitles.Build(topic));
    }

    [Fact]
    public void Build_ExampleAddedOrTrimmedAfterATitle_SameAsATopicTitledAfresh()
    {
        var cached = NewTopic(1, ["card declined at the till", "card declined again"], ("declined", 1f));
        _ = TopicTitles.Build(cached); // reads the examples' words into the cache
        cached.Exemplars.Add("refund took ages ages ages");
        cached.Centroid!.GetValueRefOrAddDefault(Word("ages")) = 5f;

        var fresh = NewTopic(1, ["card declined at the till", "card declined again", "refund took ages ages ages"], ("declined", 1f), ("ages", 5f));
        Assert.Equal(TopicTitles.Build(fresh), TopicTitles.Build(cached));
        Assert.StartsWith("ages · declined", TopicTitles.Build(cached), StringComparison.Ordinal);

        cached.Exemplars.RemoveRange(1, 2); // the examples changed under the cache: it reads them again
        var trimmed = NewTopic(1, ["card declined at the till"], ("declined", 1f), ("ages", 5f));
        Assert.Equal(TopicTitles.Build(trimmed), TopicTitles.Build(cached));
        Assert.DoesNotContain("ages", TopicTitles.Build(cached), StringComparison.Ordinal);
    }

    [Fact]
    public void Build_NoExamplesOrOnlyStopWords_TopicId()
    {
        Assert.Equal("T7", TopicTitles.Build(NewTopic(7, [])));
        Assert.Equal("T8", TopicTitles.Build(NewTopic(8, ["it is on"])));
    }

    private static int Word(string word)
    {
        var tokens = new TokenizedText();
        TextNormalizer.Normalize(word, tokens);
        return FeatureHasher.WordIndex(tokens.Stem(tokens.Tokens[0]));
    }

    private static Topic NewTopic(int id, string[] examples, params (string Word, float Weight)[] weights)
    {
        var topic = new Topic(new TopicId(id), id - 1, 1, DateTimeOffset.UnixEpoch) { Size = Math.Max(2, examples.Length), Centroid = new CentroidMap() };
        foreach (var (word, weight) in weights)
        {
            topic.Centroid.GetValueRefOrAddDefault(Word(word)) = weight;
        }

        topic.Exemplars.AddRange(examples);
        return topic;
    }
}
