using System.Runtime.InteropServices;

namespace CrisisBot.Infrastructure.Startup;

/// <summary>
/// Returns the C library's free heap memory to the operating system (glibc <c>malloc_trim(0)</c>). Native allocations of
/// the process (SQLite's page caches and statements, the JIT's arenas, ICU, OpenSSL) go through <c>malloc</c>; glibc keeps
/// what they free in its per-thread arenas, so after the start and a burst several MB stay resident although free.
/// Only on Linux with glibc: elsewhere (or on musl, which has no <c>malloc_trim</c>) it does nothing.
/// </summary>
internal static class NativeHeapTrim
{
    private static int _unavailable;

    /// <summary>Runs <c>malloc_trim(0)</c> where it exists.</summary>
    /// <returns>True when it ran and memory was released; false when nothing could be released or it is unavailable.</returns>
    public static bool TryTrim()
    {
        if (!OperatingSystem.IsLinux() || Volatile.Read(ref _unavailable) != 0)
        {
            return false;
        }

        try
        {
            return MallocTrim(0) != 0;
        }
        catch (Exception ex) when (ex is DllNotFoundException or EntryPointNotFoundException)
        {
            Volatile.Write(ref _unavailable, 1);
            return false;
        }
    }

    // glibc's soname on every Linux architecture .NET supports; musl has no libc.so.6 (DllNotFoundException above).
    [DllImport("libc.so.6", EntryPoint = "malloc_trim", ExactSpelling = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int MallocTrim(nuint pad);
}
