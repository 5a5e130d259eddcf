using Microsoft.EntityFrameworkCore;
using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Features.Crisis;

/// <summary>
/// <see cref="ICrisisState"/> over the <c>Crises</c> table. The answer is cached for a few seconds (other features ask per
/// post); this instance's declare and stand-down clear the cache at once, other instances see the change within
/// <see cref="CacheFor"/>.
/// </summary>
public sealed class CrisisState(IDbContextFactory<CrisisDbContext> contexts, TimeProvider time) : ICrisisState
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();
    private (ActiveCrisis? Value, DateTimeOffset Until)? _cached;

    public async Task<ActiveCrisis?> GetActiveAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        lock (_gate)
        {
            if (_cached is { } cached && cached.Until > now)
            {
                return cached.Value;
            }
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var active = await db.Set<CrisisRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.ActiveSlot == 1, ct);
        var value = active?.ToActive();
        lock (_gate)
        {
            _cached = (value, now + CacheFor);
        }

        return value;
    }

    /// <summary>Forgets the cached answer (after this instance declared or stood down).</summary>
    public void Invalidate()
    {
        lock (_gate)
        {
            _cached = null;
        }
    }
}
