using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisBot.Features.Crisis.Export;

public static class CrisisExportFeature
{
    /// <summary>
    /// The exporter and the built-in sections (posts, topics, questions, audit, crisis…; features add theirs as
    /// <see cref="IExportSection"/>), and the outbox retention hold that keeps every crisis's outbox rows (<see cref="CrisisOutboxRule"/>).
    /// </summary>
    /// <remarks>Needs storage and the product catalog.</remarks>
    public static IServiceCollection AddCrisisExport(this IServiceCollection services)
    {
        services.AddOptions<ExportOptions>().BindConfiguration(ExportOptions.SectionName);
        services.AddOptions<HotTopics.Routing.ProductsOptions>().BindConfiguration(HotTopics.Routing.ProductsOptions.Section);
        services.TryAddSingleton<CrisisExporter>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExportSection, TableSections>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IExportSection, CrisisInfoSections>());
        // The outbox rows of a crisis stay until the crisis is gone, so a later export still has them.
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Infrastructure.Outbox.IOutboxRetentionHold, CrisisOutboxHold>());
        return services;
    }

    /// <summary><c>GET /api/crisis/{id}/export</c>.</summary>
    public static WebApplication MapCrisisExport(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        CrisisExportApi.Map(app);
        return app;
    }
}
