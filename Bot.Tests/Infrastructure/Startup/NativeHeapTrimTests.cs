using System.Runtime.InteropServices;
using CrisisBot.Infrastructure.Startup;

namespace CrisisBot.Tests.Infrastructure.Startup;

public sealed class NativeHeapTrimTests
{
    [Fact]
    public void TryTrim_FreedBlocksBelowALiveOne_ReleasesThemOnGlibcOnly()
    {
        // 16 MB in 16 KB blocks (below glibc's mmap threshold, so they come from a malloc arena), then one small block
        // after them that stays alive: free() alone cannot give the space below it back; malloc_trim(0) can.
        var blocks = new List<nint>();
        for (var i = 0; i < 1024; i++)
        {
            blocks.Add(Marshal.AllocHGlobal(16 * 1024)); // malloc on Unix
        }

        var pin = Marshal.AllocHGlobal(64);
        try
        {
            foreach (var block in blocks)
            {
                Marshal.FreeHGlobal(block);
            }

            var released = NativeHeapTrim.TryTrim();

            Assert.Equal(IsGlibc(), released);
        }
        finally
        {
            Marshal.FreeHGlobal(pin);
        }
    }

    private static bool IsGlibc() =>
        OperatingSystem.IsLinux() && NativeLibrary.TryLoad("libc.so.6", out var handle) && NativeLibrary.TryGetExport(handle, "malloc_trim", out _);
}
