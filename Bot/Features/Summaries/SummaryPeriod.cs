namespace CrisisBot.Features.Summaries;

/// <summary>The period a summary covers. Stored by name.</summary>
public enum SummaryPeriod
{
    /// <summary>From midnight today in <c>Summaries:TimeZone</c> until now.</summary>
    Today = 0,

    /// <summary>The last 24 hours.</summary>
    Last24Hours = 1,

    /// <summary>The last 7 days.</summary>
    Last7Days = 2,
}

/// <summary>A period resolved to times: [<see cref="Start"/>, <see cref="End"/>), bucketed for the chart.</summary>
public sealed record SummaryWindow(SummaryPeriod Period, DateTimeOffset Start, DateTimeOffset End, TimeSpan Bucket)
{
    /// <summary>The same window one week (168 h) earlier: the volume baseline.</summary>
    public static readonly TimeSpan BaselineShift = TimeSpan.FromDays(7);

    public TimeSpan Length => End - Start;

    /// <summary>Bucket starts from <see cref="Start"/>; the last bucket ends at <see cref="End"/> (it may be shorter).</summary>
    public IReadOnlyList<DateTimeOffset> BucketStarts()
    {
        var starts = new List<DateTimeOffset>();
        for (var at = Start; at < End; at += Bucket)
        {
            starts.Add(at);
        }

        return starts;
    }
}

public static class SummaryPeriods
{
    public const string Usage = "Usage: summary [today|24h|7d]. today = since midnight (Summaries:TimeZone), 24h = the last 24 hours (default), 7d = the last 7 days.";

    public static bool TryParse(string? text, out SummaryPeriod period)
    {
        switch (text?.Trim().ToLowerInvariant())
        {
            case "today":
                period = SummaryPeriod.Today;
                return true;
            case "24h" or "24" or "day":
                period = SummaryPeriod.Last24Hours;
                return true;
            case "7d" or "week":
                period = SummaryPeriod.Last7Days;
                return true;
            default:
                period = SummaryPeriod.Last24Hours;
                return false;
        }
    }

    public static string Label(SummaryPeriod period) => period switch
    {
        SummaryPeriod.Today => "today",
        SummaryPeriod.Last24Hours => "24h",
        SummaryPeriod.Last7Days => "7d",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, null),
    };

    public static string Describe(SummaryPeriod period) => period switch
    {
        SummaryPeriod.Today => "Today",
        SummaryPeriod.Last24Hours => "Last 24 hours",
        SummaryPeriod.Last7Days => "Last 7 days",
        _ => throw new ArgumentOutOfRangeException(nameof(period), period, null),
    };

    /// <summary>
    /// Resolves a period ending at <paramref name="now"/>. Buckets are one hour (4 hours for 7d, so the card's chart keeps
    /// at most 42 points). "today" starts at the local midnight of <paramref name="zone"/> (23 or 25 hours on a DST day).
    /// </summary>
    public static SummaryWindow Resolve(SummaryPeriod period, DateTimeOffset now, TimeZoneInfo zone)
    {
        ArgumentNullException.ThrowIfNull(zone);
        var end = now.ToUniversalTime();
        return period switch
        {
            SummaryPeriod.Today => new SummaryWindow(period, SummaryTime.LocalMidnight(end, zone), end, TimeSpan.FromHours(1)),
            SummaryPeriod.Last24Hours => new SummaryWindow(period, end.AddHours(-24), end, TimeSpan.FromHours(1)),
            SummaryPeriod.Last7Days => new SummaryWindow(period, end.AddDays(-7), end, TimeSpan.FromHours(4)),
            _ => throw new ArgumentOutOfRangeException(nameof(period), period, null),
        };
    }
}

public static class SummaryTime
{
    public static bool TryFindZone(string? id, out TimeZoneInfo zone)
    {
        zone = TimeZoneInfo.Utc;
        if (string.IsNullOrWhiteSpace(id))
        {
            return false;
        }

        try
        {
            zone = TimeZoneInfo.FindSystemTimeZoneById(id.Trim());
            return true;
        }
        catch (Exception ex) when (ex is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            return false;
        }
    }

    /// <summary>The UTC instant of the local midnight that starts the day containing <paramref name="instant"/>.</summary>
    public static DateTimeOffset LocalMidnight(DateTimeOffset instant, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(instant, zone);
        var midnight = local.Date;
        // A zone whose DST gap covers midnight: the day starts at the first valid local time.
        while (zone.IsInvalidTime(midnight))
        {
            midnight = midnight.AddMinutes(30);
        }

        var offset = zone.IsAmbiguousTime(midnight) ? zone.GetAmbiguousTimeOffsets(midnight).Max() : zone.GetUtcOffset(midnight);
        return new DateTimeOffset(midnight, offset).ToUniversalTime();
    }

    public static DateTimeOffset Local(DateTimeOffset instant, TimeZoneInfo zone) => TimeZoneInfo.ConvertTime(instant, zone);
}
