using CrisisBot.Features.HotTopics.Cli;

namespace CrisisBot.Tests.Features.HotTopics.Cli;

public sealed class ImportHeapLimitTests
{
    private const long Mb = 1L << 20;

    [Fact]
    public void Next_SmallLiveHeap_StaysAtTheFloor()
    {
        Assert.Equal(160 * Mb, ImportHeapLimit.Next(160 * Mb, 160 * Mb, 40 * Mb));
    }

    [Fact]
    public void Next_LiveHeapNeedsMore_RaisedToOneAndAQuarterTimesLivePlusHeadroom()
    {
        Assert.Equal((150 * Mb) + (24 * Mb), ImportHeapLimit.Next(160 * Mb, 160 * Mb, 120 * Mb));
    }

    [Fact]
    public void Next_LiveHeapShrinks_NeverLowered()
    {
        var raised = ImportHeapLimit.Next(160 * Mb, 160 * Mb, 200 * Mb);

        Assert.Equal(274 * Mb, raised);
        Assert.Equal(raised, ImportHeapLimit.Next(raised, 160 * Mb, 10 * Mb));
    }

    [Fact]
    public void Start_Zero_NoCeiling()
    {
        Assert.Null(ImportHeapLimit.Start(0));
    }
}
