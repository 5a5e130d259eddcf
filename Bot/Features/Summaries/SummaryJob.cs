using CrisisBot.Infrastructure.Scheduling;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

/// <summary>The scheduled summary: <c>Summaries:Schedule</c> in <c>Summaries:TimeZone</c>, to the leadership channel.</summary>
public sealed class SummaryJob(SummaryService summaries, IOptions<SummaryOptions> options) : IRecurringJob
{
    public const string JobName = "summaries.leadership";

    public string Name => JobName;

    public string? Cron => string.IsNullOrWhiteSpace(options.Value.Schedule) ? null : options.Value.Schedule.Trim();

    public TimeZoneInfo TimeZone => SummaryTime.TryFindZone(options.Value.TimeZone, out var zone) ? zone : TimeZoneInfo.Utc;

    public async Task RunAsync(DateTimeOffset occurrence, CancellationToken ct)
    {
        // ScheduledPeriod is validated at startup; the fallback is 24h.
        var period = SummaryPeriods.TryParse(options.Value.ScheduledPeriod, out var parsed) ? parsed : SummaryPeriod.Last24Hours;
        // No leadership channel: GenerateAsync logs the warning naming 'link leadership' and stores nothing.
        await summaries.GenerateAsync(period, StoredSummary.TriggerScheduled, null, null, ct);
    }
}
