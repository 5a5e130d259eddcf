using CrisisBot.Features.HotTopics.Pipeline;

namespace CrisisBot.Features.HotTopics.Api;

/// <summary>
/// What <c>POST /api/posts</c> did, summed and logged once per <see cref="Interval"/> (event 1213, Information) when
/// there was any request: at many connections a line per request (event 1211, now Debug) is noise and cost. Requests
/// with rejected items (1214) and refused requests (1210) are still logged one by one, at Warning.
/// </summary>
internal sealed class PostsIntakeStats : IDisposable
{
    /// <summary>How often the summary is written (only when requests came in).</summary>
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);

    private readonly ILogger<PostsIntakeStats> _logger;
    private readonly ITimer _timer;
    private long _requests;
    private long _accepted;
    private long _duplicates;
    private long _rejected;
    private long _refused;

    public PostsIntakeStats(TimeProvider time, ILogger<PostsIntakeStats> logger)
    {
        ArgumentNullException.ThrowIfNull(time);
        _logger = logger;
        _timer = time.CreateTimer(_ => Flush(), null, Interval, Interval);
    }

    /// <summary>A request that was answered 202.</summary>
    public void Ingested(int accepted, int duplicates, int rejected)
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Add(ref _accepted, accepted);
        Interlocked.Add(ref _duplicates, duplicates);
        Interlocked.Add(ref _rejected, rejected);
    }

    /// <summary>A request that was refused (401, 413, 503) or not JSON at all (400).</summary>
    public void Refused()
    {
        Interlocked.Increment(ref _requests);
        Interlocked.Increment(ref _refused);
    }

    /// <summary>Writes the summary of the requests since the last one, if any, and starts a new period.</summary>
    public void Flush()
    {
        var requests = Interlocked.Exchange(ref _requests, 0);
        if (requests == 0)
        {
            return;
        }

        // Each count lands in exactly one summary (a request counted during the exchange shows in the next one).
        IntakeLog.PostsSummary(
            _logger, (long)Interval.TotalSeconds, requests, Interlocked.Exchange(ref _accepted, 0), Interlocked.Exchange(ref _duplicates, 0),
            Interlocked.Exchange(ref _rejected, 0), Interlocked.Exchange(ref _refused, 0));
    }

    public void Dispose()
    {
        _timer.Dispose();
        Flush();
    }
}
