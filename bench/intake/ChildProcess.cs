using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace CrisisBot.Bench.Intake;

/// <summary>
/// Runs a .NET program (<c>dotnet &lt;dll&gt; args…</c>) as a child process and measures it from the outside: wall time
/// from start to exit, CPU time (user + system, from the kernel's accounting of reaped children), and peak resident
/// memory (<c>VmHWM</c> of the child's own address space, polled every 20 ms: a high-water mark, so a poll sees every
/// peak before it). Not the kernel's <c>ru_maxrss</c> of reaped children: a child forked from this process starts with
/// this process's resident pages, and Linux keeps that pre-exec high-water mark in the child's <c>ru_maxrss</c> (the
/// generator that writes the post files in this process once made a 279k-post import "peak" at 315 MB and a 930k one at
/// 739 MB, against 205 MB polled). The child runs with its own
/// runtimeconfig, so the real <c>dotnet Bot.dll import</c> is measured exactly as a user runs it.
/// </summary>
internal static class ChildProcess
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public sealed record Result(int Exit, double WallSeconds, double CpuSeconds, long PeakRssBytes, string Stdout, string Stderr);

    public static async Task<Result> RunAsync(string dll, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment = null)
    {
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach (var (k, v) in environment ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        var before = ChildrenCpuSeconds();
        var watch = Stopwatch.StartNew();
        using var child = Process.Start(psi)!;
        var stdout = child.StandardOutput.ReadToEndAsync();
        var stderr = child.StandardError.ReadToEndAsync();
        long polledPeak = 0;
        var statusPath = $"/proc/{child.Id}/status";
        while (!child.HasExited)
        {
            polledPeak = Math.Max(polledPeak, ReadHwm(statusPath));
            await Task.WhenAny(child.WaitForExitAsync(), Task.Delay(20));
        }

        await child.WaitForExitAsync();
        watch.Stop();
        var cpu = ChildrenCpuSeconds() - before;
        return new Result(child.ExitCode, watch.Elapsed.TotalSeconds, cpu, polledPeak, await stdout, await stderr);
    }

    private static long ReadHwm(string statusPath)
    {
        try
        {
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    var kb = line["VmHWM:".Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, Inv) * 1024;
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            // the process just exited
        }

        return 0;
    }

    /// <summary>User + system CPU seconds of every reaped child so far (the kernel's accounting).</summary>
    private static double ChildrenCpuSeconds()
    {
        if (!OperatingSystem.IsLinux() || NativeMethods.getrusage(NativeMethods.RusageChildren, out var u) != 0)
        {
            return 0;
        }

        return u.UtimeSec + (u.UtimeUsec / 1e6) + u.StimeSec + (u.StimeUsec / 1e6);
    }

    /// <summary>One line describing the runtime settings a program's runtimeconfig.json asks for (GC mode etc.).</summary>
    public static string DescribeRuntimeConfig(string dll)
    {
        var path = Path.ChangeExtension(dll, ".runtimeconfig.json");
        if (!File.Exists(path))
        {
            return "no runtimeconfig.json found";
        }

        using var json = System.Text.Json.JsonDocument.Parse(File.ReadAllText(path));
        var sb = new StringBuilder();
        if (json.RootElement.GetProperty("runtimeOptions").TryGetProperty("configProperties", out var props))
        {
            foreach (var p in props.EnumerateObject().Where(p => p.Name.StartsWith("System.GC.", StringComparison.Ordinal) || p.Name.StartsWith("System.Runtime.Tiered", StringComparison.Ordinal)))
            {
                sb.Append(sb.Length > 0 ? ", " : string.Empty).Append(p.Name).Append('=').Append(p.Value.ToString());
            }
        }

        return sb.Length > 0 ? sb.ToString() : "runtime defaults";
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct RUsage
    {
        public long UtimeSec;
        public long UtimeUsec;
        public long StimeSec;
        public long StimeUsec;
        public long MaxRss;
        public long IxRss;
        public long IdRss;
        public long IsRss;
        public long MinFlt;
        public long MajFlt;
        public long NSwap;
        public long InBlock;
        public long OuBlock;
        public long MsgSnd;
        public long MsgRcv;
        public long NSignals;
        public long NVcsw;
        public long NIvcsw;
    }

    private static class NativeMethods
    {
        public const int RusageChildren = -1;

        [DllImport("libc", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
#pragma warning disable SYSLIB1054 // a plain blittable P/Invoke; no source generator needed for a benchmark
        public static extern int getrusage(int who, out RUsage usage);
#pragma warning restore SYSLIB1054
    }
}
