using CrisisBot.Cards.Templates;

namespace CrisisBot.Features.Crisis;

/// <summary>Posts, topics and alarms in a crisis window; null members mean "no data stored".</summary>
public sealed record CrisisVolumes(int Posts, int PeakHourPosts, int Topics, int? Alarms);

/// <summary>Questions and timings in a crisis window.</summary>
public sealed record CrisisQuestionStats(SummaryQuestions Questions, SummaryTimings Timings);

/// <summary>
/// What the stand-down report reads about the crisis window from other features. The hot-topic storage implements the
/// volumes and the expert loop the questions (register with <c>services.Replace</c>); until then
/// <see cref="NoCrisisActivityData"/> answers "no data", and the report says "not recorded" / "no questions yet"
/// instead of showing zeros.
/// </summary>
public interface ICrisisActivitySource
{
    /// <summary>
    /// The crisis's posts, topics and alarms counted with <see cref="CrisisPostRule"/> (the crisis export's rule: posts that
    /// arrived during the crisis or were created in its window), in <paramref name="productKeys"/> (all when empty).
    /// </summary>
    /// <returns>Null when no post data exists for the period.</returns>
    Task<CrisisVolumes?> GetVolumesAsync(CrisisPeriod period, IReadOnlyList<string> productKeys, CancellationToken ct = default);

    /// <returns>Null when no question data exists for the window.</returns>
    Task<CrisisQuestionStats?> GetQuestionsAsync(DateTimeOffset windowStart, DateTimeOffset windowEnd, IReadOnlyList<string> productKeys, CancellationToken ct = default);
}

/// <summary>The default: no post or question storage exists yet on this branch.</summary>
public sealed class NoCrisisActivityData : ICrisisActivitySource
{
    public Task<CrisisVolumes?> GetVolumesAsync(CrisisPeriod period, IReadOnlyList<string> productKeys, CancellationToken ct = default) =>
        Task.FromResult<CrisisVolumes?>(null);

    public Task<CrisisQuestionStats?> GetQuestionsAsync(DateTimeOffset windowStart, DateTimeOffset windowEnd, IReadOnlyList<string> productKeys, CancellationToken ct = default) =>
        Task.FromResult<CrisisQuestionStats?>(null);
}
