using CrisisBot.Infrastructure.Delivery;
using CrisisBot.Infrastructure.Startup;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;

namespace CrisisBot.Infrastructure.Outbox;

public static class OutboxServiceCollectionExtensions
{
    /// <summary>The service key of the <see cref="IConnectorClient"/> the worker sends with (no HTTP retries; 429 surfaces once).</summary>
    public const string ConnectorKey = "outbox";

    /// <summary>The IHttpClientFactory name of that client.</summary>
    public const string HttpClientName = "BotConnector.Outbox";

    /// <summary>
    /// The outbox, its delivery worker, the Teams rate limiter and outbox-backed turn replies (replacing the direct
    /// Connector replies). Needs <c>AddStorage</c> and <c>AddBotConnector</c>; call after <c>AddBotProtocol</c>.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddTeamsRateLimiter(configuration);
        services.AddOptions<OutboxOptions>()
            .Bind(configuration.GetSection(OutboxOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => o.PartitionHeartbeat < o.PartitionLease, "Outbox:PartitionHeartbeat must be shorter than Outbox:PartitionLease.")
            .ValidateOnStart();

        services.AddOptions<RetentionOptions>()
            .Bind(configuration.GetSection(RetentionOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(o => string.IsNullOrWhiteSpace(o.Cron) || Cronos.CronExpression.TryParse(o.Cron, Cronos.CronFormat.Standard, out _),
                "Retention:Cron is not a valid 5-field cron expression.")
            .ValidateOnStart();
        services.TryAddSingleton<OutboxRetentionJob>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Scheduling.IRecurringJob, OutboxRetentionJob>(sp => sp.GetRequiredService<OutboxRetentionJob>()));
        services.TryAddSingleton<OutboxSignal>();
        services.TryAddSingleton<Outbox>();
        services.TryAddSingleton<IOutbox>(sp => sp.GetRequiredService<Outbox>());
        services.TryAddSingleton<OutboxAdmin>();
        services.TryAddSingleton<OutboxWorker>();
        services.AddBackgroundWorker(sp => sp.GetRequiredService<OutboxWorker>());
        services.Replace(ServiceDescriptor.Scoped<ITurnReplies, OutboxTurnReplies>());

        // The worker's HTTP path: the same auth handler and attempt timeout as the Connector client, but no retry
        // pipeline, and 429 becomes ConnectorThrottledException carrying Retry-After for TeamsRateLimiter.On429.
        services.AddTransient<OutboxThrottleHandler>();
        var http = services.AddHttpClient(HttpClientName, client =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("CrisisBot/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            })
            .AddHttpMessageHandler<OutboxThrottleHandler>();
        http.AddResilienceHandler("outbox-connector", static (builder, context) =>
            builder.AddTimeout(context.ServiceProvider.GetRequiredService<IOptions<ConnectorOptions>>().Value.AttemptTimeout));
        http.AddHttpMessageHandler<ConnectorAuthHandler>();
        services.TryAddKeyedTransient<IConnectorClient>(ConnectorKey, static (sp, _) => new ConnectorClient(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(HttpClientName),
            sp.GetRequiredService<ILogger<ConnectorClient>>()));
        return services;
    }
}
