using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Experts;

/// <summary>Read-only queries over the expert loop for other features (<see cref="IExpertAnswers"/>).</summary>
internal sealed class ExpertAnswers(IDbContextFactory<CrisisDbContext> contexts, ITopicLineage lineage) : IExpertAnswers
{
    /// <summary>True when the topic, or a topic merged into it, has an active library entry.</summary>
    public async Task<bool> HasApprovedAnswerAsync(string topicId, CancellationToken ct = default) =>
        (await GetTopicStatusAsync(topicId, ct)).HasApprovedAnswer;

    public async Task<TopicQuestionStatus> GetTopicStatusAsync(string topicId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(topicId);
        return (await GetTopicStatusesAsync([topicId], ct))[topicId];
    }

    /// <summary>
    /// Three queries whatever the number of topics (open questions, their waiters, active library entries), plus the
    /// merge lookup of <see cref="ITopicLineage"/>: a topic's status includes the questions of the topics merged into it.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, TopicQuestionStatus>> GetTopicStatusesAsync(IReadOnlyCollection<string> topicIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(topicIds);
        var result = new Dictionary<string, TopicQuestionStatus>(StringComparer.Ordinal);
        foreach (var id in topicIds)
        {
            result[id] = TopicQuestionStatus.None;
        }

        var requested = result.Keys.Where(id => !string.IsNullOrWhiteSpace(id)).ToList();
        if (requested.Count == 0)
        {
            return result;
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var groups = await lineage.GetAbsorbedAsync(db, requested, ct);
        var ids = groups.Values.SelectMany(g => g).Concat(requested).Distinct(StringComparer.Ordinal).ToList();
        var open = await db.Set<ExpertQuestion>().AsNoTracking()
            .Where(q => q.TopicId != null && ids.Contains(q.TopicId) && (q.Status == QuestionStatus.Open || q.Status == QuestionStatus.InReview))
            .Select(q => new { q.Id, TopicId = q.TopicId! })
            .ToListAsync(ct);
        var openIds = open.Select(q => q.Id).ToList();
        var waiting = openIds.Count == 0
            ? new Dictionary<long, int>()
            : await db.Set<QuestionWaiter>().AsNoTracking().Where(w => openIds.Contains(w.QuestionId)).GroupBy(w => w.QuestionId)
                .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        var approved = await (
                from e in db.Set<LibraryEntry>().AsNoTracking()
                join q in db.Set<ExpertQuestion>().AsNoTracking() on e.QuestionId equals q.Id
                where e.Status == LibraryEntryStatus.Active && q.TopicId != null && ids.Contains(q.TopicId)
                select new { TopicId = q.TopicId!, e.Id, e.ShortReply, e.Version, e.ApprovedAt })
            .ToListAsync(ct);

        foreach (var id in requested)
        {
            var group = new HashSet<string>(groups.TryGetValue(id, out var g) ? g : [id], StringComparer.Ordinal) { id };
            var questions = open.Where(q => group.Contains(q.TopicId)).ToList();
            var newest = approved.Where(a => group.Contains(a.TopicId)).MaxBy(a => a.Id);
            result[id] = new TopicQuestionStatus(questions.Count > 0, questions.Sum(q => waiting.GetValueOrDefault(q.Id)), newest is not null)
            {
                ApprovedEntryId = newest?.Id,
                ApprovedShortReply = newest?.ShortReply,
                ApprovedVersion = newest?.Version ?? 0,
                ApprovedAt = newest?.ApprovedAt,
            };
        }

        return result;
    }

    public async Task<IReadOnlyList<QuestionMetrics>> GetMetricsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var questions = await db.Set<ExpertQuestion>().AsNoTracking().Where(q => q.AskedAt >= since && q.AskedAt < until).OrderBy(q => q.Id).ToListAsync(ct);
        var ids = questions.Select(q => q.Id).ToList();
        var waiting = await db.Set<QuestionWaiter>().Where(w => ids.Contains(w.QuestionId)).GroupBy(w => w.QuestionId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.Key, x => x.Count, ct);
        return questions.Select(q => new QuestionMetrics(
            q.Id,
            q.ProductKey,
            q.AskedAt,
            q.FirstAnsweredAt - q.AskedAt,
            q.ApprovedAt - q.AskedAt,
            q.DeliveredAt is { } d && q.ApprovedAt is not null ? d - q.AskedAt : null,
            waiting.GetValueOrDefault(q.Id))).ToList();
    }
}
