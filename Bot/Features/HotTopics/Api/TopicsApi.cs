using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Api;

/// <summary>
/// The read API: <c>GET /api/topics</c> (filters <c>?product=&amp;state=&amp;limit=</c>), <c>GET /api/topics/{id}</c>
/// (with its alarm history) and <c>GET /api/topics/{id}/posts</c> (paged with <c>?limit=&amp;after=</c>). Needs
/// <c>X-Api-Key</c> with one of <c>Api:Keys</c>; in local mode, requests from loopback may omit it.
/// </summary>
internal static class TopicsApi
{
    public const string ApiKeyHeader = "X-Api-Key";
    public const int DefaultTopicLimit = 200;
    public const int MaxTopicLimit = 1000;
    public const int DefaultPostLimit = 50;
    public const int MaxPostLimit = 500;

    public static void Map(IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/api/topics").AddEndpointFilter(RequireApiKeyAsync);
        group.MapGet("/", ListAsync);
        group.MapGet("/{id}", GetAsync);
        group.MapGet("/{id}/posts", PostsAsync);
    }

    private static async ValueTask<object?> RequireApiKeyAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var keys = http.RequestServices.GetRequiredService<IOptions<ApiOptions>>().Value.Keys;
        var local = http.RequestServices.GetRequiredService<IOptions<BotOptions>>().Value.LocalMode;
        var remote = http.Connection.RemoteIpAddress;
        if (local && (remote is null || IPAddress.IsLoopback(remote)))
        {
            return await next(context);
        }

        var presented = http.Request.Headers[ApiKeyHeader].ToString();
        if (string.IsNullOrEmpty(presented))
        {
            return ApiProblems.Result(StatusCodes.Status401Unauthorized, "API key required", $"Send one of the configured API keys (Api:Keys) in the {ApiKeyHeader} header.");
        }

        var match = false;
        var presentedBytes = Encoding.UTF8.GetBytes(presented);
        foreach (var key in keys)
        {
            match |= CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(key)), SHA256.HashData(presentedBytes));
        }

        return match
            ? await next(context)
            : ApiProblems.Result(StatusCodes.Status401Unauthorized, "Invalid API key", $"The {ApiKeyHeader} header does not match any key in Api:Keys.");
    }

    private static async Task<IResult> ListAsync(
        IDbContextFactory<CrisisDbContext> dbFactory, ProductCatalog catalog, string? product, string? state, string? limit, CancellationToken ct)
    {
        Topics.TopicState? stateFilter = null;
        if (!string.IsNullOrWhiteSpace(state))
        {
            stateFilter = ApiNames.ParseState(state);
            if (stateFilter is null)
            {
                return BadRequest($"state must be one of emerging, hot, cooling, resolved (got '{state}').");
            }
        }

        if (!string.IsNullOrWhiteSpace(product)
            && catalog.Find(product) is null
            && !string.Equals(product, ProductCatalog.TriageKey, StringComparison.OrdinalIgnoreCase))
        {
            return BadRequest($"unknown product '{product}'; known: {string.Join(", ", catalog.Products.Select(p => p.Key).Append(ProductCatalog.TriageKey))}.");
        }

        if (ParseLimit(limit, DefaultTopicLimit, MaxTopicLimit) is not { } take)
        {
            return BadRequest($"limit must be an integer from 1 to {MaxTopicLimit} (got '{limit}').");
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var query = db.Set<StoredTopic>().AsNoTracking().Where(t => t.MergedInto == null);
        if (!string.IsNullOrWhiteSpace(product))
        {
            var key = (catalog.Find(product)?.Key ?? ProductCatalog.TriageKey);
            query = query.Where(t => t.Product == key);
        }

        if (stateFilter is { } s)
        {
            query = query.Where(t => t.State == s);
        }

        var topics = await query.OrderByDescending(t => t.Posts).ThenBy(t => t.Id).Take(take).ToListAsync(ct);
        return Results.Json(new TopicList([.. topics.Select(t => ToDto(t))]), IntakeJsonContext.Default.TopicList);
    }

    private static async Task<IResult> GetAsync(IDbContextFactory<CrisisDbContext> dbFactory, string id, CancellationToken ct)
    {
        if (ParseTopicId(id) is not { } topicId)
        {
            return NotFound(id);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        var topic = await db.Set<StoredTopic>().AsNoTracking().FirstOrDefaultAsync(t => t.Id == topicId, ct);
        if (topic is null)
        {
            return NotFound(id);
        }

        var alarms = await db.Set<StoredAlarm>().AsNoTracking().Where(a => a.TopicId == topicId).OrderBy(a => a.Seq).ToListAsync(ct);
        return Results.Json(ToDto(topic, alarms), IntakeJsonContext.Default.TopicDto);
    }

    private static async Task<IResult> PostsAsync(
        IDbContextFactory<CrisisDbContext> dbFactory, string id, string? limit, string? after, CancellationToken ct)
    {
        if (ParseLimit(limit, DefaultPostLimit, MaxPostLimit) is not { } take)
        {
            return BadRequest($"limit must be an integer from 1 to {MaxPostLimit} (got '{limit}').");
        }

        var afterSeq = 0L;
        if (!string.IsNullOrWhiteSpace(after)
            && (!long.TryParse(after, NumberStyles.None, CultureInfo.InvariantCulture, out afterSeq) || afterSeq < 0))
        {
            return BadRequest($"after must be the 'next' cursor of a previous page (got '{after}').");
        }

        if (ParseTopicId(id) is not { } topicId)
        {
            return NotFound(id);
        }

        await using var db = await dbFactory.CreateDbContextAsync(ct);
        if (!await db.Set<StoredTopic>().AnyAsync(t => t.Id == topicId, ct))
        {
            return NotFound(id);
        }

        // A topic's posts include those of topics merged into it (posts keep the topic they first joined).
        var merged = await db.Set<StoredTopic>().AsNoTracking().Where(t => t.MergedInto != null)
            .Select(t => new { t.Id, t.MergedInto }).ToListAsync(ct);
        var ids = MergedFamily(topicId, merged.ToDictionary(m => m.Id, m => m.MergedInto!.Value));

        var rows = await db.Set<StoredPost>().AsNoTracking()
            .Where(p => p.TopicId != null && ids.Contains(p.TopicId.Value) && p.Seq > afterSeq)
            .OrderBy(p => p.Seq).Take(take + 1).ToListAsync(ct);
        var next = rows.Count > take ? rows[take - 1].Seq.ToString(CultureInfo.InvariantCulture) : null;
        var page = rows.Take(take).Select(ToDto).ToList();
        return Results.Json(new PostPage(page, next), IntakeJsonContext.Default.PostPage);
    }

    /// <summary>The topic and every topic whose merge chain ends in it.</summary>
    internal static List<int> MergedFamily(int id, IReadOnlyDictionary<int, int> mergedInto)
    {
        var family = new List<int> { id };
        foreach (var (from, _) in mergedInto)
        {
            var current = from;
            for (var hops = 0; hops < 10_000 && mergedInto.TryGetValue(current, out var into); hops++)
            {
                current = into;
            }

            if (current == id && from != id)
            {
                family.Add(from);
            }
        }

        return family;
    }

    internal static int? ParseTopicId(string raw)
    {
        var s = raw.Trim();
        if (s.StartsWith('T') || s.StartsWith('t'))
        {
            s = s[1..];
        }

        return int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v > 0 ? v : null;
    }

    private static int? ParseLimit(string? raw, int fallback, int max)
    {
        if (string.IsNullOrWhiteSpace(raw))
        {
            return fallback;
        }

        return int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var v) && v >= 1 && v <= max ? v : null;
    }

    internal static TopicDto ToDto(StoredTopic t, IReadOnlyList<StoredAlarm>? alarms = null) => new(
        t.Id,
        t.Title,
        t.Product,
        ApiNames.Name(t.State),
        ApiNames.Name(t.Severity),
        t.Posts,
        t.AbusivePosts,
        t.Reach,
        DateTimeOffset.FromUnixTimeMilliseconds(t.FirstSeenMs),
        DateTimeOffset.FromUnixTimeMilliseconds(t.LastSeenMs),
        Math.Round(t.BaselinePerHour, 3),
        Math.Round(t.RecentPerHour, 3),
        t.MergedInto)
    {
        Alarms = alarms?.Select(a => ToDto(a, detailed: true)).ToList(),
    };

    internal static AlarmDto ToDto(StoredAlarm a, bool detailed) => new(
        a.TopicId,
        a.Product,
        DateTimeOffset.FromUnixTimeMilliseconds(a.AtMs),
        ApiNames.Name(a.Severity),
        detailed ? ApiNames.Name(a.Scope) : null,
        detailed ? ApiNames.Name(a.Transition) : null);

    private static PostDto ToDto(StoredPost p) => new(
        p.PostId, p.Source, p.Text, p.AuthorHandle, p.AuthorName, DateTimeOffset.FromUnixTimeMilliseconds(p.CreatedAtMs),
        p.Reach, p.Url, p.Product, p.TopicId, p.Abusive);

    private static IResult BadRequest(string detail) => ApiProblems.Result(StatusCodes.Status400BadRequest, "Bad request", detail);

    private static IResult NotFound(string id) => ApiProblems.Result(StatusCodes.Status404NotFound, "Unknown topic", $"There is no topic '{id}'.");
}
