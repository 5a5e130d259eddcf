using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Channels;

public static class ChannelsFeature
{
    /// <summary>Install tracking, channel roles and the help/status/link commands.</summary>
    /// <remarks>Needs <c>AddStorage</c> (the store), <c>AddBotConnector</c> (<see cref="Protocol.Connector.IConnectorClient"/>) and a <see cref="TimeProvider"/>.</remarks>
    public static IServiceCollection AddChannelsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ChannelsOptions>()
            .Bind(configuration.GetSection(ChannelsOptions.SectionName))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<ChannelsOptions>, ChannelsOptionsValidator>();

        services.AddSingleton<ChannelStore>();
        services.AddSingleton<ChannelsCards>();
        services.AddSingleton<AdminPolicy>();
        services.AddSingleton<StatusService>();
        services.AddSingleton<InstallTracker>();
        services.AddSingleton<ChannelLinkCommands>();
        services.AddSingleton<InfoCommands>();
        services.AddSingleton<IBotRoutes, ChannelsRoutes>();
        return services;
    }
}
