using System.Diagnostics;
using CrisisBot.Infrastructure.Startup;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Infrastructure.Startup;

public sealed class StartupTraceTests
{
    private static long At(long start, double milliseconds) => start + (long)(milliseconds / 1000 * Stopwatch.Frequency);

    [Fact]
    public void Describe_TwoPhases_ShowsEachPhaseSinceThePreviousMarkWithItsCpuTime()
    {
        var trace = StartupTrace.ForTest(mainTimestamp: 1_000, beforeMain: TimeSpan.FromMilliseconds(100));
        trace.Mark("host built", At(1_000, 50), TimeSpan.FromMilliseconds(200));
        trace.Mark("storage migrated", At(1_000, 1_250), TimeSpan.FromMilliseconds(1_260));

        var text = trace.Describe();

        Assert.StartsWith(
            "1,350 ms after the process start (CPU 1,260 ms): runtime 100 ms, host built +50 ms (CPU +200 ms), storage migrated +1,200 ms (CPU +1,060 ms); JIT ",
            text, StringComparison.Ordinal);
        Assert.Equal([TimeSpan.FromMilliseconds(150), TimeSpan.FromMilliseconds(1_350)], trace.Marks.Select(m => TimeSpan.FromMilliseconds(Math.Round(m.At.TotalMilliseconds))));
    }

    [Fact]
    public void Describe_NoMarks_ShowsTheRuntimeOnly()
    {
        var trace = StartupTrace.ForTest(mainTimestamp: 0, beforeMain: TimeSpan.FromMilliseconds(80));

        Assert.StartsWith("80 ms after the process start: runtime 80 ms; JIT ", trace.Describe(), StringComparison.Ordinal);
    }

    [Fact]
    public void MarkReady_CalledTwice_LogsTheTraceOnceAsEvent1950()
    {
        var trace = StartupTrace.Begin(TimeProvider.System);
        trace.Mark("host built");
        var logger = new ListLogger<StartupTraceTests>();

        var first = trace.MarkReady("first healthy /healthz", logger);
        var second = trace.MarkReady("first healthy /healthz", logger);

        Assert.True(first);
        Assert.False(second);
        Assert.True(trace.IsReported);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(1950, entry.EventId.Id);
        Assert.Equal(LogLevel.Information, entry.Level);
        Assert.Contains("host built +", entry.Message, StringComparison.Ordinal);
        Assert.Contains("first healthy /healthz +", entry.Message, StringComparison.Ordinal);
        Assert.Equal(["host built", "first healthy /healthz"], trace.Marks.Select(m => m.Phase));
    }

    [Fact]
    public void Begin_RealProcess_RuntimePartIsNonNegativeAndMarksGrow()
    {
        var trace = StartupTrace.Begin(TimeProvider.System);
        trace.Mark("a");
        trace.Mark("b");

        Assert.True(trace.BeforeMain >= TimeSpan.Zero);
        Assert.True(trace.Marks[1].At >= trace.Marks[0].At);
        Assert.True(trace.Marks[0].At >= trace.BeforeMain);
    }

    [Fact]
    public void Mark_BlankPhase_Throws()
    {
        var trace = StartupTrace.Begin(TimeProvider.System);

        Assert.Throws<ArgumentException>(() => trace.Mark(" "));
    }
}
