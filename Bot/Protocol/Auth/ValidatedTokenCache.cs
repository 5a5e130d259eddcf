using System.Collections.Concurrent;
using Microsoft.IdentityModel.JsonWebTokens;

namespace CrisisBot.Protocol.Auth;

/// <summary>
/// Remembers bearer tokens that passed full validation (signature, issuer, audience, lifetime) so the same token string,
/// which the Bot Connector reuses for many activities, is not RS256-verified on every request. Only the token-level
/// validation is skipped: the per-activity checks (endorsement for the channel, <c>serviceurl</c> claim, tenant and
/// serviceUrl allow-lists) always run. The parsed token is kept with the entry, so a hit neither parses the token again
/// nor allocates a copy of it (the lookup takes the header's characters as they are).
/// </summary>
/// <remarks>
/// An entry lives until the token's own expiry (without the clock skew validation allows) or <c>Bot:TokenCacheSeconds</c>
/// after it was validated, whichever is earlier. A signing key removed from the metadata is therefore still honoured for
/// at most that long for a token already seen; the metadata itself is only re-read every 12 hours (or on an unknown key),
/// so the cache adds nothing material to that window. Bounded: when full, expired entries are dropped, then everything.
/// Keyed by the exact token string, so only byte-identical tokens hit.
/// </remarks>
internal sealed class ValidatedTokenCache(TimeSpan lifetime, TimeProvider time, int capacity = ValidatedTokenCache.DefaultCapacity)
{
    public const int DefaultCapacity = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private long _hits;

    public bool Enabled => lifetime > TimeSpan.Zero;

    /// <summary>Tokens answered from the cache so far (diagnostics and tests).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public int Count => _entries.Count;

    /// <summary>True when <paramref name="token"/> passed full validation earlier and its entry has not run out.</summary>
    public bool Contains(string token) => TryGet(token.AsSpan(), out _);

    /// <summary>
    /// True when <paramref name="token"/> passed full validation earlier and its entry has not run out; then
    /// <paramref name="jwt"/> is the token as parsed then (null when it was added without it).
    /// </summary>
    public bool TryGet(ReadOnlySpan<char> token, out JsonWebToken? jwt)
    {
        jwt = null;
        if (!Enabled || !_entries.GetAlternateLookup<ReadOnlySpan<char>>().TryGetValue(token, out var key, out var entry))
        {
            return false;
        }

        if (time.GetUtcNow() >= entry.Until)
        {
            _entries.TryRemove(KeyValuePair.Create(key, entry));
            return false;
        }

        Interlocked.Increment(ref _hits);
        jwt = entry.Jwt;
        return true;
    }

    /// <summary>Records a token that just passed full validation; <paramref name="expires"/> is its <c>exp</c> (UTC).</summary>
    public void Add(string token, DateTime expires, JsonWebToken? jwt = null)
    {
        if (!Enabled)
        {
            return;
        }

        var now = time.GetUtcNow();
        var exp = new DateTimeOffset(DateTime.SpecifyKind(expires, DateTimeKind.Utc));
        var until = exp < now + lifetime ? exp : now + lifetime;
        if (until <= now)
        {
            return;
        }

        if (_entries.Count >= capacity)
        {
            foreach (var entry in _entries)
            {
                if (entry.Value.Until <= now)
                {
                    _entries.TryRemove(entry);
                }
            }

            if (_entries.Count >= capacity)
            {
                _entries.Clear();
            }
        }

        _entries[token] = new Entry(until, jwt);
    }

    private sealed record Entry(DateTimeOffset Until, JsonWebToken? Jwt);
}
