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

    [Theory]
    [InlineData("parcel parcel never delivered, tracking says delivered")]
    [InlineData("Café crème brûlée: the café was CLOSED closed closed 🙁 @shop https://example.com/x")]
    [InlineData("it is on to be")]
    [InlineData("ok no go up")]
    [InlineData("refund refund refund refund refund card card declined declined at the till again and again")]
    public void BuildOnePost_SameTitleAsBuildingTheOnePostTopicFromItsText(string text)
    {
        var words = new OnePostTitles();
        var tokens = new TokenizedText();
        TextNormalizer.Normalize("an earlier post, so the entry is not the first one", tokens);
        words.Add(tokens, keep: true);
        TextNormalizer.Normalize(text, tokens);
        words.Add(tokens, keep: true);
        var vector = new FeatureVector();
        FeatureHasher.Extract(tokens, vector);
        var topic = new Topic(new TopicId(5), 4, 1, DateTimeOffset.UnixEpoch)
        {
            Size = 1,
            Centroid = CentroidMap.FromSorted(vector.Indices, vector.Values),
        };
        topic.Exemplars.Add(text);

        var early = TopicTitles.BuildOnePost(words, 1, topic.Centroid, topic.Id);

        Assert.NotNull(early);
        Assert.Equal(TopicTitles.Build(topic), early); // normalises the text again
    }

    [Fact]
    public void Build_OnePostTitle_ReturnedWhileTheTopicIsThatOnePost_ThenBuiltAfresh()
    {
        const string text = "parcel never delivered, tracking says parcel delivered";
        var topic = NewTopic(3, [text], ("tracking", 9f));
        topic.Size = 1;
        var afresh = TopicTitles.Build(topic);
        Assert.StartsWith("tracking", afresh, StringComparison.Ordinal);

        topic.SetOnePostTitle(text, "the early title");
        Assert.Equal("the early title", TopicTitles.Build(topic));

        // Another text under the same count (not the post it was titled from): built from the examples, cache dropped.
        topic.Exemplars[0] = string.Concat(text.AsSpan(0, 6), text.AsSpan(6));
        Assert.Equal(afresh, TopicTitles.Build(topic));
        Assert.Null(topic.OnePostTitle);

        // A second post joined, or the centroid went (merged, retired): built afresh as well.
        topic.Exemplars[0] = text;
        topic.SetOnePostTitle(text, "the early title");
        topic.Size = 2;
        Assert.Equal(afresh, TopicTitles.Build(topic));
        Assert.Null(topic.OnePostTitle);
        topic.Size = 1;
        topic.SetOnePostTitle(text, "the early title");
        topic.Centroid = null;
        Assert.Equal("parcel · delivered · tracking · says", TopicTitles.Build(topic));
        Assert.Null(topic.OnePostTitle);
    }

    [Fact]
    public void OnePostTitles_PostsNotKept_HaveNoTitleAndTheOthersKeepTheirPlace()
    {
        var words = new OnePostTitles();
        var tokens = new TokenizedText();
        TextNormalizer.Normalize("lost luggage at the airport", tokens);
        words.Add(tokens, keep: false);
        words.Add(tokens, keep: true);

        Assert.Equal(2, words.Count);
        Assert.False(words.Has(0));
        Assert.Null(TopicTitles.BuildOnePost(words, 0, new CentroidMap(), new TopicId(1)));
        Assert.Throws<InvalidOperationException>(() => words.Indices(0).Length);
        Assert.Equal("lost · luggage · airport", TopicTitles.BuildOnePost(words, 1, new CentroidMap(), new TopicId(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => words.Has(2));

        words.Clear();
        Assert.Equal(0, words.Count);
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
