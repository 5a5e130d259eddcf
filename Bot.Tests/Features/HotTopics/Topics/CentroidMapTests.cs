using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Topics;

public sealed class CentroidMapTests
{
    private static readonly int[] Keys = [3, 17, 40, 41, 1000, 65_537, 1 << 20];
    private static readonly float[] Values = [0.5f, 0.25f, 0.125f, 0.1f, 0.3f, 0.7f, 0.05f];

    private static CentroidMap Hashed()
    {
        var map = new CentroidMap();
        for (var i = 0; i < Keys.Length; i++)
        {
            map.GetValueRefOrAddDefault(Keys[i]) += Values[i];
        }

        return map;
    }

    [Fact]
    public void FromSorted_SameEntriesOrderAndLookupsAsAddingOneByOne()
    {
        var compact = CentroidMap.FromSorted(Keys, Values);
        var hashed = Hashed();

        Assert.True(compact.IsCompact);
        Assert.Equal(hashed.Count, compact.Count);
        for (var i = 0; i < Keys.Length; i++)
        {
            Assert.Equal(hashed.KeyAt(i), compact.KeyAt(i));
            Assert.Equal(hashed.ValueAt(i), compact.ValueAt(i));
        }

        foreach (var key in new[] { 0, 3, 4, 40, 42, 999, 1000, 65_537, 1 << 20, int.MaxValue })
        {
            Assert.Equal(hashed.TryGetValue(key, out var h), compact.TryGetValue(key, out var c));
            Assert.Equal(h, c);
        }
    }

    [Fact]
    public void Dot_CompactAndHashed_BitIdentical()
    {
        int[] post = [1, 3, 40, 41, 999, 1000, 1 << 20, (1 << 20) + 1];
        float[] weights = [0.9f, 0.31f, 0.2f, 0.77f, 0.1f, 0.013f, 0.5f, 0.4f];

        var compact = CentroidMap.FromSorted(Keys, Values).Dot(post, weights);
        var hashed = Hashed().Dot(post, weights);

        Assert.Equal(BitConverter.DoubleToInt64Bits(hashed), BitConverter.DoubleToInt64Bits(compact));
        Assert.Equal((0.31f * 0.5f) + (0.2f * 0.125f) + (0.77f * 0.1f) + (0.013f * 0.3f) + (0.5f * 0.05f), compact, 6);
    }

    [Fact]
    public void GetValueRefOrAddDefault_OnCompact_BecomesHashedKeepingInsertionOrder()
    {
        var map = CentroidMap.FromSorted(Keys, Values);

        map.GetValueRefOrAddDefault(2) += 1f;
        map.GetValueRefOrAddDefault(17) += 1f;

        Assert.False(map.IsCompact);
        Assert.Equal([.. Keys, 2], Enumerable.Range(0, map.Count).Select(map.KeyAt));
        Assert.Equal(1.25f, map.GetValueOrDefault(17));
        Assert.Equal(1f, map.GetValueOrDefault(2));
    }

    [Fact]
    public void PruneTo_OnCompact_KeepsTheLargestWeights()
    {
        var map = CentroidMap.FromSorted(Keys, Values);

        var norm = map.PruneTo(2);

        Assert.Equal([65_537, 3], Enumerable.Range(0, map.Count).Select(map.KeyAt));
        Assert.Equal((0.7f * 0.7f) + (0.5f * 0.5f), norm, 6);
    }

    [Fact]
    public void FromSorted_UnsortedOrNegativeKeys_Rejected()
    {
        Assert.Throws<ArgumentException>(() => CentroidMap.FromSorted([5, 5], [1f, 1f]));
        Assert.Throws<ArgumentException>(() => CentroidMap.FromSorted([5, 4], [1f, 1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CentroidMap.FromSorted([-1], [1f]));
        Assert.Throws<ArgumentOutOfRangeException>(() => CentroidMap.FromSorted([1, 2], [1f]));
    }
}

public sealed class TermSetTests
{
    [Fact]
    public void Add_Repeats_IgnoredAndInsertionOrderKept()
    {
        var set = new TermSet();

        Assert.True(set.Add(42));
        Assert.True(set.Add(7));
        Assert.False(set.Add(42));
        Assert.True(set.Add(-3));

        Assert.Equal([42, 7, -3], set);
        Assert.Equal([42, 7, -3], set.AsSpan().ToArray());
        Assert.True(set.Contains(7));
        Assert.False(set.Contains(8));
        Assert.Equal(3, set.Count);
    }

    [Fact]
    public void Clear_ReleasesStorage()
    {
        var set = new TermSet();
        set.EnsureCapacity(12);
        for (var i = 0; i < 20; i++)
        {
            set.Add(i);
        }

        set.Clear();

        Assert.Empty(set);
        Assert.Equal(0, set.Capacity);
        Assert.True(set.Add(5));
        Assert.Equal([5], set);
    }
}
