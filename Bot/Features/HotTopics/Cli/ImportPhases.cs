using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// Opt-in breakdown of an import's fixed cost (<c>import --timing</c>): the set-up and tear-down phases (services built,
/// options checked, products file loaded, storage migrated, pipeline ready, first batch, the rest, end), each with its
/// wall time, the process's CPU time (all threads) and the JIT's time and method count (all threads) since the previous
/// mark, measured from the process start like the server's start-up trace. Four counter reads per phase; nothing per
/// post or batch.
/// </summary>
internal sealed class ImportPhases
{
    private readonly long _begun;
    private readonly TimeSpan _beforeBegin;
    private readonly TimeSpan _cpuAtBegin;
    private readonly JitSoFar _jitAtBegin;
    private readonly List<(string Phase, TimeSpan At, TimeSpan Cpu, JitSoFar Jit)> _marks = [];

    private ImportPhases(long begun, TimeSpan beforeBegin, TimeSpan cpuAtBegin, JitSoFar jitAtBegin)
    {
        _begun = begun;
        _beforeBegin = beforeBegin;
        _cpuAtBegin = cpuAtBegin;
        _jitAtBegin = jitAtBegin;
    }

    /// <summary>What the JIT has done in the process so far (all threads): compile time and methods compiled.</summary>
    internal readonly record struct JitSoFar(TimeSpan Time, long Methods)
    {
        public static JitSoFar Now => new(System.Runtime.JitInfo.GetCompilationTime(), System.Runtime.JitInfo.GetCompiledMethodCount());
    }

    /// <summary>
    /// Starts the breakdown now; the time before it (runtime start, command line) comes from the process start time, so
    /// this reads the real clock (the CLI host's clock may be a test's fake one).
    /// </summary>
    public static ImportPhases Begin()
    {
        var now = Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        TimeSpan before;
        try
        {
            using var process = Process.GetCurrentProcess();
            before = TimeProvider.System.GetUtcNow() - new DateTimeOffset(process.StartTime.ToUniversalTime());
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            before = TimeSpan.Zero;
        }

        return new ImportPhases(now, before < TimeSpan.Zero ? TimeSpan.Zero : before, cpu, JitSoFar.Now);
    }

    /// <summary>For tests: a breakdown begun <paramref name="beforeBegin"/> after the process start, with that CPU time used.</summary>
    internal static ImportPhases ForTest(long begun, TimeSpan beforeBegin, TimeSpan cpuAtBegin, JitSoFar jitAtBegin) =>
        new(begun, beforeBegin, cpuAtBegin, jitAtBegin);

    /// <summary>The phases marked so far (name, time since the process start, process CPU time and JIT work then).</summary>
    public IReadOnlyList<(string Phase, TimeSpan At, TimeSpan Cpu, JitSoFar Jit)> Marks => _marks;

    /// <summary>Ends the phase <paramref name="phase"/> now (the first call of a name only: later ones are ignored).</summary>
    public void Mark(string phase) => Mark(phase, Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime, JitSoFar.Now);

    internal void Mark(string phase, long timestamp, TimeSpan cpu, JitSoFar jit)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phase);
        if (_marks.Exists(m => m.Phase == phase))
        {
            return;
        }

        _marks.Add((phase, _beforeBegin + Stopwatch.GetElapsedTime(_begun, timestamp), cpu, jit));
    }

    /// <summary>The table: each phase's wall, CPU and JIT milliseconds and methods the JIT compiled, then the totals.</summary>
    public string Report()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.Append("import phases (wall, process CPU and JIT, all threads, since the previous phase; from the process start)\n");
        text.Append(inv, $"{"phase",-46} {"wall ms",8} {"CPU ms",8} {"JIT ms",8} {"methods",8}\n");
        text.Append(inv, $"{"runtime start, command line",-46} {_beforeBegin.TotalMilliseconds,8:N0} {_cpuAtBegin.TotalMilliseconds,8:N0} {_jitAtBegin.Time.TotalMilliseconds,8:N0} {_jitAtBegin.Methods,8:N0}\n");
        var previous = _beforeBegin;
        var previousCpu = _cpuAtBegin;
        var previousJit = _jitAtBegin;
        foreach (var (phase, at, cpu, jit) in _marks)
        {
            text.Append(inv, $"{phase,-46} {(at - previous).TotalMilliseconds,8:N0} {(cpu - previousCpu).TotalMilliseconds,8:N0} {(jit.Time - previousJit.Time).TotalMilliseconds,8:N0} {jit.Methods - previousJit.Methods,8:N0}\n");
            previous = at;
            previousCpu = cpu;
            previousJit = jit;
        }

        text.Append(inv, $"{"total",-46} {previous.TotalMilliseconds,8:N0} {previousCpu.TotalMilliseconds,8:N0} {previousJit.Time.TotalMilliseconds,8:N0} {previousJit.Methods,8:N0}");
        return text.ToString();
    }
}
