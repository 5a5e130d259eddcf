using System.Globalization;
using System.Text;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// <c>import --memory-log &lt;file&gt;</c>: a diagnostic TSV of where the import's memory is, every half second: the
/// kernel's view of this process (<c>/proc/self/status</c>: VmRSS, VmHWM, RssAnon, RssFile, RssShmem, threads) next to the
/// GC's (<see cref="GC.GetGCMemoryInfo()"/>: heap, committed, fragmentation, size per generation after the last GC,
/// collection counts) and the posts done so far; plus, after every <see cref="StateEvery"/> posts, a line <c># state</c>
/// with what the pipeline holds (<see cref="Pipeline.HotTopicPipeline.DescribeMemory"/>); after the header, a line
/// <c># gc: …</c> with the GC settings in force (<see cref="DescribeGc"/>). Off unless asked for.
/// </summary>
internal sealed class ImportMemoryLog : IAsyncDisposable
{
    public const int StateEvery = 100_000;
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;
    private static readonly string[] StatusKeys = ["VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "Threads"];
    private readonly StreamWriter _writer;
    private readonly Timer _timer;
    private readonly long _start = System.Diagnostics.Stopwatch.GetTimestamp();
    private readonly Lock _lock = new();
    private long _posts;
    private long _nextState = StateEvery;
    private bool _disposed;

    private ImportMemoryLog(StreamWriter writer)
    {
        _writer = writer;
        _writer.WriteLine("seconds\tposts\tVmRSS_MB\tVmHWM_MB\tRssAnon_MB\tRssFile_MB\tRssShmem_MB\tthreads\tgc_heap_MB\tgc_committed_MB\tgc_fragmented_MB\tgen0_MB\tgen1_MB\tgen2_MB\tloh_MB\tpoh_MB\tgen2_frag_MB\tallocated_MB\tgc0\tgc1\tgc2\tlast_gc_kind\tlive_at_last_full_gc_MB\tgc_limit_MB");
        _writer.WriteLine("# " + DescribeGc());
        _timer = new Timer(_ => Sample(), null, 0, 500);
    }

    /// <summary>
    /// The GC settings in force, as the runtime reports them (<see cref="GC.GetConfigurationVariables"/>): the flavour and
    /// the gen0 budget's ceiling in force (<c>System.GC.Gen0MaxBudget</c>: 32 MB as set in Bot.csproj; the runtime's own
    /// for a workstation GC with background collection is 6 MB).
    /// </summary>
    internal static string DescribeGc()
    {
        var variables = GC.GetConfigurationVariables();
        var budget = variables.TryGetValue("GCGen0MaxBudget", out var value) ? Convert.ToInt64(value, Inv) : 0;
        var concurrent = variables.TryGetValue("ConcurrentGC", out var flag) && flag is true;
        return string.Create(Inv, $"gc: {(System.Runtime.GCSettings.IsServerGC ? "server" : "workstation")}, {(concurrent ? "concurrent" : "non-concurrent")}, gen0 budget at most {(budget > 0 ? $"{budget >> 20} MB" : "not reported")}");
    }

    public static ImportMemoryLog Open(string path) =>
        new(new StreamWriter(path, append: false, Encoding.UTF8) { AutoFlush = true });

    /// <summary>Called after each batch: the running count, and every <see cref="StateEvery"/> posts the state line.</summary>
    public void Progress(long posts, Func<string> describeState)
    {
        Interlocked.Exchange(ref _posts, posts);
        if (posts >= _nextState)
        {
            _nextState = ((posts / StateEvery) + 1) * StateEvery;
            Write(string.Create(Inv, $"# state at {posts} posts, {Seconds():F1} s: {describeState()}"));
        }
    }

    public void Note(string text) => Write("# " + text);

    private double Seconds() => System.Diagnostics.Stopwatch.GetElapsedTime(_start).TotalSeconds;

    private void Sample()
    {
        var status = ReadStatus();
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        var gens = info.GenerationInfo;
        static double Mb(long bytes) => bytes / 1048576.0;
        var line = new StringBuilder();
        line.Append(Inv, $"{Seconds():F1}\t{Interlocked.Read(ref _posts)}");
        foreach (var key in StatusKeys)
        {
            var value = status.GetValueOrDefault(key);
            line.Append('\t').Append(key == "Threads" ? value.ToString(Inv) : (value / 1024.0).ToString("F1", Inv));
        }

        line.Append(Inv, $"\t{Mb(info.HeapSizeBytes):F1}\t{Mb(info.TotalCommittedBytes):F1}\t{Mb(info.FragmentedBytes):F1}");
        for (var g = 0; g < 5; g++)
        {
            line.Append(Inv, $"\t{(g < gens.Length ? Mb(gens[g].SizeAfterBytes) : 0):F1}");
        }

        line.Append(Inv, $"\t{(gens.Length > 2 ? Mb(gens[2].FragmentationAfterBytes) : 0):F1}\t{Mb(GC.GetTotalAllocatedBytes()):F0}");
        line.Append(Inv, $"\t{GC.CollectionCount(0)}\t{GC.CollectionCount(1)}\t{GC.CollectionCount(2)}\t{info.Generation}{(info.Concurrent ? "bg" : string.Empty)}{(info.Compacted ? "c" : string.Empty)}");
        line.Append(Inv, $"\t{Mb(ImportHeapLimit.LiveAtLastFullGc()):F1}\t{Mb(info.TotalAvailableMemoryBytes):F0}");
        Write(line.ToString());
    }

    /// <summary>/proc/self/status values in kB (threads as a count); empty off Linux.</summary>
    private static Dictionary<string, long> ReadStatus()
    {
        var values = new Dictionary<string, long>();
        try
        {
            foreach (var l in File.ReadLines("/proc/self/status"))
            {
                var colon = l.IndexOf(':', StringComparison.Ordinal);
                if (colon > 0 && Array.IndexOf(StatusKeys, l[..colon]) >= 0
                    && long.TryParse(l[(colon + 1)..].Trim().Split(' ')[0], NumberStyles.None, Inv, out var v))
                {
                    values[l[..colon]] = v;
                }
            }
        }
        catch (IOException)
        {
            // not Linux: the GC columns still tell
        }

        return values;
    }

    private void Write(string line)
    {
        lock (_lock)
        {
            if (!_disposed)
            {
                _writer.WriteLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _timer.DisposeAsync();
        Sample();
        lock (_lock)
        {
            _disposed = true;
        }

        await _writer.DisposeAsync();
    }
}
