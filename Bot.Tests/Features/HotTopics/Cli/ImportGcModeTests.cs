using System.Runtime;
using CrisisBot.Features.HotTopics.Cli;

namespace CrisisBot.Tests.Features.HotTopics.Cli;

public sealed class ImportGcModeTests
{
    [Fact]
    public void Batch_NonConcurrentUntilDisposed_ThenThePreviousMode()
    {
        var before = GCSettings.LatencyMode;

        using (ImportGcMode.Batch())
        {
            Assert.Equal(GCLatencyMode.Batch, GCSettings.LatencyMode);
        }

        Assert.Equal(before, GCSettings.LatencyMode);
    }
}
