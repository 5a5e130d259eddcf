using CrisisBot.Features.HotTopics.Text;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Text;

public class FeatureVectorSortTests
{
    private static readonly float[] Weights = [FeatureHasher.UnigramWeight, FeatureHasher.BigramWeight, FeatureHasher.TrigramWeight];

    private static (int[] Indices, float[] Values) Merge(IReadOnlyList<(int Index, float Weight)> entries, bool reference)
    {
        var v = new FeatureVector();
        foreach (var (index, weight) in entries)
        {
            v.Add(index, weight);
        }

        if (reference)
        {
            v.SortAndMergeWithArraySort();
        }
        else
        {
            v.SortAndMerge();
        }

        return (v.Indices.ToArray(), v.Values.ToArray());
    }

    private static void AssertSameBits((int[] Indices, float[] Values) expected, (int[] Indices, float[] Values) actual)
    {
        Assert.Equal(expected.Indices, actual.Indices);
        Assert.Equal(expected.Values.Select(BitConverter.SingleToInt32Bits), actual.Values.Select(BitConverter.SingleToInt32Bits));
    }

    [Fact]
    public void SortAndMerge_RandomVectorsWithRepeatedFeatures_SameBitsAsArraySort()
    {
        var random = new Random(5);
        for (var round = 0; round < 3000; round++)
        {
            // Few distinct indices (many repeats) in some rounds, the whole space in others; sizes across the small-sort cut-off.
            var space = round % 3 == 0 ? 40 : FeatureHasher.Dimensions;
            var count = random.Next(0, round % 5 == 0 ? 400 : 120);
            var entries = new List<(int, float)>();
            for (var i = 0; i < count; i++)
            {
                // Mostly equal weights per index (the usual post), sometimes a collision of different kinds.
                var index = random.Next(space);
                var weight = random.Next(50) == 0 ? Weights[random.Next(3)] : Weights[index % 3];
                entries.Add((index, weight));
            }

            AssertSameBits(Merge(entries, reference: true), Merge(entries, reference: false));
        }
    }

    [Fact]
    public void SortAndMerge_RunOfDifferentWeights_SumsInArraySortOrder()
    {
        // 1 + 0.4 + 0.4 can round differently from 0.4 + 0.4 + 1: such a run must be summed in Array.Sort's order.
        var entries = new List<(int, float)>();
        for (var i = 0; i < 30; i++)
        {
            entries.Add((7, Weights[i % 3]));
            entries.Add((1000 + i, 0.4f));
        }

        entries.Add((FeatureHasher.Dimensions - 1, 0.5f));
        entries.Add((0, 1f));
        var merged = Merge(entries, reference: false);
        AssertSameBits(Merge(entries, reference: true), merged);
        Assert.Equal(33, merged.Indices.Length); // 7, 1000..1029, 0 and the last index
        Assert.True(merged.Indices.AsSpan().SequenceEqual(merged.Indices.Order().ToArray()));
    }

    [Theory]
    [InlineData(new[] { 5 }, new[] { 5 })]
    [InlineData(new[] { 3, 3, 3, 3 }, new[] { 3 })]
    [InlineData(new[] { 9, 1, 9, 1, 0 }, new[] { 0, 1, 9 })]
    public void SortAndMerge_SmallVectors_SortedDistinctIndicesWithSummedWeights(int[] indices, int[] expected)
    {
        var merged = Merge(indices.Select(i => (i, 0.5f)).ToList(), reference: false);
        Assert.Equal(expected, merged.Indices);
        Assert.Equal(expected.Select(e => 0.5f * indices.Count(i => i == e)), merged.Values);
    }
}

public class SpanWordSetTests
{
    [Fact]
    public void Contains_EveryStopWordAndLexiconWord_TrueAndNeighboursFalse()
    {
        var set = new SpanWordSet(StopWords.English);
        var reference = new HashSet<string>(StopWords.English, StringComparer.Ordinal);
        foreach (var word in StopWords.English)
        {
            Assert.True(set.Contains(word));
            foreach (var probe in new[] { word + "s", word[..^1], "x" + word, word.ToUpperInvariant(), word + "\u00e9" })
            {
                Assert.Equal(reference.Contains(probe), set.Contains(probe));
            }
        }

        Assert.False(set.Contains(""));
        Assert.False(set.Contains(new string('a', 500)));
        Assert.Equal(StopWords.English.Max(w => w.Length), set.MaxLength);
        Assert.True(AbuseLexicon.IsAbusive("you IDIOOOOTS"));
        Assert.False(AbuseLexicon.IsAbusive("my parcel is late"));
    }

    [Fact]
    public void Contains_EmptySetAndDuplicates_Works()
    {
        Assert.False(new SpanWordSet([]).Contains("a"));
        var set = new SpanWordSet(["ab", "ab", "ba", "\u00e9t\u00e9"]);
        Assert.True(set.Contains("ab"));
        Assert.True(set.Contains("ba"));
        Assert.True(set.Contains("\u00e9t\u00e9"));
        Assert.False(set.Contains("a"));
        Assert.False(set.Contains("abc"));
    }
}
