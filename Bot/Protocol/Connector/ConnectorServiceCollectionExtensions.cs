using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Connector;

public static class ConnectorServiceCollectionExtensions
{
    /// <summary>Typed Connector HttpClient with MSAL token handler and resilience.</summary>
    public static IServiceCollection AddBotConnector(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);

        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<ConnectorOptions>()
            .Configure(options => Bind(configuration, options))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ConnectorOptions>, ConnectorOptionsValidator>());

        services.TryAddSingleton<IBotTokenProvider, MsalBotTokenProvider>();
        services.AddTransient<ConnectorAuthHandler>();

        var http = services.AddHttpClient<IConnectorClient, ConnectorClient>(ConnectorClient.HttpClientName, client =>
            {
                // The retry pipeline bounds the total time (attempt timeout × attempts + delays); the caller's token cancels.
                client.Timeout = Timeout.InfiniteTimeSpan;
                client.DefaultRequestHeaders.UserAgent.ParseAdd("CrisisBot/1.0");
            })
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler
            {
                // The Connector never redirects; following one could carry the request somewhere unvetted.
                AllowAutoRedirect = false,
                PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            });

        // Order matters: the first handler added is the outermost. Retries wrap the auth handler.
        http.AddResilienceHandler(ConnectorRetryPolicy.PipelineName, static (builder, context) =>
        {
            var sp = context.ServiceProvider;
            ConnectorRetryPolicy.Configure(
                builder,
                sp.GetRequiredService<IOptions<ConnectorOptions>>().Value,
                sp.GetRequiredService<TimeProvider>(),
                sp.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ConnectorClient).FullName!));
        });

        // Inside the retries: each attempt is checked against the allow-list and gets a current token.
        http.AddHttpMessageHandler<ConnectorAuthHandler>();

        return services;
    }

    /// <summary>Reads the keys named in <see cref="ConnectorOptions"/>; missing keys keep the documented defaults.</summary>
    internal static void Bind(IConfiguration configuration, ConnectorOptions options)
    {
        options.MicrosoftAppId = configuration["MicrosoftAppId"];
        options.MicrosoftAppPassword = configuration["MicrosoftAppPassword"];
        options.MicrosoftAppTenantId = configuration["MicrosoftAppTenantId"];
        options.LocalMode = configuration.GetValue("Bot:LocalMode", options.LocalMode);

        var hosts = configuration.GetSection("Bot:AllowedServiceUrlHosts").Get<string[]>();
        if (hosts is { Length: > 0 })
        {
            options.AllowedServiceUrlHosts = hosts;
        }

        options.MaxRetries = configuration.GetValue("Connector:MaxRetries", options.MaxRetries);
        options.BaseDelay = configuration.GetValue("Connector:BaseDelay", options.BaseDelay);
        options.MaxDelay = configuration.GetValue("Connector:MaxDelay", options.MaxDelay);
        options.AttemptTimeout = configuration.GetValue("Connector:AttemptTimeout", options.AttemptTimeout);
        options.MaxRetryAfter = configuration.GetValue("Connector:MaxRetryAfter", options.MaxRetryAfter);
    }
}
