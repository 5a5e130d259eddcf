using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;

namespace CrisisBot.Tests.Features.HotTopics.Pipeline;

public class KnownKeyFilterTests
{
    [Fact]
    public void MightContain_EveryAddedKeyAcrossSegments_True()
    {
        var filter = new KnownKeyFilter();
        for (var i = 0; i < 200_000; i++) // several segments (the first holds 65,536 keys)
        {
            filter.Add(new PostKey("twitter", "p" + i));
        }

        for (var i = 0; i < 200_000; i++)
        {
            Assert.True(filter.MightContain(new PostKey("TWITTER", "p" + i)));
        }

        Assert.Equal(200_000, filter.Count);
    }

    [Fact]
    public void MightContain_KeysNeverAdded_MostlyFalse()
    {
        var filter = new KnownKeyFilter();
        for (var i = 0; i < 50_000; i++)
        {
            filter.Add(new PostKey("twitter", "p" + i));
        }

        var falsePositives = Enumerable.Range(0, 20_000).Count(i => filter.MightContain(new PostKey("twitter", "q" + i)));

        Assert.InRange(falsePositives, 0, 20_000 / 20); // about 1 % by design; 5 % would mean a broken hash
        Assert.False(new KnownKeyFilter().MightContain(new PostKey("twitter", "p1")));
    }

    [Fact]
    public void KeyHash_OfTheSameKey_AddsAndFindsLikeTheKey()
    {
        var filter = new KnownKeyFilter();
        for (var i = 0; i < 70_000; i++) // into the second segment
        {
            filter.Add(KnownKeyFilter.HashOf(new PostKey("Twitter", "h" + i)));
        }

        for (var i = 0; i < 70_000; i++)
        {
            Assert.True(filter.MightContain(new PostKey("twitter", "h" + i)));
        }

        Assert.Equal(KnownKeyFilter.HashOf(new PostKey("TWITTER", "x")), KnownKeyFilter.HashOf(new PostKey("twitter", "x")));
        Assert.Equal(70_000, filter.Count);
    }
}
