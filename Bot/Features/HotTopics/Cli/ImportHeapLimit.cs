namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// A ceiling on the managed heap while <c>dotnet Bot.dll import</c> runs (<c>Intake:ImportHeapLimitMB</c>). Without it the
/// workstation GC lets gen 2 fill with posts of finished batches (they live across a few gen 0/1 collections and get
/// promoted) and collects them late and without compacting: at 1M posts the heap reached ~300 MB for a live set of
/// ~150 MB. Near a hard limit the GC collects gen 2 sooner and compacts. The ceiling follows the live heap (the bytes
/// that survived the last full collection, checked every half second, also while the pipeline rebuilds its state from
/// a large database): it is raised to 1.25 × live + 24 MB whenever that is above it, so a larger engine state makes the
/// heap grow instead of failing. It is never lowered during the import, and only set when the
/// command owns the process (<see cref="Infrastructure.Cli.CliHost.OwnsProcess"/>), never in a host shared with
/// anything else.
/// </summary>
internal sealed class ImportHeapLimit : IDisposable
{
    private const string HardLimitKey = "GCHeapHardLimit";
    private const long Headroom = 24L << 20;
    private readonly long _floor;
    private readonly Timer _timer;
    private long _current;
    private int _raises;

    private ImportHeapLimit(long floorBytes)
    {
        _floor = floorBytes;
        _current = floorBytes;
        Set(floorBytes);
        _timer = new Timer(_ => Adjust(), null, 500, 500);
    }

    /// <summary>The ceiling now, in bytes.</summary>
    public long Current => Interlocked.Read(ref _current);

    /// <summary>Times the ceiling was raised after it was first set.</summary>
    public int Raises => Volatile.Read(ref _raises);

    /// <summary>Sets the first ceiling; null when <paramref name="megabytes"/> is 0 (off).</summary>
    public static ImportHeapLimit? Start(int megabytes) => megabytes > 0 ? new ImportHeapLimit((long)megabytes << 20) : null;

    /// <summary>The ceiling for a live heap of <paramref name="liveBytes"/>: never below the floor nor the current one.</summary>
    internal static long Next(long current, long floor, long liveBytes) =>
        Math.Max(Math.Max(current, floor), checked((liveBytes * 5 / 4) + Headroom));

    /// <summary>Raises the ceiling when the live heap needs more room (timer thread; ticks never overlap in effect).</summary>
    private void Adjust()
    {
        lock (_timer)
        {
            var current = Current;
            var next = Next(current, _floor, LiveAtLastFullGc());
            if (next > current)
            {
                Interlocked.Exchange(ref _current, next);
                Interlocked.Increment(ref _raises);
                Set(next);
            }
        }
    }

    public void Dispose() => _timer.Dispose();

    /// <summary>Bytes that survived the most recent full (gen 2) collection, blocking or background; 0 before the first.</summary>
    internal static long LiveAtLastFullGc()
    {
        var blocking = GC.GetGCMemoryInfo(GCKind.FullBlocking);
        var background = GC.GetGCMemoryInfo(GCKind.Background);
        var last = blocking.Index >= background.Index ? blocking : background;
        return last.Index == 0 ? 0 : last.PromotedBytes;
    }

    private static void Set(long bytes)
    {
        AppContext.SetData(HardLimitKey, (ulong)bytes);
        try
        {
            GC.RefreshMemoryLimit();
        }
        catch (InvalidOperationException)
        {
            // More is committed already than this ceiling allows: the GC keeps the limit it had (none at the start); the
            // next raise tries again. An import never fails for want of a ceiling.
        }
    }
}
