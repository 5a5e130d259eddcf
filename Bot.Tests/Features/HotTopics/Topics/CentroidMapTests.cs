using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Topics;

public sealed class CentroidMapTests
{
    internal static readonly int[] Keys = [3, 17, 40, 41, 1000, 65_537, 1 << 20];
    internal static readonly float[] Values = [0.5f, 0.25f, 0.125f, 0.1f, 0.3f, 0.7f, 0.05f];

    internal static CentroidMap Hashed()
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

    [Fact]
    public void DotInOrder_Bounded_BitIdenticalOrProvablyBelow()
    {
        var random = new Random(12345);
        var gaveUp = 0;
        var finished = 0;
        for (var round = 0; round < 400; round++)
        {
            var a = RandomMap(random, random.Next(1, 200), compact: round % 3 == 0);
            var b = RandomMap(random, random.Next(1, 200), compact: round % 5 == 0);
            var full = a.DotInOrder(b);
            var atLeast = full * (0.5 + random.NextDouble()); // sometimes reachable, sometimes not
            var bounded = a.DotInOrder(b, SumOfSquares(a), SumOfSquares(b), atLeast);
            if (double.IsNaN(bounded))
            {
                gaveUp++;
                Assert.True(full < atLeast, $"round {round}: gave up although the dot product {full} reaches {atLeast}");
            }
            else
            {
                finished++;
                Assert.Equal(BitConverter.DoubleToInt64Bits(full), BitConverter.DoubleToInt64Bits(bounded));
            }
        }

        Assert.True(gaveUp > 20, $"gave up {gaveUp} times");
        Assert.True(finished > 20, $"finished {finished} times");
    }

    [Fact]
    public void DotInOrder_Bounded_GivesUpOnDisjointMapsAndNeverWithoutATarget()
    {
        var a = new CentroidMap();
        var b = new CentroidMap();
        for (var i = 0; i < 64; i++)
        {
            a.GetValueRefOrAddDefault(2 * i) = 1f;
            b.GetValueRefOrAddDefault((2 * i) + 1) = 1f;
        }

        Assert.True(double.IsNaN(a.DotInOrder(b, 64, 64, 0.5)));
        Assert.Equal(0, a.DotInOrder(b, 64, 64, double.NegativeInfinity));
        Assert.Equal(0, a.DotInOrder(b));
    }

    [Fact]
    public void HasAtLeast_CompactAndHashed_CountStrongKeys()
    {
        var compact = CentroidMap.FromSorted(CentroidMapTests.Keys, CentroidMapTests.Values);
        var hashed = CentroidMapTests.Hashed();
        int[] post = [1000, 2, 3, 41, 65_537];

        foreach (var map in new[] { compact, hashed })
        {
            Assert.True(map.HasAtLeast(post, 0.3f, 3)); // 1000 (0.3), 3 (0.5), 65_537 (0.7)
            Assert.False(map.HasAtLeast(post, 0.3f, 4));
            Assert.True(map.HasAtLeast(post, 0.6f, 1));
            Assert.False(map.HasAtLeast(post, 0.6f, 2));
            Assert.True(map.HasAtLeast(post, 5f, 0));
            Assert.False(map.HasAtLeast([], 0f, 1));
        }
    }

    private static CentroidMap RandomMap(Random random, int count, bool compact)
    {
        var keys = new SortedSet<int>();
        while (keys.Count < count)
        {
            keys.Add(random.Next(0, 400));
        }

        var sorted = keys.ToArray();
        var values = sorted.Select(_ => (float)random.NextDouble()).ToArray();
        if (compact)
        {
            return CentroidMap.FromSorted(sorted, values);
        }

        var map = new CentroidMap();
        foreach (var i in Enumerable.Range(0, sorted.Length).OrderBy(_ => random.Next()))
        {
            map.GetValueRefOrAddDefault(sorted[i]) = values[i];
        }

        return map;
    }

    private static double SumOfSquares(CentroidMap map)
    {
        double sum = 0;
        for (var i = 0; i < map.Count; i++)
        {
            sum += (double)map.ValueAt(i) * map.ValueAt(i);
        }

        return sum * 1.001;
    }
}
