using CrisisBot.Features.Crisis;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Features.Faq;
using CrisisBot.Infrastructure.RateLimiting;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

public static class SummariesFeature
{
    /// <summary>
    /// Leadership summaries: builder, storage, the <c>summary</c> command and card verbs, the scheduled job, the e-mail
    /// copy, and <see cref="ICrisisActivitySource"/> over the stored posts and expert tables (replacing the default).
    /// </summary>
    /// <remarks>Needs <c>AddStorage</c>, <c>AddOutbox</c>, <c>AddChannelsFeature</c> and <c>AddCrisisFeature</c> (Graph, catalog).</remarks>
    public static IServiceCollection AddSummariesFeature(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<SummaryOptions>().Bind(configuration.GetSection(SummaryOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SummaryOptions>, SummaryOptionsValidator>());
        services.AddScheduling();
        services.TryAddSingleton<IFaqChanges, NoFaqChanges>();
        services.TryAddSingleton<ITeamLoad, NoTeamLoad>();
        services.Replace(ServiceDescriptor.Singleton<ICrisisActivitySource, CrisisActivityFromStorage>());
        services.AddSingleton<SummaryBuilder>();
        services.AddSingleton<ChartUrlSigner>();
        services.AddSingleton<SummaryMailer>();
        services.AddSingleton<SummaryService>();
        services.AddSingleton<SummaryCommands>();
        services.AddSingleton<IBotRoutes, SummaryRoutes>();
        services.AddSingleton<IRecurringJob, SummaryJob>();
        services.AddSingleton<SummaryRetentionJob>();
        services.AddSingleton<IRecurringJob>(sp => sp.GetRequiredService<SummaryRetentionJob>());
        services.AddSingleton<CrisisBot.Features.Crisis.Export.IExportSection, SummaryRetentionExportNote>();
        return services;
    }

    /// <summary><c>GET /charts/{id}.png?exp=&amp;sig=</c>: the summary's chart; 403 bad signature, 410 expired, 404 unknown.</summary>
    public static IEndpointRouteBuilder MapSummaries(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/charts/{id}.png", ChartAsync).RequireRateLimiting(PublicRateLimit.PolicyName);
        return endpoints;
    }

    private static async Task<IResult> ChartAsync(string id, HttpContext context, ChartUrlSigner signer, SummaryService summaries, ILoggerFactory loggers, TimeProvider time)
    {
        var logger = loggers.CreateLogger("CrisisBot.Features.Summaries.Charts");
        var ct = context.RequestAborted;
        var query = context.Request.Query;
        if (id.Length != 32 || !id.All(Uri.IsHexDigit))
        {
            return Results.Problem(statusCode: 404, title: "No such chart", detail: "Chart ids are 32 hexadecimal characters.");
        }

        switch (await signer.CheckAsync(id, query["exp"], query["sig"], ct))
        {
            case ChartUrlCheck.BadSignature:
                SummariesLog.ChartRefused(logger, id, "bad signature");
                return Results.Problem(statusCode: 403, title: "Invalid chart link", detail: "The link's signature does not match. Open the chart from the summary card.");
            case ChartUrlCheck.Expired:
                SummariesLog.ChartRefused(logger, id, "expired");
                return Results.Problem(statusCode: 410, title: "Chart link expired", detail: "This chart link has expired. Refresh the summary card for a new one.");
        }

        var summary = await summaries.FindAsync(id, ct);
        if (summary is null)
        {
            return Results.Problem(statusCode: 404, title: "No such chart", detail: "The summary does not exist (any more).");
        }

        var png = SummaryChartRenderer.RenderPng(SummaryService.Read(summary));
        if (long.TryParse(query["exp"], out var expires))
        {
            var left = Math.Max(0, expires - time.GetUtcNow().ToUnixTimeSeconds());
            context.Response.Headers.CacheControl = $"private, max-age={Math.Min(left, 3600)}";
        }

        return Results.File(png, "image/png");
    }
}
