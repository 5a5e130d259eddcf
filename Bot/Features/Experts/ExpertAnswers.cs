using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Experts;

/// <summary>Read-only queries over the expert loop for other features (<see cref="IExpertAnswers"/>).</summary>
internal sealed class ExpertAnswers(IDbContextFactory<CrisisDbContext> contexts) : IExpertAnswers
{
    public async Task<bool> HasApprovedAnswerAsync(string topicId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await ApprovedQuery(db, topicId).AnyAsync(ct);
    }

    public async Task<TopicQuestionStatus> GetTopicStatusAsync(string topicId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var open = db.Set<ExpertQuestion>().Where(q => q.TopicId == topicId && (q.Status == QuestionStatus.Open || q.Status == QuestionStatus.InReview)).Select(q => q.Id);
        var hasOpen = await open.AnyAsync(ct);
        var waiting = hasOpen ? await db.Set<QuestionWaiter>().CountAsync(w => open.Contains(w.QuestionId), ct) : 0;
        return new TopicQuestionStatus(hasOpen, waiting, await ApprovedQuery(db, topicId).AnyAsync(ct));
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

    private static IQueryable<LibraryEntry> ApprovedQuery(CrisisDbContext db, string topicId) =>
        db.Set<LibraryEntry>().Where(e => e.Status == LibraryEntryStatus.Active &&
                                          db.Set<ExpertQuestion>().Any(q => q.Id == e.QuestionId && q.TopicId == topicId));
}
