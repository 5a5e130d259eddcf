using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>
/// <see cref="ITopicLineage"/> from the stored topics (<c>HotTopics.MergedInto</c>, written by the ingest pipeline in
/// the batch that merged them): the expert loop counts the questions of a merged-away topic on its survivor. Keys that are
/// not topic ids ("T12") stand alone. Chains (T5 into T3, later T3 into T1) are followed; a cycle (never written by the
/// engine) is cut.
/// </summary>
public sealed class StoredTopicLineage : ITopicLineage
{
    private const int MaxHops = 64;

    public async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAbsorbedAsync(CrisisDbContext db, IReadOnlyCollection<string> topicKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(topicKeys);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        var keys = topicKeys.Distinct(StringComparer.Ordinal).ToList();
        foreach (var key in keys)
        {
            result[key] = [key];
        }

        var roots = keys.Select(k => (Key: k, Ok: TopicCardRenderer.TryParseTopicId(k, out var id), Id: id)).Where(x => x.Ok).ToList();
        if (roots.Count == 0)
        {
            return result;
        }

        // Read only the merge edges below the topics asked about, one level per query (index on MergedInto), never the
        // whole table's merges: this runs for every card flush and every ask/join.
        var edges = new List<(int Id, int Into)>();
        var reached = new HashSet<int>(roots.Select(r => r.Id));
        var frontier = reached.ToList();
        while (frontier.Count > 0)
        {
            var level = await db.Set<StoredTopic>().AsNoTracking()
                .Where(t => t.MergedInto != null && frontier.Contains(t.MergedInto.Value))
                .Select(t => new { t.Id, Into = t.MergedInto!.Value }).ToListAsync(ct);
            frontier = [];
            foreach (var edge in level)
            {
                edges.Add((edge.Id, edge.Into));
                if (reached.Add(edge.Id))
                {
                    frontier.Add(edge.Id);
                }
            }
        }

        if (edges.Count == 0)
        {
            return result;
        }

        var children = edges.OrderBy(e => e.Id).ToLookup(e => e.Into, e => e.Id);
        foreach (var (key, _, id) in roots)
        {
            var seen = new HashSet<int> { id };
            var group = new List<string> { key };
            var queue = new Queue<int>([id]);
            while (queue.Count > 0)
            {
                foreach (var child in children[queue.Dequeue()])
                {
                    if (seen.Add(child))
                    {
                        group.Add(TopicCardRenderer.ExpertKey(child));
                        queue.Enqueue(child);
                    }
                }
            }

            result[key] = group;
        }

        return result;
    }

    public async Task<string> GetSurvivorAsync(CrisisDbContext db, string topicKey, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (!TopicCardRenderer.TryParseTopicId(topicKey, out var id))
        {
            return topicKey;
        }

        var current = id;
        var seen = new HashSet<int> { id };
        for (var hop = 0; hop < MaxHops; hop++)
        {
            var into = await db.Set<StoredTopic>().AsNoTracking().Where(t => t.Id == current).Select(t => t.MergedInto).FirstOrDefaultAsync(ct);
            if (into is not { } next || !seen.Add(next))
            {
                break;
            }

            current = next;
        }

        return current == id ? topicKey : TopicCardRenderer.ExpertKey(current);
    }
}
