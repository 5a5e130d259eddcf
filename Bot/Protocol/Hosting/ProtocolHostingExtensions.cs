using CrisisBot.Protocol.Auth;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

public static class ProtocolHostingExtensions
{
    /// <summary>Options, inbound auth, router and the background turn queue.</summary>
    public static WebApplicationBuilder AddBotProtocol(this WebApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var services = builder.Services;

        services.AddOptions<BotOptions>()
            .Configure<IConfiguration>(BindBotOptions)
            .PostConfigure(ApplyDefaults)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<BotOptions>, BotOptionsValidator>();
        services.TryAddSingleton(TimeProvider.System);

        services.AddHttpClient(OpenIdDocumentRetriever.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(30));
        services.AddSingleton<OpenIdDocumentRetriever>();
        services.AddSingleton<OpenIdMetadataCache>();
        services.AddSingleton<BotAuthenticator>();

        services.AddSingleton(sp => ActivityRouter.Build(sp.GetServices<IBotRoutes>(), sp.GetRequiredService<ILogger<ActivityRouter>>()));
        services.AddScoped<ITurnReplies, ConnectorTurnReplies>();
        services.AddSingleton<TurnBacklog>();
        services.TryAddSingleton<IInboundTurns, InMemoryInboundTurns>();
        services.AddSingleton<BotMessagesDispatcher>();
        services.AddHostedService<TurnProcessor>();
        services.AddHostedService<LocalModeGuard>();
        return builder;
    }

    /// <summary>POST /api/messages: authenticate, then route.</summary>
    public static WebApplication MapBotMessages(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // Build the router now so a duplicate registration fails startup, not the first request.
        app.Services.GetRequiredService<ActivityRouter>();
        // The dispatcher is a singleton taken once here, so a request does not open a DI scope just to resolve it.
        var dispatcher = app.Services.GetRequiredService<BotMessagesDispatcher>();
        app.MapPost("/api/messages", (HttpRequest request) => BotMessagesEndpoint.HandleAsync(request, dispatcher));
        return app;
    }

    private static void BindBotOptions(BotOptions options, IConfiguration configuration)
    {
        options.MicrosoftAppId = configuration["MicrosoftAppId"];
        options.MicrosoftAppPassword = configuration["MicrosoftAppPassword"];
        options.MicrosoftAppTenantId = configuration["MicrosoftAppTenantId"];
        options.MicrosoftAppType = configuration["MicrosoftAppType"];
        configuration.GetSection(BotOptions.SectionName).Bind(options);
    }

    private static void ApplyDefaults(BotOptions options)
    {
        options.MicrosoftAppId = options.MicrosoftAppId?.Trim();
        options.MicrosoftAppTenantId = options.MicrosoftAppTenantId?.Trim();
        if (options.AllowedTenants.Length == 0 && !string.IsNullOrWhiteSpace(options.MicrosoftAppTenantId))
        {
            options.AllowedTenants = [options.MicrosoftAppTenantId];
        }

        if (options.AllowedServiceUrlHosts.Length == 0)
        {
            options.AllowedServiceUrlHosts = [.. ServiceUrlPolicy.DefaultHosts];
        }
    }
}
