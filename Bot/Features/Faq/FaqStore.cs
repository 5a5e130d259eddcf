using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Faq;

/// <summary>Read-only queries over the published versions (endpoints, the <c>faq</c> command, <see cref="IFaqChanges"/>).</summary>
public sealed class FaqStore(IDbContextFactory<CrisisDbContext> contexts)
{
    /// <summary>The newest version without its entries (null before the first publish).</summary>
    public async Task<FaqVersion?> LatestAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<FaqVersion>().AsNoTracking().OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
    }

    /// <summary>Version <paramref name="number"/> without its entries (null when it does not exist).</summary>
    public async Task<FaqVersion?> VersionAsync(int number, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<FaqVersion>().AsNoTracking().SingleOrDefaultAsync(v => v.Number == number, ct);
    }

    /// <summary>The entries of a version, in published order.</summary>
    public async Task<IReadOnlyList<FaqEntry>> EntriesAsync(long versionId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<FaqEntry>().AsNoTracking().Where(e => e.VersionId == versionId).OrderBy(e => e.Position).ToListAsync(ct);
    }

    /// <summary>Page <paramref name="page"/> (1 = newest) of the history, <paramref name="pageSize"/> versions per page, newest first, without entries.</summary>
    public async Task<IReadOnlyList<FaqVersion>> HistoryPageAsync(int page, int pageSize, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(page, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<FaqVersion>().AsNoTracking().OrderByDescending(v => v.Number).Skip((page - 1) * pageSize).Take(pageSize).ToListAsync(ct);
    }
}
