namespace CrisisBot.Features.HotTopics.Spikes;

/// <summary>
/// A change of a series' alarm state at event time <see cref="At"/>: the post that crossed the threshold (onset,
/// escalation) or the end of the bucket that closed the alarm (end). <see cref="Count"/> and <see cref="Expected"/>
/// describe the window that decided it.
/// </summary>
public readonly record struct SpikeSignal(
    AlarmTransition Transition,
    AlarmSeverity Severity,
    DateTimeOffset At,
    int Count,
    double Expected,
    double PValue);
