using System.Runtime.CompilerServices;
using System.Text.Json;

namespace CrisisBot.Features.HotTopics.Intake;

/// <summary>
/// Streams posts out of one JSON object, a JSON array of objects, or NDJSON (objects separated by new lines),
/// without holding the whole input in memory: a growing buffer holds at most one item plus one read chunk.
/// </summary>
/// <remarks>
/// <para>Errors are per item, with the 0-based index. Syntax errors carry the absolute line and column.</para>
/// <para>In an array a syntax error is fatal (the parser cannot find the next item safely), so it is the last result.
/// In NDJSON the parser skips to the next line that starts with '{' and goes on: one bad line never blocks the others.</para>
/// </remarks>
public sealed class JsonPostReader
{
    /// <summary>Default largest accepted item, in bytes (a post is at most 10,000 characters of text plus metadata).</summary>
    public const int DefaultMaxItemBytes = 256 * 1024;

    private const int ChunkSize = 64 * 1024;
    private readonly TimeProvider _time;
    private readonly int _maxItemBytes;

    public JsonPostReader(TimeProvider time, int maxItemBytes = DefaultMaxItemBytes)
    {
        ArgumentNullException.ThrowIfNull(time);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItemBytes, 1024);
        _time = time;
        _maxItemBytes = maxItemBytes;
    }

    /// <summary>Reads all items synchronously (CLI import, tests, benchmarks).</summary>
    public IEnumerable<PostParseResult> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var framer = new Framer(_time.GetUtcNow(), _maxItemBytes);
        var output = new List<PostParseResult>();
        var final = false;
        while (!final)
        {
            var read = stream.Read(framer.FreeSpace());
            final = read == 0;
            framer.Commit(read);
            framer.Drain(final, output);
            foreach (var item in output)
            {
                yield return item;
            }

            output.Clear();
            if (framer.Stopped)
            {
                yield break;
            }
        }
    }

    /// <summary>
    /// Reads all items of a body already in memory (POST /api/posts), in place: no copy into a read buffer. Results,
    /// errors and positions are the same as <see cref="Read(Stream)"/> gives for the same bytes. The bytes must not
    /// change while the results are enumerated.
    /// </summary>
    public IEnumerable<PostParseResult> Read(ArraySegment<byte> body)
    {
        ArgumentNullException.ThrowIfNull(body.Array);
        var framer = new Framer(_time.GetUtcNow(), _maxItemBytes);
        framer.Load(body);
        var output = new List<PostParseResult>();
        framer.Drain(final: true, output);
        return output;
    }

    /// <summary>Reads all items from an asynchronous stream (HTTP request bodies).</summary>
    public async IAsyncEnumerable<PostParseResult> ReadAsync(Stream stream, [EnumeratorCancellation] CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var framer = new Framer(_time.GetUtcNow(), _maxItemBytes);
        var output = new List<PostParseResult>();
        var final = false;
        while (!final)
        {
            var read = await stream.ReadAsync(framer.FreeMemory(), ct);
            final = read == 0;
            framer.Commit(read);
            framer.Drain(final, output);
            foreach (var item in output)
            {
                yield return item;
            }

            output.Clear();
            if (framer.Stopped)
            {
                yield break;
            }
        }
    }

    private enum Mode
    {
        Start,
        ArrayItemOrEnd,
        ArrayItem,
        ArrayCommaOrEnd,
        ArrayDone,
        Objects,
        SkipLine,
        Done,
    }

    /// <summary>Finds complete items in a byte buffer and hands them to <see cref="PostJsonParser"/>.</summary>
    private sealed class Framer(DateTimeOffset now, int maxItemBytes)
    {
        private byte[] _buf = new byte[ChunkSize];
        private int _start;
        private int _end;
        private long _bufferOffset;     // absolute offset of _buf[0]
        private long _line = 1;         // 1-based line of _buf[_start]
        private long _lineStart;        // absolute offset where that line starts
        private int _index;
        private bool _sawAnything;
        private Mode _mode = Mode.Start;

        public bool Stopped => _mode == Mode.Done;

        public Span<byte> FreeSpace()
        {
            MakeRoom();
            return _buf.AsSpan(_end);
        }

        public Memory<byte> FreeMemory()
        {
            MakeRoom();
            return _buf.AsMemory(_end);
        }

        public void Commit(int read) => _end += read;

        /// <summary>Frames a complete input in place (the caller's array; nothing is read or written into it).</summary>
        public void Load(ArraySegment<byte> input)
        {
            _buf = input.Array!;
            _start = input.Offset;
            _end = input.Offset + input.Count;
            _bufferOffset = -input.Offset; // absolute offset 0 is the segment's first byte
        }

        private void MakeRoom()
        {
            if (_start > 0)
            {
                Buffer.BlockCopy(_buf, _start, _buf, 0, _end - _start);
                _bufferOffset += _start;
                _end -= _start;
                _start = 0;
            }

            if (_end == _buf.Length)
            {
                Array.Resize(ref _buf, _buf.Length * 2);
            }
        }

        private void Advance(int count)
        {
            var span = _buf.AsSpan(_start, count);
            var newlines = span.Count((byte)'\n');
            if (newlines > 0)
            {
                _line += newlines;
                _lineStart = _bufferOffset + _start + span.LastIndexOf((byte)'\n') + 1;
            }

            _start += count;
        }

        private void SkipWhitespace()
        {
            var span = _buf.AsSpan(_start, _end - _start);
            var i = 0;
            while (i < span.Length && span[i] is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')
            {
                i++;
            }

            Advance(i);
        }

        private long Column => _bufferOffset + _start - _lineStart + 1;

        private PostError Syntax(string message, long line, long column) =>
            new(_index, PostErrorKind.Malformed, $"malformed JSON at line {line}, column {column}: {message}", line, column);

        public void Drain(bool final, List<PostParseResult> output)
        {
            while (_mode != Mode.Done)
            {
                if (_mode == Mode.SkipLine)
                {
                    if (!SkipToObjectLine(final))
                    {
                        return;
                    }

                    continue;
                }

                SkipWhitespace();
                if (_start == _end)
                {
                    if (final)
                    {
                        Finish(output);
                    }

                    return;
                }

                var b = _buf[_start];
                switch (_mode)
                {
                    case Mode.Start:
                        if (b == 0xEF && !_sawAnything)
                        {
                            if (_end - _start < 3 && !final)
                            {
                                return;
                            }

                            if (_buf.AsSpan(_start, Math.Min(3, _end - _start)).SequenceEqual("\uFEFF"u8))
                            {
                                Advance(3);
                                _sawAnything = true;
                                continue;
                            }
                        }

                        _sawAnything = true;
                        if (b == (byte)'[')
                        {
                            Advance(1);
                            _mode = Mode.ArrayItemOrEnd;
                        }
                        else if (b == (byte)'{')
                        {
                            _mode = Mode.Objects;
                        }
                        else
                        {
                            output.Add(PostParseResult.Fail(Syntax("expected '{' or '[' at the start of the body", _line, Column)));
                            _mode = Mode.Done;
                        }

                        break;

                    case Mode.ArrayItemOrEnd when b == (byte)']':
                        Advance(1);
                        _mode = Mode.ArrayDone;
                        break;

                    case Mode.ArrayItemOrEnd:
                    case Mode.ArrayItem:
                    case Mode.Objects:
                        if (!TryItem(final, output))
                        {
                            return;
                        }

                        break;

                    case Mode.ArrayCommaOrEnd:
                        if (b == (byte)',')
                        {
                            Advance(1);
                            _mode = Mode.ArrayItem;
                        }
                        else if (b == (byte)']')
                        {
                            Advance(1);
                            _mode = Mode.ArrayDone;
                        }
                        else
                        {
                            output.Add(PostParseResult.Fail(Syntax("expected ',' or ']' after an array item", _line, Column)));
                            _mode = Mode.Done;
                        }

                        break;

                    case Mode.ArrayDone:
                        output.Add(PostParseResult.Fail(Syntax("unexpected data after the end of the array", _line, Column)));
                        _mode = Mode.Done;
                        break;
                }
            }
        }

        private void Finish(List<PostParseResult> output)
        {
            switch (_mode)
            {
                case Mode.Start:
                    output.Add(PostParseResult.Fail(new PostError(0, PostErrorKind.Malformed, "the body is empty: expected a JSON object, an array or NDJSON")));
                    break;
                case Mode.ArrayItemOrEnd or Mode.ArrayItem or Mode.ArrayCommaOrEnd:
                    output.Add(PostParseResult.Fail(Syntax("unexpected end of input: the array is not closed with ']'", _line, Column)));
                    break;
            }

            _mode = Mode.Done;
        }

        /// <returns>false when more data is needed.</returns>
        private bool TryItem(bool final, List<PostParseResult> output)
        {
            var span = _buf.AsSpan(_start, _end - _start);
            var inArray = _mode != Mode.Objects;

            // Fast path for the usual item, one well-formed object already in the buffer: parse it where it starts, the
            // reader finding its end (one pass over the bytes). Anything else (incomplete, larger than maxItemBytes,
            // malformed) takes the validating path below, which reports it exactly as before.
            if (span[0] == (byte)'{'
                && PostJsonParser.TryParseLeading(span[..Math.Min(span.Length, maxItemBytes)], _index, now, out var parsed, out var length))
            {
                output.Add(parsed);
                _index++;
                Advance(length);
                if (inArray)
                {
                    _mode = Mode.ArrayCommaOrEnd;
                }

                return true;
            }

            int consumed;
            try
            {
                var reader = new Utf8JsonReader(span, isFinalBlock: final, state: default);
                if (!reader.Read())
                {
                    return NeedMore(final, output, inArray);
                }

                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray && !reader.TrySkip())
                {
                    return NeedMore(final, output, inArray);
                }

                consumed = (int)reader.BytesConsumed;
            }
            catch (JsonException ex)
            {
                var relLine = ex.LineNumber ?? 0;
                var relCol = ex.BytePositionInLine ?? 0;
                var line = _line + relLine;
                var column = relLine == 0 ? Column + relCol : relCol + 1;
                var reason = ex.Message.Split(" LineNumber:", 2)[0];
                output.Add(PostParseResult.Fail(Syntax(reason, line, column)));
                _index++;
                _mode = inArray ? Mode.Done : Mode.SkipLine;
                if (!inArray)
                {
                    // Resynchronise after the offending line.
                    Advance(Math.Min(span.Length, Math.Max(1, span.IndexOf((byte)'\n') + 1)));
                }

                return true;
            }

            if (consumed > maxItemBytes)
            {
                output.Add(PostParseResult.Fail(new PostError(_index, PostErrorKind.TooLarge,
                    $"item at line {_line} is larger than {maxItemBytes:N0} bytes", _line, Column)));
                _index++;
                Advance(consumed);
                if (inArray)
                {
                    _mode = Mode.ArrayCommaOrEnd;
                }

                return true;
            }

            if (!inArray && span[0] != (byte)'{')
            {
                output.Add(PostParseResult.Fail(Syntax($"expected a JSON object, got '{PostValidation.Describe(span[..consumed])}'", _line, Column)));
                _index++;
                Advance(consumed);
                _mode = Mode.SkipLine;
                return true;
            }

            output.Add(PostJsonParser.Parse(span[..consumed], _index, now));
            _index++;
            Advance(consumed);
            if (inArray)
            {
                _mode = Mode.ArrayCommaOrEnd;
            }

            return true;
        }

        private bool NeedMore(bool final, List<PostParseResult> output, bool inArray)
        {
            if (final)
            {
                output.Add(PostParseResult.Fail(Syntax("unexpected end of input inside an item", _line, Column)));
                _mode = Mode.Done;
                return true;
            }

            if (_end - _start <= maxItemBytes)
            {
                return false;
            }

            output.Add(PostParseResult.Fail(new PostError(_index, PostErrorKind.TooLarge,
                $"item at line {_line} is larger than {maxItemBytes:N0} bytes", _line, Column)));
            _index++;
            Advance(1);
            _mode = inArray ? Mode.Done : Mode.SkipLine;
            return true;
        }

        /// <summary>NDJSON recovery: drop bytes up to a line whose first non-blank byte is '{'.</summary>
        private bool SkipToObjectLine(bool final)
        {
            while (true)
            {
                var span = _buf.AsSpan(_start, _end - _start);
                var atLineStart = _bufferOffset + _start == _lineStart;
                if (atLineStart)
                {
                    var i = 0;
                    while (i < span.Length && span[i] is (byte)' ' or (byte)'\t' or (byte)'\r')
                    {
                        i++;
                    }

                    if (i < span.Length && span[i] == (byte)'{')
                    {
                        Advance(i);
                        _mode = Mode.Objects;
                        return true;
                    }

                    if (i == span.Length && !final)
                    {
                        return false;
                    }
                }

                var nl = span.IndexOf((byte)'\n');
                if (nl < 0)
                {
                    Advance(span.Length);
                    if (final)
                    {
                        _mode = Mode.Done;
                        return true;
                    }

                    return false;
                }

                Advance(nl + 1);
            }
        }
    }
}
