using System.Collections.Concurrent;

namespace CrisisBot.Protocol.Auth;

/// <summary>
/// Remembers bearer tokens that passed full validation (signature, issuer, audience, lifetime) so the same token string,
/// which the Bot Connector reuses for many activities, is not RS256-verified on every request. Only the token-level
/// validation is skipped: the per-activity checks (endorsement for the channel, <c>serviceurl</c> claim, tenant and
/// serviceUrl allow-lists) always run.
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

    private readonly ConcurrentDictionary<string, DateTimeOffset> _validUntil = new(StringComparer.Ordinal);
    private long _hits;

    public bool Enabled => lifetime > TimeSpan.Zero;

    /// <summary>Tokens answered from the cache so far (diagnostics and tests).</summary>
    public long Hits => Interlocked.Read(ref _hits);

    public int Count => _validUntil.Count;

    /// <summary>True when <paramref name="token"/> passed full validation earlier and its entry has not run out.</summary>
    public bool Contains(string token)
    {
        if (!Enabled || !_validUntil.TryGetValue(token, out var until))
        {
            return false;
        }

        if (time.GetUtcNow() >= until)
        {
            _validUntil.TryRemove(KeyValuePair.Create(token, until));
            return false;
        }

        Interlocked.Increment(ref _hits);
        return true;
    }

    /// <summary>Records a token that just passed full validation; <paramref name="expires"/> is its <c>exp</c> (UTC).</summary>
    public void Add(string token, DateTime expires)
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

        if (_validUntil.Count >= capacity)
        {
            foreach (var entry in _validUntil)
            {
                if (entry.Value <= now)
                {
                    _validUntil.TryRemove(entry);
                }
            }

            if (_validUntil.Count >= capacity)
            {
                _validUntil.Clear();
            }
        }

        _validUntil[token] = until;
    }
}
