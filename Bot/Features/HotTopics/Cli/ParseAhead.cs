using System.Diagnostics;
using System.Runtime.ExceptionServices;
using CrisisBot.Features.HotTopics.Intake;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// Parses the start of an import's post file on a thread of its own while the command sets itself up (services,
/// options, the products file, the storage migration: about 0.2 s, mostly on one core). Parsing needs none of that, so
/// the first batches are ready when the pipeline is, and the reader has that much less to do while the pipeline runs.
/// At most <see cref="Capacity"/> items are held; then the thread stops until <see cref="Items"/> takes over.
/// </summary>
/// <remarks>
/// <see cref="Items"/> yields exactly what a plain read of the file would, in the same order: the items parsed ahead,
/// then the rest of the file read on the caller's thread (the same enumerator, handed over after the thread ended). An
/// exception of the read (an unreadable file) comes where the plain read would have thrown it. Dispose stops the thread
/// and waits for it before the stream may be closed (a configuration error ends the import before any batch).
/// </remarks>
internal sealed class ParseAhead : IDisposable
{
    /// <summary>Items (posts and rejected items) held at most: four batches of the default size.</summary>
    public const int DefaultCapacity = 16_000;

    private readonly IEnumerator<PostParseResult> _items;
    private readonly Thread _thread;
    private List<PostParseResult>? _parsed;
    private ExceptionDispatchInfo? _error;
    private volatile bool _stop;
    private bool _ended;
    private bool _taken;
    private bool _disposed;
    private long _busyTicks;

    private ParseAhead(IEnumerable<PostParseResult> items, int capacity)
    {
        _items = items.GetEnumerator();
        Capacity = capacity;
        _parsed = new List<PostParseResult>(Math.Min(capacity, 4096));
        _thread = new Thread(Run) { IsBackground = true, Name = "import parse-ahead" };
    }

    /// <summary>The most items parsed ahead.</summary>
    public int Capacity { get; }

    /// <summary>Time the thread spent parsing (valid once <see cref="Items"/> started or after Dispose).</summary>
    public TimeSpan Busy => Stopwatch.GetElapsedTime(0, Volatile.Read(ref _busyTicks));

    /// <summary>Items parsed ahead (valid once <see cref="Items"/> started).</summary>
    public int ParsedAhead { get; private set; }

    /// <summary>Starts parsing <paramref name="items"/> (a lazy read of the file) on a new thread.</summary>
    public static ParseAhead Start(IEnumerable<PostParseResult> items, int capacity = DefaultCapacity)
    {
        ArgumentNullException.ThrowIfNull(items);
        ArgumentOutOfRangeException.ThrowIfNegative(capacity);
        var ahead = new ParseAhead(items, capacity);
        ahead._thread.Start();
        return ahead;
    }

    /// <summary>
    /// Every item of the file, in order: stops the thread (it ends after its current item), then yields what it parsed and
    /// reads on. Enumerate once.
    /// </summary>
    public IEnumerable<PostParseResult> Items()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_taken)
        {
            throw new InvalidOperationException("the items of a parse-ahead are enumerated once");
        }

        _taken = true;
        return Rest();
    }

    private IEnumerable<PostParseResult> Rest()
    {
        _stop = true;
        _thread.Join();
        var parsed = _parsed!;
        _parsed = null;
        ParsedAhead = parsed.Count;
        for (var i = 0; i < parsed.Count; i++)
        {
            yield return parsed[i];
        }

        parsed.Clear();
        _error?.Throw();
        if (_ended)
        {
            yield break;
        }

        while (_items.MoveNext())
        {
            yield return _items.Current;
        }
    }

    private void Run()
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var parsed = _parsed!;
            while (!_stop && parsed.Count < Capacity)
            {
                if (!_items.MoveNext())
                {
                    _ended = true;
                    break;
                }

                parsed.Add(_items.Current);
            }
        }
        catch (Exception ex)
        {
            _error = ExceptionDispatchInfo.Capture(ex);
            _ended = true;
        }
        finally
        {
            Volatile.Write(ref _busyTicks, Stopwatch.GetTimestamp() - started);
        }
    }

    /// <summary>Stops the thread and waits for it; then the stream may be closed.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _stop = true;
        _thread.Join();
        _items.Dispose();
    }
}
