using System.Text;
using CrisisBot.Features.HotTopics.Intake;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics;

[Collection(CrisisBot.Tests.Infrastructure.SerialTests.Name)]
public class StreamingParseTests
{
    /// <summary>A read-only stream that produces NDJSON posts on the fly, so the input never exists in memory as a whole.</summary>
    private sealed class GeneratedNdjsonStream(int posts) : Stream
    {
        private int _next;
        private byte[] _pending = [];
        private int _offset;

        public long Produced { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => Produced; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            var written = 0;
            while (written < count)
            {
                if (_offset == _pending.Length)
                {
                    if (_next == posts)
                    {
                        break;
                    }

                    _pending = Encoding.UTF8.GetBytes(
                        $$$"""{"id":"{{{_next}}}","source":"twitter","text":"parcel {{{_next}}} still not delivered, tracking says out for delivery","createdAt":"2026-03-24T09:{{{_next % 60:00}}}:00Z","extra":{"ignored":[1,2,3]}}""" + "\n");
                    _offset = 0;
                    _next++;
                }

                var n = Math.Min(count - written, _pending.Length - _offset);
                Array.Copy(_pending, _offset, buffer, offset + written, n);
                _offset += n;
                written += n;
            }

            Produced += written;
            return written;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    [Fact]
    public void Read_LargeGeneratedStream_StreamsEveryItemWithBoundedMemory()
    {
        const int posts = 200_000;
        var stream = new GeneratedNdjsonStream(posts);
        var reader = new JsonPostReader(new FakeTimeProvider(new DateTimeOffset(2026, 3, 25, 0, 0, 0, TimeSpan.Zero)));
        var count = 0;
        long maxHeapGrowth = 0;
        var baseline = GC.GetTotalMemory(forceFullCollection: true);
        foreach (var item in reader.Read(stream))
        {
            Assert.True(item.IsSuccess, item.Error?.Message);
            Assert.Equal(count, item.Index);
            count++;
            if (count % 50_000 == 0)
            {
                maxHeapGrowth = Math.Max(maxHeapGrowth, GC.GetTotalMemory(forceFullCollection: true) - baseline);
            }
        }

        Assert.Equal(posts, count);
        Assert.True(stream.Produced > 30_000_000, $"input was {stream.Produced} bytes");
        // About 34 MB went through; the live heap stays at the buffer size, not the input size.
        Assert.True(maxHeapGrowth < 4_000_000, $"heap grew by {maxHeapGrowth} bytes");
    }
}
