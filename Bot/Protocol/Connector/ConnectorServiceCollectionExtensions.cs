namespace CrisisBot.Protocol.Connector;

public static class ConnectorServiceCollectionExtensions
{
    /// <summary>Typed Connector HttpClient with MSAL token handler and resilience.</summary>
    public static IServiceCollection AddBotConnector(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }
}
