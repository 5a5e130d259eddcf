using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Summaries;

/// <summary>Post volume of a window: per bucket, and the same buckets one week earlier (the baseline).</summary>
public sealed record VolumeStats(
    int Posts,
    int BaselinePosts,
    IReadOnlyList<(DateTimeOffset At, int Posts)> Buckets,
    IReadOnlyList<(DateTimeOffset At, int Posts)> BaselineBuckets,
    int PeakHourPosts,
    int Topics,
    int Alarms);

/// <summary>One topic's posts in the window; <see cref="Trend"/> compares the rate window with the whole window.</summary>
public sealed record TopicStats(int TopicId, string Title, string Product, TopicState State, int Posts, double ExpectedPosts, TopicTrend Trend);

public enum TopicTrend
{
    Steady = 0,
    Rising = 1,
    Falling = 2,
}

/// <summary>Questions of the window and time to approved answer.</summary>
public sealed record QuestionStats(int Asked, int Answered, int Pending, int Overdue, TimeSpan? ApprovedMedian, TimeSpan? ApprovedP90);

/// <summary>How the first-response backlog develops at the current rates.</summary>
public enum RecoveryKind
{
    /// <summary>No post is waiting for an answer through CrisisBot (nothing to forecast).</summary>
    NoBacklog = 0,

    /// <summary>At the current answer rate a new post is answered within the target.</summary>
    OnTarget = 1,

    /// <summary>The backlog shrinks: <see cref="FirstResponseStats.RecoveryAt"/> is when the wait is back under target.</summary>
    Recovering = 2,

    /// <summary>Answers do not outpace intake: the wait does not come down at the current rate.</summary>
    NotRecovering = 3,
}

/// <summary>The customer first-response estimate (see <see cref="ActivityStatistics.FirstResponseAsync"/>).</summary>
public sealed record FirstResponseStats(
    TimeSpan? Median,
    int Considered,
    int Answered,
    int Backlog,
    double IntakePerHour,
    double AnswersPerHour,
    RecoveryKind Recovery,
    DateTimeOffset? RecoveryAt,
    TimeSpan? CurrentWait);

/// <summary>
/// The numbers behind the leadership summary and the stand-down report, read from the hot-topic tables
/// (<c>HotTopicPosts</c>, <c>HotTopics</c>, <c>HotTopicAlarms</c>) and the expert tables (<c>ExpertQuestions</c>,
/// <c>LibraryEntries</c>, <c>ExpertAudit</c> "answer.used" rows). Post times are always the post's own <c>createdAt</c>.
/// An empty product list means every product.
/// </summary>
public sealed class ActivityStatistics
{
    /// <summary>How far before the window the first-response queue starts (older unanswered posts are ignored).</summary>
    public static readonly TimeSpan FirstResponseLookback = TimeSpan.FromDays(7);

    public const string UsedAction = "answer.used";

    private readonly CrisisDbContext _db;
    private readonly string[] _products;
    private Dictionary<int, StoredTopic>? _topics;

    public ActivityStatistics(CrisisDbContext db, IReadOnlyList<string>? productKeys = null)
    {
        ArgumentNullException.ThrowIfNull(db);
        _db = db;
        _products = productKeys is null ? [] : [.. productKeys.Select(p => p.Trim().ToLowerInvariant()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal)];
    }

    // ------------------------------------------------------------------ volume and topics

    public async Task<VolumeStats> VolumeAsync(SummaryWindow window, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        var posts = await PostTimesAsync(window.Start, window.End, ct);
        var baseline = await PostTimesAsync(window.Start - SummaryWindow.BaselineShift, window.End - SummaryWindow.BaselineShift, ct);
        var starts = window.BucketStarts();
        var buckets = Count(starts, window.Bucket, posts.Select(p => p.CreatedAtMs), TimeSpan.Zero);
        var baselineBuckets = Count(starts, window.Bucket, baseline.Select(p => p.CreatedAtMs), SummaryWindow.BaselineShift);
        var hourly = Count(new SummaryWindow(window.Period, window.Start, window.End, TimeSpan.FromHours(1)).BucketStarts(), TimeSpan.FromHours(1), posts.Select(p => p.CreatedAtMs), TimeSpan.Zero);
        var topics = await TopicsAsync(ct);
        var distinctTopics = posts.Where(p => p.TopicId is not null).Select(p => Survivor(topics, p.TopicId!.Value)).Distinct().Count();
        var startMs = window.Start.ToUnixTimeMilliseconds();
        var endMs = window.End.ToUnixTimeMilliseconds();
        var alarms = _db.Set<StoredAlarm>().AsNoTracking().Where(a => a.AtMs >= startMs && a.AtMs < endMs);
        if (_products.Length > 0)
        {
            alarms = alarms.Where(a => _products.Contains(a.Product));
        }

        return new VolumeStats(
            posts.Count,
            baseline.Count,
            buckets,
            baselineBuckets,
            hourly.Count == 0 ? 0 : hourly.Max(b => b.Posts),
            distinctTopics,
            await alarms.CountAsync(ct));
    }

    /// <summary>
    /// The busiest topics of the window (merged topics counted under their survivor). <see cref="TopicStats.ExpectedPosts"/>
    /// is the topic's learned baseline rate (posts per hour) times the window's hours; the trend compares the posts per hour
    /// in the last <paramref name="rateWindow"/> with the window's average (rising above ×1.25, falling below ×0.8).
    /// </summary>
    public async Task<IReadOnlyList<TopicStats>> TopTopicsAsync(SummaryWindow window, int take, TimeSpan rateWindow, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        var posts = await PostTimesAsync(window.Start, window.End, ct);
        var topics = await TopicsAsync(ct);
        var recentFrom = (window.End - Min(rateWindow, window.Length)).ToUnixTimeMilliseconds();
        var hours = Math.Max(window.Length.TotalHours, 1e-9);
        var recentHours = Math.Max(Min(rateWindow, window.Length).TotalHours, 1e-9);
        return posts.Where(p => p.TopicId is not null)
            .GroupBy(p => Survivor(topics, p.TopicId!.Value))
            .Where(g => topics.ContainsKey(g.Key))
            .Select(g =>
            {
                var topic = topics[g.Key];
                var count = g.Count();
                var recent = g.Count(p => p.CreatedAtMs >= recentFrom);
                var ratio = recent / recentHours / (count / hours);
                var trend = ratio > 1.25 ? TopicTrend.Rising : ratio < 0.8 ? TopicTrend.Falling : TopicTrend.Steady;
                return new TopicStats(topic.Id, topic.Title, topic.Product, topic.State, count, topic.BaselinePerHour * hours, trend);
            })
            .OrderByDescending(t => t.Posts).ThenBy(t => t.TopicId)
            .Take(take)
            .ToList();
    }

    // ------------------------------------------------------------------ questions

    /// <summary>
    /// Asked: asked in the window. Answered: approved in the window. Pending: asked before the end and not approved by
    /// then (or reopened). Overdue: pending and past its due time at the end. Time to approved answer: approval time −
    /// ask time of the questions approved in the window; median and p90 by linear interpolation between ranks.
    /// </summary>
    public async Task<QuestionStats> QuestionsAsync(DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var query = _db.Set<ExpertQuestion>().AsNoTracking().Where(q => q.AskedAt < end);
        if (_products.Length > 0)
        {
            query = query.Where(q => _products.Contains(q.ProductKey));
        }

        var rows = await query.Select(q => new { q.AskedAt, q.ApprovedAt, q.DueAt, q.Status }).ToListAsync(ct);
        var asked = rows.Count(q => q.AskedAt >= start);
        var approved = rows.Where(q => q.ApprovedAt is { } at && at >= start && at < end).ToList();
        var pending = rows.Where(q => q.ApprovedAt is null || q.ApprovedAt >= end || q.Status != QuestionStatus.Approved).ToList();
        var overdue = pending.Count(q => q.DueAt < end);
        var times = approved.Select(q => (q.ApprovedAt!.Value - q.AskedAt).TotalSeconds).ToList();
        return new QuestionStats(asked, approved.Count, pending.Count, overdue, Percentile(times, 0.5), Percentile(times, 0.9));
    }

    // ------------------------------------------------------------------ customer first response

    /// <summary>
    /// Estimates customer first-response time from post timestamps and "I used this" clicks (an agent pasting an approved
    /// reply to a customer):
    /// <list type="bullet">
    /// <item>Every click (<c>ExpertAudit</c> row <c>answer.used</c>) answers one post: the oldest still-unanswered post,
    /// created at or before the click, of the click's queue. The queue of a click is the topic of the answer's question
    /// (merged topics count as their survivor), or, for a question asked without a topic, its product.</item>
    /// <item>The posts considered are those of a queue that has at least one question asked before the end (posts of
    /// topics nobody asked about are not handled through CrisisBot and are left out), created from
    /// <see cref="FirstResponseLookback"/> before the start.</item>
    /// <item>First-response time of a post = click time − post <c>createdAt</c>; a post still unanswered at the end counts
    /// with end − <c>createdAt</c> (a lower bound), so a growing backlog raises the median.</item>
    /// <item><see cref="FirstResponseStats.Median"/> is over the considered posts created in [start, end); null when there are none.</item>
    /// </list>
    /// Recovery forecast: intake λ = considered posts created in the last <paramref name="rateWindow"/> per hour; answer rate
    /// μ = clicks in that window per hour; backlog B = considered posts unanswered at the end. A new post waits about B/μ.
    /// With B/μ ≤ target it is on target; with μ ≤ λ it is not recovering; otherwise B shrinks by μ − λ per hour and the
    /// wait is back under the target T after (B − μ·T)/(μ − λ) hours.
    /// </summary>
    public async Task<FirstResponseStats> FirstResponseAsync(DateTimeOffset start, DateTimeOffset end, TimeSpan target, TimeSpan rateWindow, CancellationToken ct)
    {
        var topics = await TopicsAsync(ct);
        var questions = await _db.Set<ExpertQuestion>().AsNoTracking().Where(q => q.AskedAt < end)
            .Select(q => new { q.Id, q.ProductKey, q.TopicId }).ToListAsync(ct);
        if (_products.Length > 0)
        {
            questions = [.. questions.Where(q => _products.Contains(q.ProductKey))];
        }

        string QueueOf(string product, string? topicId) =>
            topicId is { } t && TryParseTopic(t, out var id) ? "t:" + Survivor(topics, id).ToString(System.Globalization.CultureInfo.InvariantCulture) : "p:" + product;

        var queueOfQuestion = questions.ToDictionary(q => q.Id, q => QueueOf(q.ProductKey, q.TopicId));
        var queues = queueOfQuestion.Values.ToHashSet(StringComparer.Ordinal);

        var lookbackStart = start - FirstResponseLookback;
        var posts = (await PostTimesAsync(lookbackStart, end, ct))
            .Select(p => (p.CreatedAtMs, Queue: p.TopicId is { } t && queues.Contains("t:" + Survivor(topics, t).ToString(System.Globalization.CultureInfo.InvariantCulture))
                ? "t:" + Survivor(topics, t).ToString(System.Globalization.CultureInfo.InvariantCulture)
                : queues.Contains("p:" + p.Product) ? "p:" + p.Product : null))
            .Where(p => p.Queue is not null)
            .OrderBy(p => p.CreatedAtMs)
            .ToList();

        var uses = await (from a in _db.Set<ExpertAuditEntry>().AsNoTracking()
                          join e in _db.Set<LibraryEntry>().AsNoTracking() on a.EntryId equals (long?)e.Id
                          where a.Action == UsedAction && a.At >= lookbackStart && a.At < end
                          select new { a.At, e.QuestionId }).ToListAsync(ct);
        var clicks = uses.Where(u => queueOfQuestion.ContainsKey(u.QuestionId))
            .Select(u => (At: u.At.ToUnixTimeMilliseconds(), Queue: queueOfQuestion[u.QuestionId]))
            .OrderBy(u => u.At)
            .ToList();

        // FIFO per queue: each click answers the oldest waiting post created at or before it.
        var answeredAt = new long?[posts.Count];
        var waiting = posts.Select((p, i) => (p, i)).GroupBy(x => x.p.Queue!).ToDictionary(g => g.Key, g => new Queue<int>(g.Select(x => x.i)));
        foreach (var click in clicks)
        {
            if (!waiting.TryGetValue(click.Queue, out var queue))
            {
                continue;
            }

            if (queue.Count > 0 && posts[queue.Peek()].CreatedAtMs <= click.At)
            {
                answeredAt[queue.Dequeue()] = click.At;
            }
        }

        var startMs = start.ToUnixTimeMilliseconds();
        var endMs = end.ToUnixTimeMilliseconds();
        var inWindow = Enumerable.Range(0, posts.Count).Where(i => posts[i].CreatedAtMs >= startMs).ToList();
        var seconds = inWindow.Select(i => ((answeredAt[i] ?? endMs) - posts[i].CreatedAtMs) / 1000.0).ToList();
        var backlog = answeredAt.Count(a => a is null);

        var window = Min(rateWindow, end - start);
        var windowHours = window.TotalHours;
        var recentMs = (end - window).ToUnixTimeMilliseconds();
        var intake = windowHours <= 0 ? 0 : posts.Count(p => p.CreatedAtMs >= recentMs) / windowHours;
        var answers = windowHours <= 0 ? 0 : clicks.Count(c => c.At >= recentMs && waiting.ContainsKey(c.Queue)) / windowHours;
        var (kind, at, wait) = Forecast(backlog, intake, answers, target, end);
        return new FirstResponseStats(Percentile(seconds, 0.5), inWindow.Count, inWindow.Count(i => answeredAt[i] is not null), backlog, intake, answers, kind, at, wait);
    }

    /// <summary>The recovery forecast (see <see cref="FirstResponseAsync"/>); rates per hour.</summary>
    internal static (RecoveryKind Kind, DateTimeOffset? At, TimeSpan? CurrentWait) Forecast(int backlog, double intakePerHour, double answersPerHour, TimeSpan target, DateTimeOffset now)
    {
        if (backlog == 0)
        {
            return (RecoveryKind.NoBacklog, null, TimeSpan.Zero);
        }

        if (answersPerHour <= 0)
        {
            return (RecoveryKind.NotRecovering, null, null);
        }

        var wait = TimeSpan.FromHours(backlog / answersPerHour);
        if (wait <= target)
        {
            return (RecoveryKind.OnTarget, null, wait);
        }

        if (answersPerHour <= intakePerHour)
        {
            return (RecoveryKind.NotRecovering, null, wait);
        }

        var hours = (backlog - (answersPerHour * target.TotalHours)) / (answersPerHour - intakePerHour);
        return (RecoveryKind.Recovering, now + TimeSpan.FromHours(hours), wait);
    }

    /// <summary>Linear interpolation between closest ranks (as numpy's default and Excel's PERCENTILE.INC).</summary>
    internal static TimeSpan? Percentile(IReadOnlyList<double> seconds, double p)
    {
        if (seconds.Count == 0)
        {
            return null;
        }

        var sorted = seconds.OrderBy(s => s).ToArray();
        var rank = p * (sorted.Length - 1);
        var low = (int)Math.Floor(rank);
        var high = Math.Min(low + 1, sorted.Length - 1);
        var value = sorted[low] + ((rank - low) * (sorted[high] - sorted[low]));
        return TimeSpan.FromSeconds(Math.Round(value, 3));
    }

    // ------------------------------------------------------------------ helpers

    private sealed record PostTime(long CreatedAtMs, string Product, int? TopicId);

    private async Task<List<PostTime>> PostTimesAsync(DateTimeOffset from, DateTimeOffset until, CancellationToken ct)
    {
        var fromMs = from.ToUnixTimeMilliseconds();
        var untilMs = until.ToUnixTimeMilliseconds();
        var query = _db.Set<StoredPost>().AsNoTracking().Where(p => p.CreatedAtMs >= fromMs && p.CreatedAtMs < untilMs);
        if (_products.Length > 0)
        {
            query = query.Where(p => _products.Contains(p.Product));
        }

        return await query.Select(p => new PostTime(p.CreatedAtMs, p.Product, p.TopicId)).ToListAsync(ct);
    }

    private async Task<Dictionary<int, StoredTopic>> TopicsAsync(CancellationToken ct) =>
        _topics ??= await _db.Set<StoredTopic>().AsNoTracking().ToDictionaryAsync(t => t.Id, ct);

    /// <summary>Follows merges to the surviving topic (guarded against cycles).</summary>
    private static int Survivor(Dictionary<int, StoredTopic> topics, int id)
    {
        for (var hops = 0; hops < 64 && topics.TryGetValue(id, out var topic) && topic.MergedInto is { } next; hops++)
        {
            id = next;
        }

        return id;
    }

    private static bool TryParseTopic(string text, out int id) =>
        HotTopics.Cards.TopicCardRenderer.TryParseTopicId(text, out id);

    private static List<(DateTimeOffset At, int Posts)> Count(IReadOnlyList<DateTimeOffset> starts, TimeSpan bucket, IEnumerable<long> createdMs, TimeSpan shift)
    {
        var counts = new int[starts.Count];
        if (starts.Count > 0)
        {
            var origin = (starts[0] - shift).ToUnixTimeMilliseconds();
            var width = (long)bucket.TotalMilliseconds;
            foreach (var ms in createdMs)
            {
                var index = (int)((ms - origin) / width);
                if (ms >= origin && index < counts.Length)
                {
                    counts[index]++;
                }
            }
        }

        return [.. starts.Select((s, i) => (s, counts[i]))];
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;
}
