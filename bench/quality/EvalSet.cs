using CrisisBot.Features.HotTopics.Intake;

namespace CrisisBot.Bench.Quality;

/// <summary>A labelled post: <see cref="Label"/> is the true topic index, or -1 for noise (unrelated chatter).</summary>
internal sealed record LabelledPost(SocialPost Post, int Label);

/// <summary>An injected spike of one true topic between <see cref="Start"/> and <see cref="End"/> (event time).</summary>
internal sealed record InjectedSpike(int Label, DateTimeOffset Start, DateTimeOffset End, double PeakPerHour);

internal sealed record EvalSet(IReadOnlyList<LabelledPost> Posts, IReadOnlyList<InjectedSpike> Spikes, IReadOnlyList<string> TopicNames, int Days);
