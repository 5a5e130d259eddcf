using CrisisBot.Protocol.Auth;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Protocol.Auth;

public sealed class ValidatedTokenCacheTests
{
    private static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Start);

    [Fact]
    public void Contains_WithinLifetime_TrueAndCountsHit_ThenFalseWhenLifetimeEnds()
    {
        var cache = new ValidatedTokenCache(TimeSpan.FromMinutes(5), _time);
        cache.Add("token-a", Start.AddHours(1).UtcDateTime);

        _time.Advance(TimeSpan.FromMinutes(5) - TimeSpan.FromSeconds(1));
        var before = cache.Contains("token-a");
        _time.Advance(TimeSpan.FromSeconds(1));
        var after = cache.Contains("token-a");

        Assert.True(before);
        Assert.False(after);
        Assert.Equal(1, cache.Hits);
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Contains_TokenExpiresBeforeLifetime_EntryEndsAtTheTokensExpiry()
    {
        var cache = new ValidatedTokenCache(TimeSpan.FromMinutes(5), _time);
        cache.Add("token-a", Start.AddMinutes(2).UtcDateTime);

        _time.Advance(TimeSpan.FromMinutes(2));

        Assert.False(cache.Contains("token-a"));
    }

    [Fact]
    public void Add_AlreadyExpiredToken_IsNotStored()
    {
        var cache = new ValidatedTokenCache(TimeSpan.FromMinutes(5), _time);

        cache.Add("token-a", Start.AddMinutes(-1).UtcDateTime);

        Assert.Equal(0, cache.Count);
        Assert.False(cache.Contains("token-a"));
    }

    [Fact]
    public void Contains_OtherToken_False()
    {
        var cache = new ValidatedTokenCache(TimeSpan.FromMinutes(5), _time);
        cache.Add("token-a", Start.AddHours(1).UtcDateTime);

        Assert.False(cache.Contains("token-a "));
        Assert.False(cache.Contains("TOKEN-A"));
        Assert.Equal(0, cache.Hits);
    }

    [Fact]
    public void Add_ZeroLifetime_CacheDisabledNeverContains()
    {
        var cache = new ValidatedTokenCache(TimeSpan.Zero, _time);

        cache.Add("token-a", Start.AddHours(1).UtcDateTime);

        Assert.False(cache.Enabled);
        Assert.False(cache.Contains("token-a"));
        Assert.Equal(0, cache.Count);
    }

    [Fact]
    public void Add_AtCapacity_DropsExpiredEntriesFirstThenEverything()
    {
        var cache = new ValidatedTokenCache(TimeSpan.FromMinutes(5), _time, capacity: 2);
        cache.Add("short", Start.AddMinutes(1).UtcDateTime);
        cache.Add("long", Start.AddHours(1).UtcDateTime);
        _time.Advance(TimeSpan.FromMinutes(2));

        cache.Add("third", Start.AddHours(1).UtcDateTime);   // "short" has run out: dropped, "long" stays
        var longKeptAfterExpiredDropped = cache.Contains("long");
        cache.Add("fourth", Start.AddHours(1).UtcDateTime);  // full of live entries: cleared, then added

        Assert.True(longKeptAfterExpiredDropped);
        Assert.Equal(1, cache.Count);
        Assert.True(cache.Contains("fourth"));
        Assert.False(cache.Contains("long"));
    }
}
