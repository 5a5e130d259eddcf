using CrisisBot.Infrastructure.Delivery;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Delivery;

public class TeamsRateLimitMathTests
{
    private static readonly TeamsRateLimitOptions Teams = new();

    [Theory]
    [InlineData(1, 0.0)]
    [InlineData(7, 0.0)]   // 7 per 1 s
    [InlineData(8, 1.0)]   // the 8th waits for the first to leave the 1 s window
    [InlineData(9, 2.0)]   // 8 per 2 s
    [InlineData(15, 2.0)]
    [InlineData(16, 3.0)]
    [InlineData(61, 30.0)] // 60 per 30 s
    public void MinimumDuration_OneConversation_FollowsThreadWindows(int posts, double expectedSeconds)
    {
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), TeamsRateLimitMath.MinimumDuration(posts, 1, Teams));
    }

    [Fact]
    public void MinimumDuration_1801PostsInOneConversation_NeedsAtLeastAnHour()
    {
        var duration = TeamsRateLimitMath.MinimumDuration(1801, 1, Teams);

        Assert.True(duration >= TimeSpan.FromHours(1), duration.ToString());
        Assert.True(duration < TimeSpan.FromHours(1) + TimeSpan.FromSeconds(31), duration.ToString());
    }

    [Theory]
    [InlineData(50, 50, 0.0)]
    [InlineData(51, 50, 1.0)]
    [InlineData(1000, 50, 19.0)]  // the benchmark: the tenant's 50/s decides
    [InlineData(1000, 2000, 19.0)] // more conversations than posts
    [InlineData(100, 2, 12.0)]    // 50 per conversation: the thread windows decide
    public void MinimumDuration_ManyConversations_IsTheBindingLimit(int posts, int conversations, double expectedSeconds)
    {
        var expected = Math.Max(
            TeamsRateLimitMath.GreedyEnd((posts + conversations - 1) / conversations, Teams.ThreadWindows, TimeSpan.Zero).TotalSeconds,
            TeamsRateLimitMath.GreedyEnd(posts, [Teams.TenantWindow], TimeSpan.Zero).TotalSeconds);

        var actual = TeamsRateLimitMath.MinimumDuration(posts, conversations, Teams);

        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), actual);
        Assert.Equal(expected, actual.TotalSeconds);
    }

    [Fact]
    public void MinimumDuration_WithSafetyMargin_StretchesEveryWindow()
    {
        var options = new TeamsRateLimitOptions { SafetyMargin = TimeSpan.FromMilliseconds(50) };

        Assert.Equal(TimeSpan.FromSeconds(19 * 1.05), TeamsRateLimitMath.MinimumDuration(1000, 50, options, includeSafetyMargin: true));
        Assert.Equal(TimeSpan.FromSeconds(19), TeamsRateLimitMath.MinimumDuration(1000, 50, options));
    }

    [Fact]
    public void MinimumDuration_ZeroPosts_IsZero()
    {
        Assert.Equal(TimeSpan.Zero, TeamsRateLimitMath.MinimumDuration(0, 5, Teams));
    }

    [Fact]
    public void MinimumDuration_BadArguments_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => TeamsRateLimitMath.MinimumDuration(-1, 5, Teams));
        Assert.Throws<ArgumentOutOfRangeException>(() => TeamsRateLimitMath.MinimumDuration(10, 0, Teams));
        Assert.Throws<ArgumentException>(() => TeamsRateLimitMath.MinimumDuration(10, 1, new TeamsRateLimitOptions { TenantPerSecond = 0 }));
    }

    /// <summary>
    /// Drives the real limiter on a fake clock the way a delivery worker would (send whatever is granted, otherwise sleep
    /// until the earliest retry) and checks the fan-out finishes exactly at the computed minimum, within 1.1× of the
    /// margin-free minimum, and never exceeds a window (checked independently by counting).
    /// </summary>
    [Theory]
    [InlineData(1000, 50)]
    [InlineData(300, 3)]
    [InlineData(120, 1)]
    public void MinimumDuration_GreedyLimiterSchedule_ReachesIt(int posts, int conversations)
    {
        var options = new TeamsRateLimitOptions();
        var time = new FakeTimeProvider();
        var limiter = new TeamsRateLimiter(Options.Create(options), time);
        var start = time.GetUtcNow();
        var remaining = Enumerable.Range(0, conversations).Select(c => posts / conversations + (c < posts % conversations ? 1 : 0)).ToArray();
        var sends = new List<(int Conversation, DateTimeOffset At)>();
        var left = posts;

        while (left > 0)
        {
            // Round-robin, one send per conversation per pass: a worker that drains one conversation before the next
            // lets the early ones take the tenant budget and leaves a slow tail on the late ones.
            var earliest = TimeSpan.MaxValue;
            var progressed = true;
            while (progressed)
            {
                progressed = false;
                for (var c = 0; c < conversations; c++)
                {
                    if (remaining[c] == 0)
                    {
                        continue;
                    }

                    var decision = limiter.TryAcquire("t", $"19:c{c}@thread.tacv2");
                    if (!decision.Granted)
                    {
                        earliest = decision.RetryAfter < earliest ? decision.RetryAfter : earliest;
                        continue;
                    }

                    remaining[c]--;
                    left--;
                    progressed = true;
                    sends.Add((c, time.GetUtcNow()));
                }
            }

            if (left > 0)
            {
                time.Advance(earliest);
            }
        }

        var makespan = sends[^1].At - start;
        Assert.Equal(TeamsRateLimitMath.MinimumDuration(posts, conversations, options, includeSafetyMargin: true), makespan);
        Assert.True(makespan.TotalSeconds <= 1.1 * TeamsRateLimitMath.MinimumDuration(posts, conversations, options).TotalSeconds);
        AssertNoWindowExceeded(sends.Select(s => s.At).ToList(), 50, TimeSpan.FromSeconds(1));
        foreach (var group in sends.GroupBy(s => s.Conversation))
        {
            var times = group.Select(s => s.At).ToList();
            foreach (var window in options.ThreadWindows)
            {
                AssertNoWindowExceeded(times, window.Limit, window.Length);
            }
        }
    }

    private static void AssertNoWindowExceeded(List<DateTimeOffset> times, int limit, TimeSpan length)
    {
        for (var i = limit; i < times.Count; i++)
        {
            Assert.True(times[i] - times[i - limit] >= length, $"{limit + 1} sends within {length} ending at #{i}");
        }
    }
}
