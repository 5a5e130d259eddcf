using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CrisisBot.Infrastructure.Startup;

/// <summary>
/// Where the server's start-up time goes: phases marked in <c>Program.cs</c> (host built, storage migrated, listening,
/// first healthy <c>/healthz</c>), measured from the process start, logged once at Information (event 1950) when the
/// first <c>/healthz</c> answers healthy. Costs two stopwatch reads per phase.
/// </summary>
public sealed class StartupTrace
{
    private readonly long _mainTimestamp;
    private readonly TimeSpan _beforeMain;
    private readonly List<(string Phase, TimeSpan At, TimeSpan Cpu)> _marks = [];
    private int _reported;

    private StartupTrace(long mainTimestamp, TimeSpan beforeMain)
    {
        _mainTimestamp = mainTimestamp;
        _beforeMain = beforeMain;
    }

    /// <summary>Starts the trace (call first thing in <c>Main</c>); reads the process start time from the OS.</summary>
    public static StartupTrace Begin(TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(time);
        var now = Stopwatch.GetTimestamp();
        TimeSpan beforeMain;
        try
        {
            using var process = Process.GetCurrentProcess();
            beforeMain = time.GetUtcNow() - new DateTimeOffset(process.StartTime.ToUniversalTime());
        }
        catch (Exception ex) when (ex is InvalidOperationException or NotSupportedException or System.ComponentModel.Win32Exception)
        {
            beforeMain = TimeSpan.Zero;
        }

        return new StartupTrace(now, beforeMain < TimeSpan.Zero ? TimeSpan.Zero : beforeMain);
    }

    /// <summary>For tests: a trace whose process started <paramref name="beforeMain"/> before <c>Main</c>.</summary>
    internal static StartupTrace ForTest(long mainTimestamp, TimeSpan beforeMain) => new(mainTimestamp, beforeMain);

    /// <summary>Process start → <c>Main</c> (runtime start-up, assembly loading of the host).</summary>
    public TimeSpan BeforeMain => _beforeMain;

    /// <summary>The marks so far: phase name, time since the process start and CPU time of the process (all threads) then.</summary>
    public IReadOnlyList<(string Phase, TimeSpan At, TimeSpan Cpu)> Marks
    {
        get
        {
            lock (_marks)
            {
                return [.. _marks];
            }
        }
    }

    /// <summary>Records the end of a phase, now.</summary>
    public void Mark(string phase) => Mark(phase, Stopwatch.GetTimestamp(), Environment.CpuUsage.TotalTime);

    internal void Mark(string phase, long timestamp, TimeSpan cpu)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(phase);
        var at = _beforeMain + Stopwatch.GetElapsedTime(_mainTimestamp, timestamp);
        lock (_marks)
        {
            _marks.Add((phase, at, cpu));
        }
    }

    /// <summary>
    /// <c>1,234 ms after the process start (CPU 2,345 ms): runtime 150 ms, host built +400 ms (CPU +500 ms), …</c>: each
    /// phase with its own wall and CPU time (since the previous mark; CPU counts every thread, so it can exceed the wall
    /// time, and on a busy machine the wall time can far exceed it).
    /// </summary>
    public string Describe()
    {
        var marks = Marks; // the first phase's CPU time includes the runtime's
        var total = marks.Count > 0 ? marks[^1].At : _beforeMain;
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{total.TotalMilliseconds:N0} ms after the process start");
        if (marks.Count > 0)
        {
            text.Append(CultureInfo.InvariantCulture, $" (CPU {marks[^1].Cpu.TotalMilliseconds:N0} ms)");
        }

        text.Append(CultureInfo.InvariantCulture, $": runtime {_beforeMain.TotalMilliseconds:N0} ms");
        var previous = _beforeMain;
        var previousCpu = TimeSpan.Zero;
        for (var i = 0; i < marks.Count; i++)
        {
            var (phase, at, cpu) = marks[i];
            text.Append(CultureInfo.InvariantCulture, $", {phase} +{(at - previous).TotalMilliseconds:N0} ms");
            text.Append(CultureInfo.InvariantCulture, $" (CPU +{(cpu - previousCpu).TotalMilliseconds:N0} ms)");

            previous = at;
            previousCpu = cpu;
        }

        // Methods compiled at run time so far: what ReadyToRun code would have saved (see README "Performance").
        text.Append(CultureInfo.InvariantCulture,
            $"; JIT {System.Runtime.JitInfo.GetCompiledMethodCount():N0} methods in {System.Runtime.JitInfo.GetCompilationTime().TotalMilliseconds:N0} ms");
        return text.ToString();
    }

    /// <summary>True once <see cref="MarkReady"/> has logged the trace.</summary>
    public bool IsReported => Volatile.Read(ref _reported) != 0;

    /// <summary>Marks <paramref name="phase"/> and logs the whole trace, the first time only.</summary>
    /// <returns>True when this call logged the trace.</returns>
    public bool MarkReady(string phase, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        if (Interlocked.Exchange(ref _reported, 1) != 0)
        {
            return false;
        }

        Mark(phase);
        StartupLog.Ready(logger, Describe());
        return true;
    }
}

/// <summary>Start-up log messages; event ids 1950–1959.</summary>
internal static partial class StartupLog
{
    [LoggerMessage(EventId = 1950, Level = LogLevel.Information, Message = "Start-up: ready {Trace}")]
    public static partial void Ready(ILogger logger, string trace);

    [LoggerMessage(EventId = 1951, Level = LogLevel.Information, Message = "Start-up: background workers starting: {Reason} ({Elapsed:F0} ms after the host started)")]
    public static partial void BackgroundStarting(ILogger logger, string reason, double elapsed);

    [LoggerMessage(EventId = 1952, Level = LogLevel.Debug, Message = "Idle memory trim after {Requests} request(s): working set {Before:F0} → {After:F0} MB in {Elapsed:F1} ms")]
    public static partial void IdleTrim(ILogger logger, long requests, double before, double after, double elapsed);
}
