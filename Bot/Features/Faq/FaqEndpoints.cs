using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using CrisisBot.Infrastructure.RateLimiting;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace CrisisBot.Features.Faq;

/// <summary>
/// The public, read-only FAQ (no authentication, rate-limited per client: <see cref="PublicRateLimit"/>): <c>/faq</c> (HTML), <c>/faq.json</c>, <c>/faq.md</c>, <c>/faq/history</c>
/// (+ <c>.json</c>) and <c>/faq/v/{n}</c> (+ <c>.json</c>, <c>.md</c>). Every response carries an ETag (and Last-Modified
/// for a version) and answers conditional requests with 304 before reading any entry; published versions never change,
/// so older ones are cacheable for a day and rendered bodies are kept in memory by ETag.
/// </summary>
internal static class FaqEndpoints
{
    /// <summary>Bump when the rendering changes, so caches revalidate to the new markup.</summary>
    private const string RenderRevision = "r1";

    private static readonly string[] GetHead = [HttpMethods.Get, HttpMethods.Head];

    public static void Map(IEndpointRouteBuilder app)
    {
        app.MapMethods("/faq", GetHead, (HttpContext http, CancellationToken ct) => CurrentAsync(http, Format.Html, ct))
            .RequireRateLimiting(PublicRateLimit.PolicyName);
        app.MapMethods("/faq.json", GetHead, (HttpContext http, CancellationToken ct) => CurrentAsync(http, Format.Json, ct))
            .RequireRateLimiting(PublicRateLimit.PolicyName);
        app.MapMethods("/faq.md", GetHead, (HttpContext http, CancellationToken ct) => CurrentAsync(http, Format.Markdown, ct))
            .RequireRateLimiting(PublicRateLimit.PolicyName);
        app.MapMethods("/faq/history", GetHead, (HttpContext http, CancellationToken ct) => HistoryAsync(http, Format.Html, ct))
            .RequireRateLimiting(PublicRateLimit.PolicyName);
        app.MapMethods("/faq/history.json", GetHead, (HttpContext http, CancellationToken ct) => HistoryAsync(http, Format.Json, ct))
            .RequireRateLimiting(PublicRateLimit.PolicyName);
        app.MapMethods("/faq/v/{version}", GetHead, (HttpContext http, string version, CancellationToken ct) => VersionAsync(http, version, ct))
            .RequireRateLimiting(PublicRateLimit.PolicyName);
    }

    internal enum Format
    {
        Html,
        Json,
        Markdown,
    }

    private static async Task CurrentAsync(HttpContext http, Format format, CancellationToken ct)
    {
        var store = http.RequestServices.GetRequiredService<FaqStore>();
        var latest = await store.LatestAsync(ct);
        await ServeVersionAsync(http, latest, latest?.Number, format, ct);
    }

    private static async Task VersionAsync(HttpContext http, string text, CancellationToken ct)
    {
        var format = Format.Html;
        var number = text;
        if (text.EndsWith(".json", StringComparison.OrdinalIgnoreCase))
        {
            (format, number) = (Format.Json, text[..^5]);
        }
        else if (text.EndsWith(".md", StringComparison.OrdinalIgnoreCase))
        {
            (format, number) = (Format.Markdown, text[..^3]);
        }

        var store = http.RequestServices.GetRequiredService<FaqStore>();
        if (!int.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1)
        {
            await NotFoundAsync(http, format, $"'{Clip(number)}' is not a FAQ version number. Versions are numbered 1, 2, 3, …; see the history for the list.", ct);
            return;
        }

        var version = await store.VersionAsync(n, ct);
        if (version is null)
        {
            var latest = await store.LatestAsync(ct);
            var message = latest is null
                ? string.Create(CultureInfo.InvariantCulture, $"FAQ version {n} does not exist: nothing has been published yet.")
                : latest.Number == 1
                    ? string.Create(CultureInfo.InvariantCulture, $"FAQ version {n} does not exist. Only version 1 is published; see the history.")
                    : string.Create(CultureInfo.InvariantCulture, $"FAQ version {n} does not exist. Versions 1 to {latest.Number} are published; see the history for the list.");
            await NotFoundAsync(http, format, message, ct);
            return;
        }

        var current = await store.LatestAsync(ct);
        await ServeVersionAsync(http, version, current?.Number, format, ct);
    }

    private static async Task ServeVersionAsync(HttpContext http, FaqVersion? version, int? latestNumber, Format format, CancellationToken ct)
    {
        var services = http.RequestServices;
        var options = services.GetRequiredService<IOptionsMonitor<FaqOptions>>().CurrentValue;
        var isLatest = version is null || version.Number == latestNumber;
        var query = format == Format.Html ? Query(http) : null;
        var tag = version is null ? "empty" : string.Create(CultureInfo.InvariantCulture, $"v{version.Number}-{version.ContentHash[..16]}");
        var etag = $"\"faq-{tag}-{(isLatest ? "cur" : "old")}-{format.ToString().ToLowerInvariant()}-{RenderRevision}{QueryTag(query)}-{ZoneTag(options)}\"";
        var maxAge = isLatest ? (int)options.CacheMaxAge.TotalSeconds : 86_400;
        SetCommonHeaders(http, format, etag, version?.PublishedAt, $"public, max-age={maxAge.ToString(CultureInfo.InvariantCulture)}");
        if (NotModified(http, etag, version?.PublishedAt))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var cache = services.GetRequiredService<FaqRenderCache>();
        var baseUrl = BaseUrl(http, options);
        var body = await cache.GetOrAddAsync(etag + "|" + baseUrl + "|" + http.Request.PathBase, async () =>
        {
            var entries = version is null ? [] : await services.GetRequiredService<FaqStore>().EntriesAsync(version.Id, ct);
            var page = new FaqPage(version, entries, latestNumber, http.Request.PathBase, options.ResolveTimeZone());
            return format switch
            {
                Format.Json => JsonSerializer.SerializeToUtf8Bytes(FaqDocuments.Json(page, baseUrl), FaqJsonContext.Default.FaqDocument),
                Format.Markdown => Encoding.UTF8.GetBytes(FaqDocuments.Markdown(page, baseUrl)),
                _ => Encoding.UTF8.GetBytes(FaqHtml.Page(page, query)),
            };
        });
        await WriteAsync(http, body, ct);
    }

    private static async Task HistoryAsync(HttpContext http, Format format, CancellationToken ct)
    {
        var options = http.RequestServices.GetRequiredService<IOptionsMonitor<FaqOptions>>().CurrentValue;
        var pageText = http.Request.Query["page"].ToString().Trim();
        var page = 1;
        if (pageText.Length > 0 && (!int.TryParse(pageText, NumberStyles.None, CultureInfo.InvariantCulture, out page) || page < 1))
        {
            await ProblemAsync(http, format, StatusCodes.Status400BadRequest, "FAQ history page not valid",
                $"'{Clip(pageText)}' is not a history page number. Pages are numbered 1, 2, 3, … (1 = the newest versions).", ct);
            return;
        }

        var store = http.RequestServices.GetRequiredService<FaqStore>();
        var latest = await store.LatestAsync(ct);
        var total = latest?.Number ?? 0; // numbers are 1, 2, 3, … without gaps (FaqVersion.Number)
        var pageSize = options.HistoryPageSize;
        var pageCount = Math.Max(1, (total + pageSize - 1) / pageSize);
        if (page > pageCount)
        {
            await ProblemAsync(http, format, StatusCodes.Status404NotFound, "FAQ history page not found", pageCount == 1
                ? string.Create(CultureInfo.InvariantCulture, $"History page {page} does not exist: the history has one page.")
                : string.Create(CultureInfo.InvariantCulture, $"History page {page} does not exist: the history has pages 1 to {pageCount}."), ct);
            return;
        }

        var tag = latest is null ? "empty" : string.Create(CultureInfo.InvariantCulture, $"v{latest.Number}-{latest.ContentHash[..16]}");
        var etag = string.Create(CultureInfo.InvariantCulture,
            $"\"faq-history-{tag}-p{page}x{pageSize}-{format.ToString().ToLowerInvariant()}-{RenderRevision}-{ZoneTag(options)}\"");
        SetCommonHeaders(http, format, etag, latest?.PublishedAt, $"public, max-age={((int)options.CacheMaxAge.TotalSeconds).ToString(CultureInfo.InvariantCulture)}");
        if (NotModified(http, etag, latest?.PublishedAt))
        {
            http.Response.StatusCode = StatusCodes.Status304NotModified;
            return;
        }

        var versions = total == 0 ? [] : await store.HistoryPageAsync(page, pageSize, ct);
        var history = new FaqHistoryPage(versions, page, pageCount, total, latest?.Number);
        var body = format == Format.Json
            ? JsonSerializer.SerializeToUtf8Bytes(FaqDocuments.History(history, BaseUrl(http, options)), FaqJsonContext.Default.FaqHistoryDocument)
            : Encoding.UTF8.GetBytes(FaqHtml.History(history, http.Request.PathBase, options.ResolveTimeZone()));
        await WriteAsync(http, body, ct);
    }

    private static Task NotFoundAsync(HttpContext http, Format format, string message, CancellationToken ct) =>
        ProblemAsync(http, format, StatusCodes.Status404NotFound, "FAQ version not found", message, ct);

    private static async Task ProblemAsync(HttpContext http, Format format, int status, string title, string message, CancellationToken ct)
    {
        http.Response.StatusCode = status;
        http.Response.Headers.CacheControl = "no-store";
        http.Response.Headers.XContentTypeOptions = "nosniff";
        byte[] body;
        if (format == Format.Json)
        {
            http.Response.ContentType = "application/problem+json; charset=utf-8";
            body = JsonSerializer.SerializeToUtf8Bytes(
                new FaqProblem(status == StatusCodes.Status400BadRequest ? "https://tools.ietf.org/html/rfc9110#section-15.5.1" : "https://tools.ietf.org/html/rfc9110#section-15.5.5",
                    title, status, message),
                FaqJsonContext.Default.FaqProblem);
        }
        else if (format == Format.Markdown)
        {
            http.Response.ContentType = "text/markdown; charset=utf-8";
            body = Encoding.UTF8.GetBytes("# " + title + "\n\n" + FaqDocuments.Escape(message) + "\n");
        }
        else
        {
            http.Response.ContentType = "text/html; charset=utf-8";
            http.Response.Headers.ContentSecurityPolicy = FaqHtml.ContentSecurityPolicy;
            body = Encoding.UTF8.GetBytes(FaqHtml.NotFound(message, http.Request.PathBase, title));
        }

        await WriteAsync(http, body, ct);
    }

    private static void SetCommonHeaders(HttpContext http, Format format, string etag, DateTimeOffset? lastModified, string cacheControl)
    {
        var headers = http.Response.Headers;
        http.Response.ContentType = format switch
        {
            Format.Json => "application/json; charset=utf-8",
            Format.Markdown => "text/markdown; charset=utf-8",
            _ => "text/html; charset=utf-8",
        };
        headers.ETag = etag;
        headers.CacheControl = cacheControl;
        if (lastModified is { } at)
        {
            headers.LastModified = HeaderUtilities.FormatDate(at);
        }

        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers.ContentSecurityPolicy = format == Format.Html ? FaqHtml.ContentSecurityPolicy : "default-src 'none'; frame-ancestors 'none'";
        if (format != Format.Html)
        {
            headers.AccessControlAllowOrigin = "*";
        }
    }

    /// <summary>If-None-Match (weak comparison, <c>*</c>) decides when present; otherwise If-Modified-Since (second precision).</summary>
    internal static bool NotModified(HttpContext http, string etag, DateTimeOffset? lastModified)
    {
        var request = http.Request;
        if (request.Headers.IfNoneMatch.Count > 0)
        {
            if (!EntityTagHeaderValue.TryParseList(request.Headers.IfNoneMatch, out var tags))
            {
                return false;
            }

            var ours = new EntityTagHeaderValue(etag);
            return tags.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(ours, useStrongComparison: false));
        }

        if (lastModified is { } modified && HeaderUtilities.TryParseDate(request.Headers.IfModifiedSince.ToString(), out var since))
        {
            var seconds = new DateTimeOffset(modified.UtcTicks - (modified.UtcTicks % TimeSpan.TicksPerSecond), TimeSpan.Zero);
            return seconds <= since;
        }

        return false;
    }

    private static async Task WriteAsync(HttpContext http, byte[] body, CancellationToken ct)
    {
        http.Response.ContentLength = body.Length;
        if (!HttpMethods.IsHead(http.Request.Method))
        {
            await http.Response.Body.WriteAsync(body, ct);
        }
    }

    private static string? Query(HttpContext http)
    {
        var q = http.Request.Query["q"].ToString().Trim();
        return q.Length == 0 ? null : q.Length > 200 ? q[..200] : q;
    }

    private static string QueryTag(string? query) =>
        query is null ? "" : "-q" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(query)))[..12];

    private static string ZoneTag(FaqOptions options) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(options.TimeZone + "|" + options.PublicBaseUrl)))[..6];

    /// <summary>Absolute links in JSON/Markdown: <c>Faq:PublicBaseUrl</c>, else this request's scheme, host and path base.</summary>
    private static string BaseUrl(HttpContext http, FaqOptions options) =>
        !string.IsNullOrWhiteSpace(options.PublicBaseUrl)
            ? options.PublicBaseUrl.Trim().TrimEnd('/')
            : $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";
}

/// <summary>Rendered bodies by ETag (versions never change, so an entry never goes stale); bounded, cleared when full.</summary>
internal sealed class FaqRenderCache
{
    private const int MaxEntries = 256;
    private readonly ConcurrentDictionary<string, byte[]> _bodies = new(StringComparer.Ordinal);

    public async Task<byte[]> GetOrAddAsync(string key, Func<Task<byte[]>> render)
    {
        if (_bodies.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var body = await render();
        if (_bodies.Count >= MaxEntries)
        {
            _bodies.Clear();
        }

        _bodies[key] = body;
        return body;
    }
}
