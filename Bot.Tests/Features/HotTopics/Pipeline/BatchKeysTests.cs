using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;

namespace CrisisBot.Tests.Features.HotTopics.Pipeline;

/// <summary>The duplicate rule over a batch's keys found ahead (<see cref="BatchKeys"/>), against one pass with a seen set.</summary>
public class BatchKeysTests
{
    private static PostKey K(string id, string source = "twitter") => new(source, id);

    private static (IngestOutcome[] Outcomes, List<int> Fresh) Mark(PostKey[] keys, HashSet<PostKey> stored)
    {
        var batch = new BatchKeys(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            batch.Add(i, keys[i]);
        }

        var outcomes = new IngestOutcome[keys.Length];
        return (outcomes, batch.MarkDuplicates(stored, outcomes));
    }

    /// <summary>The rule as the pipeline had it before the keys were found ahead: stored, or seen earlier in the batch.</summary>
    private static (IngestOutcome[] Outcomes, List<int> Fresh) Reference(PostKey[] keys, HashSet<PostKey> stored)
    {
        var seen = new HashSet<PostKey>();
        var outcomes = new IngestOutcome[keys.Length];
        var fresh = new List<int>();
        for (var i = 0; i < keys.Length; i++)
        {
            if (stored.Contains(keys[i]) || !seen.Add(keys[i]))
            {
                outcomes[i] = IngestOutcome.Duplicate;
            }
            else
            {
                fresh.Add(i);
            }
        }

        return (outcomes, fresh);
    }

    [Fact]
    public void MarkDuplicates_RepeatsAndStoredKeys_FirstPostOfANewKeyIsFresh()
    {
        PostKey[] keys = [K("a"), K("b"), K("a"), K("c"), K("b", "TWITTER"), K("a"), K("b", "facebook")];

        var (outcomes, fresh) = Mark(keys, [K("c")]);

        Assert.Equal([0, 1, 6], fresh);
        Assert.Equal(
            [IngestOutcome.Accepted, IngestOutcome.Accepted, IngestOutcome.Duplicate, IngestOutcome.Duplicate, IngestOutcome.Duplicate, IngestOutcome.Duplicate, IngestOutcome.Accepted],
            outcomes);
    }

    [Fact]
    public void MarkDuplicates_StoredKeyRepeatedInTheBatch_EveryPostOfItIsDuplicate()
    {
        PostKey[] keys = [K("a"), K("b"), K("a")];

        var (outcomes, fresh) = Mark(keys, [K("a")]);

        Assert.Equal([1], fresh);
        Assert.Equal([IngestOutcome.Duplicate, IngestOutcome.Accepted, IngestOutcome.Duplicate], outcomes);
    }

    [Fact]
    public void AddAll_DistinctKeysRepeatsAndHashes()
    {
        PostKey[] keys = [K("a"), K("b"), K("a"), K("a")];
        var batch = new BatchKeys(keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            batch.Add(i, keys[i]);
        }

        Assert.Equal(2, batch.Distinct.Count);
        Assert.Equal(2, Enumerable.Range(0, keys.Length).Count(batch.IsRepeat));
        Assert.Equal([false, false, true, true], Enumerable.Range(0, keys.Length).Select(batch.IsRepeat));
        Assert.Equal(KnownKeyFilter.HashOf(K("b")), batch.Hashes[1]);
    }

    [Fact]
    public void MarkDuplicates_RandomBatches_SameAsOnePassWithASeenSet()
    {
        var random = new Random(20261124);
        for (var round = 0; round < 500; round++)
        {
            var alphabet = random.Next(1, 12);
            var keys = Enumerable.Range(0, random.Next(0, 40))
                .Select(_ => K(random.Next(alphabet).ToString(System.Globalization.CultureInfo.InvariantCulture), random.Next(3) == 0 ? "Twitter" : "twitter"))
                .ToArray();
            var stored = Enumerable.Range(0, alphabet).Where(_ => random.Next(4) == 0)
                .Select(i => K(i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToHashSet();

            var (outcomes, fresh) = Mark(keys, stored);
            var (expectedOutcomes, expectedFresh) = Reference(keys, stored);

            Assert.Equal(expectedFresh, fresh);
            Assert.Equal(expectedOutcomes, outcomes);
        }
    }
}
