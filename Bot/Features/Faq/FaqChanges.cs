using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Faq;

/// <summary>
/// <see cref="IFaqChanges"/> from the published versions: each version published in the period is compared with the
/// version before it (which may be older than the period), entry by entry (keyed by question).
/// </summary>
public sealed class FaqChanges(IDbContextFactory<CrisisDbContext> contexts) : IFaqChanges
{
    public async Task<IReadOnlyList<FaqChange>> GetChangesAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default)
    {
        if (until <= since)
        {
            return [];
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var versions = await db.Set<FaqVersion>().AsNoTracking()
            .Where(v => v.PublishedAt >= since && v.PublishedAt < until)
            .OrderBy(v => v.Number)
            .ToListAsync(ct);
        if (versions.Count == 0)
        {
            return [];
        }

        var first = versions[0].Number;
        var previousVersion = await db.Set<FaqVersion>().AsNoTracking()
            .Where(v => v.Number < first).OrderByDescending(v => v.Number).FirstOrDefaultAsync(ct);
        var ids = versions.Select(v => v.Id).ToList();
        if (previousVersion is not null)
        {
            ids.Add(previousVersion.Id);
        }

        var entries = (await db.Set<FaqEntry>().AsNoTracking().Where(e => ids.Contains(e.VersionId)).ToListAsync(ct))
            .GroupBy(e => e.VersionId)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<FaqEntry>)[.. g.OrderBy(e => e.Position)]);
        IReadOnlyList<FaqEntry> EntriesOf(long versionId) => entries.TryGetValue(versionId, out var list) ? list : [];

        var changes = new List<FaqChange>();
        var previous = previousVersion is null ? [] : EntriesOf(previousVersion.Id);
        foreach (var version in versions)
        {
            var current = EntriesOf(version.Id);
            foreach (var (entry, kind) in FaqContent.Diff(previous, current))
            {
                changes.Add(new FaqChange(entry.ProductKey, entry.ProductName, entry.Question, kind, version.Number, version.PublishedAt));
            }

            previous = current;
        }

        return changes;
    }
}
