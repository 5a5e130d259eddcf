using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics.Topics;

public sealed class PostingTableTests
{
    [Fact]
    public void RandomAddsAndRemoves_MatchADictionaryOfLists_InOrderToo()
    {
        // Words crowd a few home positions (multiples of 1024 collide in every table size up to the growth), so probe
        // runs are long and removals shift entries back across them and across the table's end.
        var random = new Random(12345);
        var table = new PostingTable();
        var model = new Dictionary<int, List<int>>();
        var words = Enumerable.Range(0, 300).Select(i => i % 3 == 0 ? i * 1024 : i % 3 == 1 ? 1023 + (i * 4096) : random.Next(0, 1 << 20)).ToArray();
        for (var step = 0; step < 60_000; step++)
        {
            var word = words[random.Next(words.Length)];
            var slot = random.Next(0, 40);
            if (random.Next(3) > 0 || step < 2_000)
            {
                table.Add(word, slot);
                if (!model.TryGetValue(word, out var list))
                {
                    model[word] = list = [];
                }

                list.Add(slot);
            }
            else
            {
                table.Remove(word, slot);
                if (model.TryGetValue(word, out var list))
                {
                    var at = list.IndexOf(slot);
                    if (at >= 0)
                    {
                        list[at] = list[^1];
                        list.RemoveAt(list.Count - 1);
                    }

                    if (list.Count == 0)
                    {
                        model.Remove(word);
                    }
                }
            }

            if (step % 997 == 0)
            {
                AssertSame(model, table, words);
            }
        }

        AssertSame(model, table, words);
    }

    [Fact]
    public void Remove_LastSlotOfAWord_TheWordLeavesAndItsNeighboursStayFindable()
    {
        var table = new PostingTable();
        table.Add(5, 1);
        table.Add(5 + 1024, 2); // same home position: probes past word 5
        table.Add(6, 3); // home taken by the word above: probes on
        table.Remove(5, 1);

        Assert.True(table.Find(5).IsEmpty);
        Assert.Equal([2], table.Find(5 + 1024).ToArray());
        Assert.Equal([3], table.Find(6).ToArray());
        Assert.Equal(2, table.Count);
        table.Remove(6, 99); // not listed: nothing changes
        Assert.Equal([3], table.Find(6).ToArray());
    }

    private static void AssertSame(Dictionary<int, List<int>> model, PostingTable table, int[] words)
    {
        Assert.Equal(model.Count, table.Count);
        Assert.Equal(model.Values.Sum(l => (long)l.Count), table.EntryCount());
        foreach (var word in words.Distinct())
        {
            var expected = model.TryGetValue(word, out var list) ? list.ToArray() : [];
            Assert.Equal(expected, table.Find(word).ToArray());
        }
    }
}
