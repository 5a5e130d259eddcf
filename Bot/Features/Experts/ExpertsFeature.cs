using CrisisBot.Features.Crisis;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Experts;

public static class ExpertsFeature
{
    /// <summary>The expert loop: ask/+1, answer on the card, approval chain, delivery, response library, SLA timers.</summary>
    /// <remarks>
    /// Needs storage, the outbox, the Channels feature (bindings), a <see cref="TimeProvider"/> and an
    /// <see cref="IDurableTimers"/> implementation (the scheduler). Registers the default <see cref="ICrisisState"/>
    /// (never in crisis) unless the crisis feature registered its own, and the product catalog unless already registered.
    /// </remarks>
    public static IServiceCollection AddExpertsFeature(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ExpertsOptions>()
            .Bind(configuration.GetSection(ExpertsOptions.Section))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddProductsOptions(configuration).ValidateOnStart();
        services.TryAddSingleton(sp => sp.GetRequiredService<IOptions<ProductsOptions>>().Value.LoadCatalog());
        services.TryAddSingleton<ICrisisState, NoActiveCrisis>();
        services.TryAddSingleton<ITopicLineage, SingleTopicLineage>();

        services.AddSingleton<ExpertDirectory>();
        services.AddSingleton<ExpertCards>();
        services.AddSingleton<ExpertService>();
        services.AddSingleton<LibraryService>();
        services.AddSingleton<ExpertHandlers>();
        services.AddSingleton<IExpertAnswers, ExpertAnswers>();
        services.AddSingleton<ITimerHandler, ExpertSlaTimerHandler>();
        services.AddSingleton<ITimerHandler, LibraryReviewTimerHandler>();
        services.AddSingleton<IBotRoutes, ExpertRoutes>();
        return services;
    }
}
