using CrisisBot.Features.HotTopics.Cli;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Tests.Features.HotTopics.Pipeline;

namespace CrisisBot.Tests.Features.HotTopics.Cli;

public class ReorderBufferTests
{
    private static SocialPost At(string id, int minutes) => Posts.Make(id, "x y", Posts.T0.AddMinutes(minutes));

    [Fact]
    public void Order_DisorderWithinWindow_EventTimeOrderAndFileOrderForTies()
    {
        var buffer = new ReorderBuffer(TimeSpan.FromMinutes(30), 1000);

        var ids = buffer.Order([At("a", 10), At("b", 0), At("c", 25), At("d", 10), At("e", 40), At("f", 70), At("g", 45)]).Select(p => p.Id).ToList();

        Assert.Equal(["b", "a", "d", "c", "e", "g", "f"], ids);
        Assert.Equal(0, buffer.Late);
    }

    [Fact]
    public void Order_PostOlderThanWindow_SentAtOnceAndCountedLate()
    {
        var buffer = new ReorderBuffer(TimeSpan.FromMinutes(30), 1000);

        var ids = buffer.Order([At("a", 0), At("b", 60), At("c", 120), At("old", 5), At("d", 130)]).Select(p => p.Id).ToList();

        Assert.Equal(["a", "b", "old", "c", "d"], ids);
        Assert.Equal(1, buffer.Late);
    }

    [Fact]
    public void Order_SortedStream_ReadsOnlyAsFarAsTheWindowNeeds()
    {
        var read = 0;
        IEnumerable<SocialPost> Stream()
        {
            for (var i = 0; i < 1_000; i++)
            {
                read++;
                yield return At("p" + i, i);
            }
        }

        var buffer = new ReorderBuffer(TimeSpan.FromMinutes(10), 1000);
        using var e = buffer.Order(Stream()).GetEnumerator();

        Assert.True(e.MoveNext());
        Assert.Equal("p0", e.Current.Id);
        Assert.Equal(11, read); // p10 is 10 minutes after p0, which lets p0 out
        Assert.Equal(11, buffer.PeakBuffered);
    }

    [Fact]
    public void Order_MoreThanMaxBuffered_OldestLeavesFirstAndMemoryStaysBounded()
    {
        var buffer = new ReorderBuffer(TimeSpan.FromDays(365), 3);

        var ids = buffer.Order([At("a", 5), At("b", 4), At("c", 3), At("d", 2), At("e", 1)]).Select(p => p.Id).ToList();

        Assert.Equal(["d", "e", "c", "b", "a"], ids); // "d" left when the 4th post came in; "e" came after it left
        Assert.Equal(4, buffer.PeakBuffered);
        Assert.Equal(1, buffer.Late);
    }

    [Theory]
    [InlineData("90s", 90)]
    [InlineData("30m", 1800)]
    [InlineData("6h", 21600)]
    [InlineData("1d", 86400)]
    [InlineData("00:45:00", 2700)]
    [InlineData("0m", 0)]
    public void TryParseWindow_Valid_Parsed(string raw, int seconds)
    {
        Assert.True(ReplayCommand.TryParseWindow(raw, out var window));
        Assert.Equal(TimeSpan.FromSeconds(seconds), window);
    }

    [Theory]
    [InlineData("soon")]
    [InlineData("-5m")]
    [InlineData("h")]
    [InlineData("-00:10:00")]
    public void TryParseWindow_Invalid_False(string raw) => Assert.False(ReplayCommand.TryParseWindow(raw, out _));
}
