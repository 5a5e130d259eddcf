using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Graph;

public static class GraphServiceCollectionExtensions
{
    /// <summary>
    /// Binds <c>Graph:*</c> (validated at startup) and registers <see cref="ITeamsGraph"/>: the Graph SDK client when
    /// configured, else <see cref="NotConfiguredTeamsGraph"/>.
    /// </summary>
    public static IServiceCollection AddTeamsGraph(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<GraphOptions>().Bind(configuration.GetSection(GraphOptions.SectionName)).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GraphOptions>, GraphOptionsValidator>());
        services.AddHttpClient(TeamsGraphClient.AuthHttpClientName);
        services.TryAddSingleton<ITeamsGraph>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<GraphOptions>>();
            return options.Value.IsConfigured
                ? ActivatorUtilities.CreateInstance<TeamsGraphClient>(sp)
                : new NotConfiguredTeamsGraph();
        });
        return services;
    }
}
