using CrisisBot.Cards.Templates;
using CrisisBot.Features.Crisis;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

/// <summary>
/// <see cref="ICrisisActivitySource"/> over the stored posts (volumes by <see cref="CrisisPostRule"/>, the crisis export's rule) and the expert tables
/// (questions, time to approved answer, first-response estimate), so the stand-down report shows real numbers.
/// </summary>
public sealed class CrisisActivityFromStorage(IDbContextFactory<CrisisDbContext> contexts, IOptions<SummaryOptions> options) : ICrisisActivitySource
{
    public async Task<CrisisVolumes?> GetVolumesAsync(CrisisPeriod period, IReadOnlyList<string> productKeys, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(period);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await CrisisPostRule.CountAsync(db, period, productKeys, ct);
    }

    public async Task<CrisisQuestionStats?> GetQuestionsAsync(DateTimeOffset windowStart, DateTimeOffset windowEnd, IReadOnlyList<string> productKeys, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var stats = new ActivityStatistics(db, productKeys);
        var questions = await stats.QuestionsAsync(windowStart, windowEnd, ct);
        if (questions is { Asked: 0, Answered: 0, Pending: 0 })
        {
            return null;
        }

        var settings = options.Value;
        var response = await stats.FirstResponseAsync(windowStart, windowEnd, settings.FirstResponseTarget, settings.RateWindow, ct);
        return new CrisisQuestionStats(
            new SummaryQuestions(questions.Asked, questions.Answered, questions.Pending, questions.Overdue),
            new SummaryTimings(questions.ApprovedMedian, questions.ApprovedP90, response.Median));
    }
}
