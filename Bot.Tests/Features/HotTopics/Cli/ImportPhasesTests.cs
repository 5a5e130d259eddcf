using System.Diagnostics;
using CrisisBot.Features.HotTopics.Cli;

namespace CrisisBot.Tests.Features.HotTopics.Cli;

public sealed class ImportPhasesTests
{
    [Fact]
    public void Report_EachPhaseWithItsOwnWallCpuAndJitSinceThePreviousOne()
    {
        var begun = 1_000L;
        var phases = ImportPhases.ForTest(begun, beforeBegin: TimeSpan.FromMilliseconds(100), cpuAtBegin: TimeSpan.FromMilliseconds(90), Jit(20, 60));
        phases.Mark("services built", begun + (Stopwatch.Frequency / 20), TimeSpan.FromMilliseconds(130), Jit(35, 110));      // +50 ms, CPU +40, JIT +15 ms, 50 methods
        phases.Mark("storage migrated", begun + (Stopwatch.Frequency / 4), TimeSpan.FromMilliseconds(330), Jit(95, 1_310));  // +200 ms, CPU +200, JIT +60 ms, 1,200 methods
        phases.Mark("services built", begun + Stopwatch.Frequency, TimeSpan.FromMilliseconds(900), Jit(400, 2_000));         // a repeated name is ignored

        var lines = phases.Report().Split('\n');

        Assert.Equal(2, phases.Marks.Count);
        Assert.Matches(@"^runtime start, command line\s+100\s+90\s+20\s+60$", lines[2]);
        Assert.Matches(@"^services built\s+50\s+40\s+15\s+50$", lines[3]);
        Assert.Matches(@"^storage migrated\s+200\s+200\s+60\s+1,200$", lines[4]);
        Assert.Matches(@"^total\s+350\s+330\s+95\s+1,310$", lines[5]);
        Assert.Equal(6, lines.Length);
    }

    [Fact]
    public void Mark_RecordsTheJitOfTheProcessSoFar()
    {
        var phases = ImportPhases.Begin();
        phases.Mark("one");

        var total = phases.Report().Split('\n')[^1];

        // This test's own methods were compiled before it ran: the JIT columns of a real process are never zero.
        var columns = total.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("total", columns[0]);
        Assert.True(long.Parse(columns[^1], System.Globalization.NumberStyles.AllowThousands, System.Globalization.CultureInfo.InvariantCulture) > 0, total);
    }

    private static ImportPhases.JitSoFar Jit(int milliseconds, long methods) => new(TimeSpan.FromMilliseconds(milliseconds), methods);
}
