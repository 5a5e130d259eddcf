using CrisisBot.Infrastructure;

namespace CrisisBot.Tests.Infrastructure;

public sealed class ThreadNiceTests
{
    /// <summary>The kernel's own record of a thread's nice value (field 19 of /proc/thread-self/stat), not getpriority's.</summary>
    private static int KernelNice()
    {
        var stat = File.ReadAllText("/proc/thread-self/stat");
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[16], System.Globalization.CultureInfo.InvariantCulture); // after pid and (comm): state is field 3
    }

    private static T OnNewThread<T>(Func<T> work)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = work();
            }
            catch (Exception ex)
            {
                error = ex;
            }
        });
        thread.Start();
        thread.Join();
        return error is null ? result : throw new InvalidOperationException("the thread failed", error);
    }

    [Fact]
    public void TryLowerCurrentThread_RaisesOnlyTheCallingThreadsNice()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.Null(ThreadNice.CurrentThreadNice());
            Assert.False(ThreadNice.TryLowerCurrentThread(5));
            return;
        }

        var mine = KernelNice();
        Assert.Equal(mine, ThreadNice.CurrentThreadNice());

        var (before, lowered, after, kernel) = OnNewThread(() =>
        {
            var before = ThreadNice.CurrentThreadNice();
            var lowered = ThreadNice.TryLowerCurrentThread(5);
            return (before, lowered, ThreadNice.CurrentThreadNice(), KernelNice());
        });

        Assert.Equal(mine, before); // a new thread starts at its creator's value
        Assert.Equal(mine < ThreadNice.Max, lowered);
        Assert.Equal(Math.Min(ThreadNice.Max, mine + 5), after);
        Assert.Equal(after, kernel);
        Assert.Equal(mine, KernelNice()); // this thread is unchanged: the value is per thread
    }

    [Fact]
    public void TryLowerCurrentThread_StopsAtTheLowestWeight()
    {
        if (!OperatingSystem.IsLinux())
        {
            Assert.False(ThreadNice.TryLowerCurrentThread(1));
            return;
        }

        var (first, second, nice) = OnNewThread(() =>
            (ThreadNice.TryLowerCurrentThread(100), ThreadNice.TryLowerCurrentThread(1), KernelNice()));

        Assert.Equal(KernelNice() < ThreadNice.Max, first);
        Assert.False(second);
        Assert.Equal(ThreadNice.Max, nice);
    }

    [Fact]
    public void TryLowerCurrentThread_StepsMustBePositive()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => ThreadNice.TryLowerCurrentThread(0));
    }
}
