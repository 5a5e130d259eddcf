using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Delivery;

public static class DeliveryServiceCollectionExtensions
{
    /// <summary>Registers the <see cref="TeamsRateLimiter"/> singleton with <c>Delivery:RateLimits</c> validated at startup.</summary>
    public static IServiceCollection AddTeamsRateLimiter(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<TeamsRateLimitOptions>()
            .Bind(configuration.GetSection(TeamsRateLimitOptions.SectionName))
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<TeamsRateLimitOptions>, TeamsRateLimitOptionsValidator>());
        services.TryAddSingleton<TeamsRateLimiter>();
        return services;
    }
}
