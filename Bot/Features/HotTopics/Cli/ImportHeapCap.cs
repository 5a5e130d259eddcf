namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// A managed-heap ceiling for the bulk commands (<c>import</c>, <c>replay</c> into the database) only, never the server:
/// their live set is small and flat (the engine's bounded state, the key filter, about three batches of posts), but
/// each batch's posts live long enough to be promoted, so without a ceiling the workstation GC lets dead batches pile
/// up in generation 2 (236 MB of heap at 1M posts for ~60 MB live). With <c>GCHeapHardLimit</c> set at run time
/// (<see cref="GC.RefreshMemoryLimit"/>) the GC collects them instead. The ceiling is not a trap: after every batch,
/// if the live heap (what the last collection kept) passes half of it, it is raised to twice the live heap.
/// </summary>
internal sealed class ImportHeapCap
{
    private long _limit;

    private ImportHeapCap(long limit) => _limit = limit;

    /// <summary>The ceiling now in force, in bytes.</summary>
    public long Limit => _limit;

    /// <summary>Sets the ceiling (0 or less: none). Returns null when it is off or the runtime refuses it.</summary>
    public static ImportHeapCap? Apply(long bytes)
    {
        if (bytes <= 0)
        {
            return null;
        }

        // Never below what the process already uses: the runtime refuses a limit under the committed heap.
        var limit = Math.Max(bytes, GC.GetGCMemoryInfo().TotalCommittedBytes * 2);
        return TrySet(limit) ? new ImportHeapCap(limit) : null;
    }

    /// <summary>After a batch: raises the ceiling when the live heap has grown past half of it.</summary>
    public void AfterBatch()
    {
        var info = GC.GetGCMemoryInfo();
        var raised = NextLimit(_limit, Math.Max(0, info.HeapSizeBytes - info.FragmentedBytes));
        if (raised != _limit && TrySet(raised))
        {
            _limit = raised;
        }
    }

    /// <summary>The ceiling to use next: unchanged while the live heap stays under half of it, else at least twice the
    /// live heap (and at least 1.5× the old ceiling, so it is not raised after every batch).</summary>
    internal static long NextLimit(long limit, long live) =>
        live * 2 > limit ? Math.Max(live * 2, limit + (limit / 2)) : limit;

    private static bool TrySet(long limit)
    {
        try
        {
            AppContext.SetData("GCHeapHardLimit", (ulong)limit);
            GC.RefreshMemoryLimit();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
