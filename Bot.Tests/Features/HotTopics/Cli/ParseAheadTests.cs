using System.Text;
using CrisisBot.Features.HotTopics.Cli;
using CrisisBot.Features.HotTopics.Intake;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics.Cli;

public sealed class ParseAheadTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero));

    /// <summary>50 items: posts, with a malformed line and a post from the future (rejected) among them.</summary>
    private static byte[] File50()
    {
        var text = new StringBuilder();
        for (var i = 0; i < 50; i++)
        {
            text.Append(i switch
            {
                7 => "{broken",
                23 => $$"""{"id":"p{{i}}","source":"twitter","text":"from the future","createdAt":"2026-03-29T00:00:00Z"}""",
                _ => $$"""{"id":"p{{i}}","source":"twitter","text":"parcel {{i}} never arrived","createdAt":"2026-03-24T09:15:00Z"}""",
            }).Append('\n');
        }

        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static string Describe(PostParseResult r) =>
        $"{r.Index}:{r.Post?.Key.ToString() ?? "-"}:{r.Post?.Text ?? "-"}:{r.Error?.Message ?? "-"}";

    private List<string> PlainRead(byte[] file) =>
        [.. new PostReader(_time).Read(new MemoryStream(file), PostFormat.Json).Select(Describe)];

    [Theory]
    [InlineData(0, false)]
    [InlineData(1, true)]
    [InlineData(7, true)]
    [InlineData(50, true)]
    [InlineData(1000, true)]
    [InlineData(1000, false)]
    public async Task Items_AnyCapacityAndHandOverTime_ExactlyThePlainReadInOrder(int capacity, bool letItParseFirst)
    {
        var file = File50();
        using var ahead = ParseAhead.Start(new PostReader(_time).Read(new MemoryStream(file), PostFormat.Json), capacity);
        if (letItParseFirst)
        {
            await Task.Delay(50);
        }

        var items = ahead.Items().Select(Describe).ToList();

        Assert.Equal(PlainRead(file), items);
        Assert.Equal(50, items.Count);
        Assert.Equal(2, items.Count(i => !i.EndsWith(":-", StringComparison.Ordinal))); // the two rejected items kept their place
        Assert.InRange(ahead.ParsedAhead, 0, capacity);
    }

    [Fact]
    public async Task Items_CapacityReached_ThreadStopsThereAndTheRestIsReadOnTheCallersThread()
    {
        var file = File50();
        using var ahead = ParseAhead.Start(new PostReader(_time).Read(new MemoryStream(file), PostFormat.Json), capacity: 10);
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (ahead.Busy == TimeSpan.Zero && DateTime.UtcNow < deadline)
        {
            await Task.Delay(5); // the thread records its busy time when it stops
        }

        var items = ahead.Items().Select(Describe).ToList();

        Assert.Equal(10, ahead.ParsedAhead);
        Assert.Equal(PlainRead(file), items);
    }

    [Fact]
    public void Items_Twice_Refused()
    {
        using var ahead = ParseAhead.Start(new PostReader(_time).Read(new MemoryStream(File50()), PostFormat.Json));
        _ = ahead.Items();

        Assert.Throws<InvalidOperationException>(() => ahead.Items());
    }

    [Fact]
    public void Dispose_WhileTheThreadReads_StopsItBeforeTheStreamCloses()
    {
        // A slow file (1 ms per 16 bytes): the set-up fails long before the thread could reach its capacity.
        var stream = new ScriptedStream(File50(), maxRead: 16, delayMs: 1);
        var ahead = ParseAhead.Start(new PostReader(_time).Read(stream, PostFormat.Json));
        Thread.Sleep(30);

        ahead.Dispose();
        var readsAtDispose = stream.Reads;
        stream.Dispose();
        Thread.Sleep(30);

        Assert.True(ahead.Busy > TimeSpan.Zero);
        Assert.Equal(readsAtDispose, stream.Reads); // nothing reads the stream after Dispose returned
        Assert.Throws<ObjectDisposedException>(() => ahead.Items());
    }

    [Fact]
    public void Items_ReadFailsMidFile_ItemsBeforeTheFailureThenTheSameException()
    {
        var file = File50();
        var failAt = Array.IndexOf(file, (byte)'\n', file.Length / 2) + 1; // after a whole line, halfway through
        using var ahead = ParseAhead.Start(new PostReader(_time).Read(new ScriptedStream(file, failAt: failAt), PostFormat.Json));
        Thread.Sleep(50);
        var seen = new List<string>();

        var error = Assert.Throws<IOException>(() =>
        {
            foreach (var item in ahead.Items())
            {
                seen.Add(Describe(item));
            }
        });

        Assert.Equal("disk gone", error.Message);
        Assert.NotEmpty(seen);
        Assert.Equal(PlainRead(file).Take(seen.Count), seen); // a prefix of the plain read, in order
    }

    /// <summary>
    /// A file that reads at most <paramref name="maxRead"/> bytes per call, sleeps <paramref name="delayMs"/> before each,
    /// serves the bytes before <paramref name="failAt"/> and then throws an IOException; counts reads.
    /// </summary>
    private sealed class ScriptedStream(byte[] data, int maxRead = int.MaxValue, int delayMs = 0, int failAt = int.MaxValue)
        : MemoryStream(data, writable: false)
    {
        private int _reads;

        public int Reads => Volatile.Read(ref _reads);

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            Interlocked.Increment(ref _reads);
            if (delayMs > 0)
            {
                Thread.Sleep(delayMs);
            }

            if (Position >= failAt)
            {
                throw new IOException("disk gone");
            }

            var chunk = new byte[(int)Math.Min(Math.Min(buffer.Length, maxRead), failAt - Position)];
            var read = base.Read(chunk, 0, chunk.Length); // MemoryStream's array overload: no call back into this one
            chunk.AsSpan(0, read).CopyTo(buffer);
            return read;
        }
    }
}
