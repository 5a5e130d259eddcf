using System.Runtime;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// Non-concurrent garbage collection while <c>dotnet Bot.dll import</c> runs (<see cref="GCLatencyMode.Batch"/>): a bulk
/// load wants throughput, and no request waits on it. The bot's GC is concurrent (workstation, background gen 2, for
/// request latency); during an import the background collections' thread competes with the pipeline's three threads
/// for two cores and their write tracking costs the threads that allocate. Set only when the command owns the process
/// (<see cref="Infrastructure.Cli.CliHost.OwnsProcess"/>); the previous mode comes back on dispose.
/// </summary>
/// <remarks>Measured in bench/RESULTS.md "Session 11": 93k-post import, 6 alternating pairs, median 2 % less wall time
/// (5 of 6 pairs faster) and a peak RSS of 133 instead of 145 MB. Session 8 had tried <c>DOTNET_gcConcurrent=0</c> in 4
/// pairs under load and seen no clear difference.</remarks>
internal sealed class ImportGcMode : IDisposable
{
    private readonly GCLatencyMode _before;

    private ImportGcMode()
    {
        _before = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.Batch;
    }

    /// <summary>Switches the process to batch (non-concurrent) collection until disposed.</summary>
    public static ImportGcMode Batch() => new();

    public void Dispose() => GCSettings.LatencyMode = _before;
}
