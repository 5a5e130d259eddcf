using System.Diagnostics;
using CrisisBot.Features.HotTopics.Cli;

namespace CrisisBot.Tests.Features.HotTopics.Cli;

public sealed class ImportPhasesTests
{
    [Fact]
    public void Report_EachPhaseWithItsOwnWallAndCpuSinceThePreviousOne()
    {
        var begun = 1_000L;
        var phases = ImportPhases.ForTest(begun, beforeBegin: TimeSpan.FromMilliseconds(100), cpuAtBegin: TimeSpan.FromMilliseconds(90));
        phases.Mark("services built", begun + (Stopwatch.Frequency / 20), TimeSpan.FromMilliseconds(130));      // +50 ms, CPU +40
        phases.Mark("storage migrated", begun + (Stopwatch.Frequency / 4), TimeSpan.FromMilliseconds(330));     // +200 ms, CPU +200
        phases.Mark("services built", begun + Stopwatch.Frequency, TimeSpan.FromMilliseconds(900));             // a repeated name is ignored

        var lines = phases.Report().Split('\n');

        Assert.Equal(2, phases.Marks.Count);
        Assert.Matches(@"^runtime start, command line\s+100\s+90$", lines[2]);
        Assert.Matches(@"^services built\s+50\s+40$", lines[3]);
        Assert.Matches(@"^storage migrated\s+200\s+200$", lines[4]);
        Assert.Matches(@"^total\s+350\s+330$", lines[5]);
        Assert.StartsWith("JIT so far: ", lines[6], StringComparison.Ordinal);
    }
}
