using CrisisBot.Cards.Templates;
using CrisisBot.Features.Crisis;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

/// <summary>
/// <see cref="ICrisisActivitySource"/> over the stored posts (volumes, hot-topic tables) and the expert tables
/// (questions, time to approved answer, first-response estimate), so the stand-down report shows real numbers.
/// </summary>
public sealed class CrisisActivityFromStorage(IDbContextFactory<CrisisDbContext> contexts, IOptions<SummaryOptions> options) : ICrisisActivitySource
{
    public async Task<CrisisVolumes?> GetVolumesAsync(DateTimeOffset windowStart, DateTimeOffset windowEnd, IReadOnlyList<string> productKeys, CancellationToken ct = default)
    {
        if (windowEnd <= windowStart)
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var volume = await new ActivityStatistics(db, productKeys).VolumeAsync(new SummaryWindow(SummaryPeriod.Last24Hours, windowStart, windowEnd, TimeSpan.FromHours(1)), ct);
        return volume.Posts == 0 ? null : new CrisisVolumes(volume.Posts, volume.PeakHourPosts, volume.Topics, volume.Alarms);
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
