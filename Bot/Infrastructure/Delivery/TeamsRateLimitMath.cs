namespace CrisisBot.Infrastructure.Delivery;

/// <summary>
/// The theoretical minimum time a fan-out needs under the Teams limits: the yardstick of the fan-out benchmark
/// ("≤ 1.1× of the minimum"). Sends are instantaneous; the first goes at time zero, and the result is when the last may go.
/// </summary>
public static class TeamsRateLimitMath
{
    /// <summary>
    /// Minimum time to send <paramref name="posts"/> operations spread over <paramref name="conversations"/> conversations
    /// under the per-thread windows and the tenant limit of <paramref name="options"/>.
    /// </summary>
    /// <remarks>
    /// Two lower bounds, each exact for its own constraint: all N sends obey the tenant window, and the busiest conversation
    /// carries at least ⌈N/C⌉ sends under the thread windows. For one stream under sliding windows the greedy schedule
    /// (each send as early as allowed: <c>t[i] = max(t[i-1], max over windows of t[i-L] + W)</c>) is optimal, so the
    /// minimum is at least the larger of the two greedy end times. It is exactly that when one bound dominates, as in the
    /// benchmark (1,000 posts over 50 channels: the tenant's 50/s decides, each channel needs only 1 send a second);
    /// a test drives the real limiter greedily and checks it finishes at this value.
    /// </remarks>
    /// <param name="includeSafetyMargin">Add <see cref="TeamsRateLimitOptions.SafetyMargin"/> to every window, as the limiter does.</param>
    public static TimeSpan MinimumDuration(int posts, int conversations, TeamsRateLimitOptions options, bool includeSafetyMargin = false)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(posts);
        ArgumentOutOfRangeException.ThrowIfLessThan(conversations, 1);
        var validation = new TeamsRateLimitOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException($"Invalid rate-limit options: {validation.FailureMessage}", nameof(options));
        }

        if (posts == 0)
        {
            return TimeSpan.Zero;
        }

        var margin = includeSafetyMargin ? options.SafetyMargin : TimeSpan.Zero;
        var busiest = (posts + conversations - 1) / conversations;
        var thread = GreedyEnd(busiest, options.ThreadWindows, margin);
        var tenant = GreedyEnd(posts, [options.TenantWindow], margin);
        return thread > tenant ? thread : tenant;
    }

    /// <summary>When the last of <paramref name="count"/> sends may go on one stream under <paramref name="windows"/>, greedily.</summary>
    public static TimeSpan GreedyEnd(int count, IReadOnlyList<RateWindow> windows, TimeSpan margin)
    {
        ArgumentNullException.ThrowIfNull(windows);
        ArgumentOutOfRangeException.ThrowIfNegative(count);
        if (count == 0)
        {
            return TimeSpan.Zero;
        }

        var times = new TimeSpan[count];
        for (var i = 1; i < count; i++)
        {
            var t = times[i - 1];
            foreach (var window in windows)
            {
                if (i >= window.Limit)
                {
                    var earliest = times[i - window.Limit] + window.Length + margin;
                    if (earliest > t)
                    {
                        t = earliest;
                    }
                }
            }

            times[i] = t;
        }

        return times[^1];
    }
}
