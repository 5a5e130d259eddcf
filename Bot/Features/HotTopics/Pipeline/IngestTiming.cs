using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace CrisisBot.Features.HotTopics.Pipeline;

/// <summary>
/// Opt-in critical-path diagnostics of a bulk import (<c>import --timing</c>): per stage of the pipeline, the time it was
/// busy and the time it waited for its input or for its consumer, from <see cref="Stopwatch"/> timestamps (two per
/// hand-off or batch step, nothing per post). Each stage is written by one thread only; read it after the import ended.
/// </summary>
internal sealed class IngestTiming
{
    /// <summary>The stages, grouped by the thread that runs them.</summary>
    public enum Stage
    {
        /// <summary>Reader thread: JSON/CSV read, parse and validate (what is left of its time).</summary>
        ReaderParse,

        /// <summary>Reader thread: text work of the next batch (<see cref="HotTopicPipeline.Prepare"/>).</summary>
        ReaderPrepare,

        /// <summary>Reader thread: blocked because the engine has not taken the previous batch yet.</summary>
        ReaderWaitConsumer,

        /// <summary>Engine thread: waiting for the reader's next batch.</summary>
        EngineWaitInput,

        /// <summary>Engine thread: duplicate check (HTTP path: also connection and transaction).</summary>
        EngineBatchHead,

        /// <summary>Engine thread: the order-dependent engine work (<c>Process</c> per post).</summary>
        EngineProcess,

        /// <summary>Engine thread: views of the changed topics (reads the engine's state).</summary>
        EngineViews,

        /// <summary>Engine thread: waiting for the writer (the previous batch's commit; HTTP path: the last insert chunk).</summary>
        EngineWaitWriter,

        /// <summary>Writer thread: open, begin.</summary>
        WriterBegin,

        /// <summary>Writer thread: post inserts.</summary>
        WriterInsert,

        /// <summary>Writer thread: topic upserts, repoints, alarm inserts, observers.</summary>
        TailWrites,

        /// <summary>Writer thread: SaveChanges and commit.</summary>
        Commit,

        /// <summary>Writer thread: waiting for the engine's next step.</summary>
        WriterWaitInput,
    }

    private static readonly (Stage Stage, string Thread, string Label)[] Rows =
    [
        (Stage.ReaderParse, "reader", "parse (read, JSON/CSV, validate)"),
        (Stage.ReaderPrepare, "reader", "prepare (normalise, features, rules)"),
        (Stage.ReaderWaitConsumer, "reader", "wait for the engine to take a batch"),
        (Stage.EngineWaitInput, "engine", "wait for the reader's next batch"),
        (Stage.EngineBatchHead, "engine", "batch head (duplicate check)"),
        (Stage.EngineProcess, "engine", "engine (Process per post)"),
        (Stage.EngineViews, "engine", "views of changed topics, release"),
        (Stage.EngineWaitWriter, "engine", "wait for the previous batch's commit"),
        (Stage.WriterBegin, "writer", "open, begin (connection, transaction)"),
        (Stage.WriterInsert, "writer", "insert posts"),
        (Stage.TailWrites, "writer", "tail writes (topic upserts, alarms)"),
        (Stage.Commit, "writer", "commit (SaveChanges, COMMIT)"),
        (Stage.WriterWaitInput, "writer", "wait for the engine's next step"),
    ];

    private readonly long[] _ticks = new long[Enum.GetValues<Stage>().Length];
    private readonly long[] _counts = new long[Enum.GetValues<Stage>().Length];
    private readonly long _start = Stopwatch.GetTimestamp();

    /// <summary>Adds the time since <paramref name="since"/> to <paramref name="stage"/>; returns now (the next start).</summary>
    public long Add(Stage stage, long since)
    {
        var now = Stopwatch.GetTimestamp();
        _ticks[(int)stage] += now - since;
        _counts[(int)stage]++;
        return now;
    }

    /// <summary>Adds a measured span (ticks) to <paramref name="stage"/>.</summary>
    public void AddTicks(Stage stage, long ticks)
    {
        _ticks[(int)stage] += ticks;
        _counts[(int)stage]++;
    }

    /// <summary>Seconds recorded for <paramref name="stage"/>.</summary>
    public double Seconds(Stage stage) => (double)_ticks[(int)stage] / Stopwatch.Frequency;

    /// <summary>How often <paramref name="stage"/> was recorded.</summary>
    public long Count(Stage stage) => _counts[(int)stage];

    /// <summary>The table: per thread and stage, seconds, share of the wall time, and how often it was recorded.</summary>
    public string Report(string? note = null)
    {
        var inv = CultureInfo.InvariantCulture;
        var wall = Stopwatch.GetElapsedTime(_start).TotalSeconds;
        var text = new StringBuilder();
        text.Append(inv, $"import timing (Stopwatch; wall {wall:F2} s from the pipeline's start; each thread's rows add up to at most the wall time)\n");
        text.Append(inv, $"{"thread",-7} {"stage",-40} {"seconds",8} {"of wall",8} {"times",8}\n");
        foreach (var (stage, thread, label) in Rows)
        {
            var s = Seconds(stage);
            text.Append(inv, $"{thread,-7} {label,-40} {s,8:F2} {(wall > 0 ? s / wall : 0),8:P0} {Count(stage),8}\n");
        }

        if (note is not null)
        {
            text.Append(note).Append('\n');
        }

        text.Append(inv, $"process CPU {Environment.ProcessorCount} cores: user+sys {Process.GetCurrentProcess().TotalProcessorTime.TotalSeconds:F2} s; ");
        text.Append(inv, $"GC since the process started: {GC.CollectionCount(0)} collections (gen 1: {GC.CollectionCount(1)}, gen 2: {GC.CollectionCount(2)}), every thread paused {GC.GetTotalPauseDuration().TotalSeconds:F2} s");
        return text.ToString();
    }
}
