using System.Runtime.InteropServices;

namespace CrisisBot.Infrastructure;

/// <summary>
/// Lowers the scheduling weight of the calling thread. On Linux the nice value is an attribute of each thread (not of
/// the process, whatever POSIX says), <c>setpriority(PRIO_PROCESS, 0, n)</c> sets the calling thread's, and raising it
/// needs no privilege. .NET's <see cref="Thread.Priority"/> changes nothing on Linux, hence this. Elsewhere (or without
/// glibc) it does nothing.
/// </summary>
/// <remarks>
/// For a thread that works ahead of a slower stage, e.g. the import's reader (parse and prepare the next batch while
/// the engine and the writer run): on two cores the three threads share the CPU equally, so the reader, which then only
/// waits for the engine to take its batch, slowed the two stages that set the pace. At a lower weight it runs in what
/// they leave (bench/RESULTS.md "Session 16").
/// </remarks>
internal static class ThreadNice
{
    /// <summary>The largest nice value Linux allows (the lowest weight).</summary>
    public const int Max = 19;

    private const int PrioProcess = 0; // with who = 0: the calling thread on Linux
    private static int _unavailable;

    /// <summary>
    /// Adds <paramref name="steps"/> to the calling thread's nice value (at most <see cref="Max"/>). Each step is about
    /// 1.25 times less CPU when threads compete; 5 steps about a third of an unchanged thread's share.
    /// </summary>
    /// <returns>True when the thread's nice value was raised; false where this does nothing.</returns>
    public static bool TryLowerCurrentThread(int steps)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(steps);
        if (CurrentThreadNice() is not { } current)
        {
            return false;
        }

        var target = Math.Min(Max, current + steps);
        return target > current && SetPriority(PrioProcess, 0, target) == 0;
    }

    /// <summary>The calling thread's nice value; null where it cannot be read (not Linux, or no glibc).</summary>
    public static int? CurrentThreadNice()
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _unavailable) != 0)
        {
            return null;
        }

        try
        {
            // -1 is a valid nice value as well as the error return: errno tells them apart.
            Marshal.SetLastPInvokeError(0);
            var nice = GetPriority(PrioProcess, 0);
            return nice == -1 && Marshal.GetLastPInvokeError() != 0 ? null : nice;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1);
            return null;
        }
    }

    // glibc's soname on every Linux architecture .NET supports; musl has no libc.so.6 (DllNotFoundException above).
    [DllImport("libc.so.6", EntryPoint = "getpriority", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int GetPriority(int which, uint who);

    [DllImport("libc.so.6", EntryPoint = "setpriority", ExactSpelling = true, SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetPriority(int which, uint who, int prio);
}
