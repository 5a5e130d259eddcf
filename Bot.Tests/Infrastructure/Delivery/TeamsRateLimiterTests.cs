using CrisisBot.Infrastructure.Delivery;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Delivery;

public class TeamsRateLimiterTests
{
    private const string Tenant = "tenant-a";
    private const string Channel = "19:alpha@thread.tacv2";

    private static (TeamsRateLimiter Limiter, FakeTimeProvider Time) Create(Action<TeamsRateLimitOptions>? configure = null, double random01 = 0.5)
    {
        // Margin 0 so window boundaries are exact; one test covers the default margin.
        var options = new TeamsRateLimitOptions { SafetyMargin = TimeSpan.Zero };
        configure?.Invoke(options);
        var time = new FakeTimeProvider();
        return (new TeamsRateLimiter(Options.Create(options), time, () => random01), time);
    }

    private static int GrantMany(TeamsRateLimiter limiter, string conversation, int attempts, string tenant = Tenant)
    {
        var granted = 0;
        for (var i = 0; i < attempts; i++)
        {
            if (limiter.TryAcquire(tenant, conversation).Granted)
            {
                granted++;
            }
        }

        return granted;
    }

    [Fact]
    public void TryAcquire_EighthSendWithinOneSecond_DeniedUntilFirstLeavesWindow()
    {
        var (limiter, time) = Create();

        Assert.Equal(7, GrantMany(limiter, Channel, 7));
        var eighth = limiter.TryAcquire(Tenant, Channel);

        Assert.False(eighth.Granted);
        Assert.Equal(RateLimitReason.ConversationWindow, eighth.Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), eighth.RetryAfter);

        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.TryAcquire(Tenant, Channel).Granted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
    }

    [Fact]
    public void TryAcquire_NinthSendWithinTwoSeconds_DeniedByEightPerTwoSeconds()
    {
        var (limiter, time) = Create();
        Assert.Equal(7, GrantMany(limiter, Channel, 7));
        time.Advance(TimeSpan.FromSeconds(1));

        // At t=1 s the 1 s window is empty again, but the 2 s window already holds 7 + this one = 8.
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
        var ninth = limiter.TryAcquire(Tenant, Channel);

        Assert.False(ninth.Granted);
        Assert.Equal(TimeSpan.FromSeconds(1), ninth.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
    }

    [Fact]
    public void TryAcquire_SixtyFirstSendWithinThirtySeconds_DeniedUntilWindowSlides()
    {
        var (limiter, time) = Create();
        for (var i = 0; i < 60; i++)
        {
            Assert.True(limiter.TryAcquire(Tenant, Channel).Granted, $"send {i} at {i * 300} ms");
            time.Advance(TimeSpan.FromMilliseconds(300));
        }

        // t = 18 s: 60 sends since t=0, the first leaves the 30 s window at t=30 s.
        var next = limiter.TryAcquire(Tenant, Channel);
        Assert.False(next.Granted);
        Assert.Equal(TimeSpan.FromSeconds(12), next.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(12));
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
    }

    [Fact]
    public void TryAcquire_1801stSendWithinOneHour_DeniedUntilFirstLeavesHour()
    {
        var (limiter, time) = Create();
        for (var i = 0; i < 1800; i++)
        {
            Assert.True(limiter.TryAcquire(Tenant, Channel).Granted, $"send {i}");
            time.Advance(TimeSpan.FromSeconds(1));
        }

        var next = limiter.TryAcquire(Tenant, Channel);
        Assert.False(next.Granted);
        Assert.Equal(TimeSpan.FromSeconds(1800), next.RetryAfter);
        time.Advance(TimeSpan.FromSeconds(1799));
        Assert.False(limiter.TryAcquire(Tenant, Channel).Granted);
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
    }

    [Fact]
    public void TryAcquire_DefaultSafetyMargin_AddsMarginToWindow()
    {
        var time = new FakeTimeProvider();
        var limiter = new TeamsRateLimiter(Options.Create(new TeamsRateLimitOptions()), time);
        Assert.Equal(7, GrantMany(limiter, Channel, 7));

        var eighth = limiter.TryAcquire(Tenant, Channel);

        Assert.Equal(TimeSpan.FromMilliseconds(1050), eighth.RetryAfter);
    }

    [Fact]
    public void TryAcquire_ThreadsOfOneChannel_ShareTheChannelBudget()
    {
        var (limiter, _) = Create();
        for (var i = 1; i <= 7; i++)
        {
            Assert.True(limiter.TryAcquire(Tenant, $"{Channel};messageid={i}").Granted);
        }

        Assert.False(limiter.TryAcquire(Tenant, Channel).Granted);
        Assert.False(limiter.TryAcquire(Tenant, $"{Channel};messageid=99").Granted);
        Assert.Equal(1, limiter.TrackedConversations);
    }

    [Fact]
    public void TryAcquire_OneConversationFull_OtherConversationsKeepFlowing()
    {
        var (limiter, _) = Create();
        Assert.Equal(7, GrantMany(limiter, Channel, 20));

        for (var c = 0; c < 6; c++)
        {
            Assert.Equal(7, GrantMany(limiter, $"19:other{c}@thread.tacv2", 7));
        }
    }

    [Fact]
    public void TryAcquire_TenantLimitReached_DeniesNewConversationsUntilNextSecond()
    {
        var (limiter, time) = Create();
        for (var c = 0; c < 50; c++)
        {
            Assert.True(limiter.TryAcquire(Tenant, $"19:c{c}@thread.tacv2").Granted);
        }

        var over = limiter.TryAcquire(Tenant, "19:c50@thread.tacv2");
        Assert.False(over.Granted);
        Assert.Equal(RateLimitReason.TenantLimit, over.Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), over.RetryAfter);

        // Another tenant has its own budget.
        Assert.True(limiter.TryAcquire("tenant-b", "19:c50@thread.tacv2").Granted);

        time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(limiter.TryAcquire(Tenant, "19:c51@thread.tacv2").Granted);
    }

    [Fact]
    public void TryAcquire_ConfiguredTenantLimit_IsUsed()
    {
        var (limiter, _) = Create(o => o.TenantPerSecond = 10);
        var granted = 0;
        for (var c = 0; c < 30; c++)
        {
            granted += limiter.TryAcquire(Tenant, $"19:c{c}@thread.tacv2").Granted ? 1 : 0;
        }

        Assert.Equal(10, granted);
    }

    [Fact]
    public void On429_WithRetryAfter_BlocksOnlyThatConversationForExactlyThatLong()
    {
        var (limiter, time) = Create();
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);

        var wait = limiter.On429(Tenant, Channel, TimeSpan.FromSeconds(5));

        Assert.Equal(TimeSpan.FromSeconds(5), wait);
        var blocked = limiter.TryAcquire(Tenant, Channel);
        Assert.False(blocked.Granted);
        Assert.Equal(RateLimitReason.ConversationBackoff, blocked.Reason);
        Assert.Equal(TimeSpan.FromSeconds(5), blocked.RetryAfter);
        Assert.True(limiter.TryAcquire(Tenant, "19:beta@thread.tacv2").Granted);

        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.False(limiter.TryAcquire(Tenant, Channel).Granted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
    }

    [Fact]
    public void On429_RetryAfterAboveMaximum_IsClamped()
    {
        var (limiter, _) = Create(o => o.MaxRetryAfter = TimeSpan.FromMinutes(2));

        var wait = limiter.On429(Tenant, Channel, TimeSpan.FromHours(3));

        Assert.Equal(TimeSpan.FromMinutes(2), wait);
        Assert.Equal(TimeSpan.FromMinutes(2), limiter.DelayFor(Tenant, Channel));
    }

    [Fact]
    public void On429_WithoutRetryAfter_BacksOffExponentiallyAndResetsOnSuccess()
    {
        var (limiter, time) = Create(random01: 0.5);

        Assert.Equal(TimeSpan.FromSeconds(2), limiter.On429(Tenant, Channel, null));
        Assert.Equal(TimeSpan.FromSeconds(4), limiter.On429(Tenant, Channel, null));
        Assert.Equal(TimeSpan.FromSeconds(8), limiter.On429(Tenant, Channel, null));
        Assert.Equal(TimeSpan.FromSeconds(8), limiter.DelayFor(Tenant, Channel));

        time.Advance(TimeSpan.FromSeconds(8));
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
        limiter.OnSuccess(Channel);
        Assert.Equal(TimeSpan.FromSeconds(2), limiter.On429(Tenant, Channel, null));
    }

    [Theory]
    [InlineData(0.0, 1600)]
    [InlineData(1.0, 2400)]
    public void On429_WithoutRetryAfter_AppliesTwentyPercentJitter(double random01, int expectedMs)
    {
        var (limiter, _) = Create(random01: random01);

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), limiter.On429(Tenant, Channel, null));
    }

    [Fact]
    public void Backoff_ManyConsecutive429s_NeverExceedsMaximum()
    {
        var options = new TeamsRateLimitOptions { BackoffMax = TimeSpan.FromSeconds(30) };

        Assert.Equal(TimeSpan.FromSeconds(30), TeamsRateLimiter.Backoff(40, options, 1.0));
        Assert.Equal(TimeSpan.FromSeconds(24), TeamsRateLimiter.Backoff(40, options, 0.0));
        Assert.Equal(TimeSpan.FromSeconds(16), TeamsRateLimiter.Backoff(4, options, 0.5));
    }

    [Fact]
    public void On429_SlowsWholeTenantDownBriefly()
    {
        var (limiter, time) = Create();
        limiter.On429(Tenant, Channel, TimeSpan.FromSeconds(30));

        // 50/s × 0.5 = 25 for the next 2 s, spread over other conversations.
        var granted = 0;
        RateLimitDecision last = default;
        for (var c = 0; c < 50; c++)
        {
            last = limiter.TryAcquire(Tenant, $"19:c{c}@thread.tacv2");
            granted += last.Granted ? 1 : 0;
        }

        Assert.Equal(25, granted);
        Assert.Equal(RateLimitReason.TenantSlowdown, last.Reason);

        time.Advance(TimeSpan.FromSeconds(2));
        granted = 0;
        for (var c = 100; c < 200; c++)
        {
            granted += limiter.TryAcquire(Tenant, $"19:c{c}@thread.tacv2").Granted ? 1 : 0;
        }

        Assert.Equal(50, granted);
    }

    [Fact]
    public async Task AcquireAsync_WindowFull_CompletesWhenClockReachesWindowEnd()
    {
        var (limiter, time) = Create();
        Assert.Equal(7, GrantMany(limiter, Channel, 7));

        var waiting = limiter.AcquireAsync(Tenant, Channel);
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);

        time.Advance(TimeSpan.FromSeconds(1));
        var lease = await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(TeamsRateLimiter.ConversationKey(Channel), lease.ConversationKey);
        Assert.False(lease.IsCompleted);
        Assert.False(limiter.TryAcquire(Tenant, Channel).Granted);
    }

    [Fact]
    public void LeaseComplete_SlowAnswer_CountsSendAtAnswerTime()
    {
        var (limiter, time) = Create();
        var leases = Enumerable.Range(0, 7).Select(i => limiter.TryAcquireLease(Tenant, Channel, out _)!).ToList();
        time.Advance(TimeSpan.FromMilliseconds(300));
        Assert.Equal(TimeSpan.FromSeconds(1), limiter.DelayFor(Tenant, Channel)); // in progress: counted as now

        // The answers arrive 300 ms after the grants: Teams may have seen the requests that late.
        leases.ForEach(l => l.Complete());

        Assert.Equal(TimeSpan.FromSeconds(1), limiter.DelayFor(Tenant, Channel));
        Assert.All(leases, l => Assert.True(l.IsCompleted));
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.TryAcquire(Tenant, Channel).Granted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
    }

    [Fact]
    public void OpenLease_RequestSlowerThanWindow_CountsAsNowUntilAnswered()
    {
        // The cold-run violation of the fan-out bench: 50 tenant sends granted at 0 ms whose requests are still open at
        // 1.2 s (a slow commit before the call). Dated at the grant, the next window would open at 1 s although Teams may
        // only be receiving them now.
        var (limiter, time) = Create();
        var leases = Enumerable.Range(0, 50).Select(c => limiter.TryAcquireLease(Tenant, $"19:c{c}@thread.tacv2", out _)!).ToList();
        time.Advance(TimeSpan.FromMilliseconds(1200));

        var denied = limiter.TryAcquire(Tenant, "19:other@thread.tacv2");
        Assert.False(denied.Granted);
        Assert.Equal(RateLimitReason.TenantLimit, denied.Reason);
        Assert.Equal(TimeSpan.FromSeconds(1), denied.RetryAfter);

        leases.ForEach(l => l.Complete()); // answered at 1.2 s
        time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(limiter.TryAcquire(Tenant, "19:other@thread.tacv2").Granted);
        time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(limiter.TryAcquire(Tenant, "19:other@thread.tacv2").Granted);
    }

    [Fact]
    public void OpenLease_SomeAnswered_OnlyOpenOnesCountAsNow()
    {
        var (limiter, time) = Create();
        var leases = Enumerable.Range(0, 7).Select(i => limiter.TryAcquireLease(Tenant, Channel, out _)!).ToList();
        time.Advance(TimeSpan.FromMilliseconds(100));
        leases.Take(6).ToList().ForEach(l => l.Complete()); // six answered at 100 ms, one still open
        time.Advance(TimeSpan.FromMilliseconds(400));

        // The open one is "now" (500 ms), the six answered at 100 ms: the 7th most recent is at 100 ms → 1.1 s.
        Assert.Equal(TimeSpan.FromMilliseconds(600), limiter.DelayFor(Tenant, Channel));
        time.Advance(TimeSpan.FromMilliseconds(600));
        Assert.True(limiter.TryAcquire(Tenant, Channel).Granted);
    }

    [Fact]
    public void LeaseComplete_Twice_MovesOnlyOnce()
    {
        var (limiter, time) = Create();
        var first = limiter.TryAcquireLease(Tenant, Channel, out _)!;
        Assert.Equal(6, GrantMany(limiter, Channel, 6));
        time.Advance(TimeSpan.FromMilliseconds(200));
        first.Complete();
        time.Advance(TimeSpan.FromMilliseconds(200));
        first.Dispose();

        // Six sends at 0 ms, one at 200 ms: the 7th most recent is still at 0 ms, so the 8th may go at 1 s.
        Assert.Equal(TimeSpan.FromMilliseconds(600), limiter.DelayFor(Tenant, Channel));
    }

    [Fact]
    public void TryAcquireLease_Denied_ReturnsNullWithDecision()
    {
        var (limiter, _) = Create();
        Assert.Equal(7, GrantMany(limiter, Channel, 7));

        var lease = limiter.TryAcquireLease(Tenant, Channel, out var decision);

        Assert.Null(lease);
        Assert.False(decision.Granted);
        Assert.Equal(RateLimitReason.ConversationWindow, decision.Reason);
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_Throws()
    {
        var (limiter, _) = Create();
        Assert.Equal(7, GrantMany(limiter, Channel, 7));
        using var cts = new CancellationTokenSource();

        var waiting = limiter.AcquireAsync(Tenant, Channel, cts.Token);
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
    }

    [Fact]
    public void TryAcquire_IdleConversations_AreEvictedButBusyAndBlockedOnesStay()
    {
        var (limiter, time) = Create(o => o.MaxRetryAfter = TimeSpan.FromHours(1));
        for (var c = 0; c < 100; c++)
        {
            Assert.True(limiter.TryAcquire($"tenant-{c % 3}", $"19:idle{c}@thread.tacv2").Granted);
            time.Advance(TimeSpan.FromMilliseconds(10));
        }

        time.Advance(TimeSpan.FromMinutes(30));
        limiter.On429(Tenant, "19:blocked@thread.tacv2", TimeSpan.FromMinutes(45));
        Assert.True(limiter.TryAcquire(Tenant, "19:recent@thread.tacv2").Granted);
        Assert.Equal(102, limiter.TrackedConversations);

        time.Advance(TimeSpan.FromMinutes(31));
        Assert.True(limiter.TryAcquire(Tenant, "19:trigger@thread.tacv2").Granted);

        // The 100 idle ones last sent over an hour ago; "recent" is 31 min old, "blocked" is still backing off.
        Assert.Equal(3, limiter.TrackedConversations);
        Assert.False(limiter.TryAcquire(Tenant, "19:blocked@thread.tacv2").Granted);
        Assert.Equal(1, limiter.TrackedTenants);
    }

    [Fact]
    public void TryAcquire_EvictedConversation_StartsWithFullBudget()
    {
        var (limiter, time) = Create();
        Assert.Equal(7, GrantMany(limiter, Channel, 7));
        time.Advance(TimeSpan.FromHours(1) + TimeSpan.FromMinutes(2));

        Assert.Equal(7, GrantMany(limiter, Channel, 10));
    }

    [Fact]
    public void TryAcquire_ParallelCallersOnOneConversation_GrantExactlyTheLimit()
    {
        var (limiter, _) = Create();
        var granted = 0;

        Parallel.For(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            if (limiter.TryAcquire(Tenant, Channel).Granted)
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.Equal(7, granted);
    }

    [Fact]
    public void TryAcquire_ParallelCallersAcrossConversations_GrantExactlyTheTenantLimit()
    {
        var (limiter, _) = Create();
        var granted = 0;

        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 8 }, i =>
        {
            if (limiter.TryAcquire(Tenant, $"19:c{i % 80}@thread.tacv2").Granted)
            {
                Interlocked.Increment(ref granted);
            }
        });

        Assert.Equal(50, granted);
    }

    [Theory]
    [InlineData("19:x@thread.tacv2;messageid=123", "19:x@thread.tacv2")]
    [InlineData("19:x@thread.tacv2", "19:x@thread.tacv2")]
    [InlineData("a:1abc", "a:1abc")]
    public void ConversationKey_ThreadId_IsChannelPart(string conversationId, string expected)
    {
        Assert.Equal(expected, TeamsRateLimiter.ConversationKey(conversationId));
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData(";messageid=1")]
    public void ConversationKey_Invalid_Throws(string conversationId)
    {
        Assert.ThrowsAny<ArgumentException>(() => TeamsRateLimiter.ConversationKey(conversationId));
    }

    [Fact]
    public void TryAcquire_MissingTenant_Throws()
    {
        var (limiter, _) = Create();

        Assert.ThrowsAny<ArgumentException>(() => limiter.TryAcquire("", Channel));
    }
}
