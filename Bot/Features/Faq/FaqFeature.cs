using CrisisBot.Features.Experts;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Faq;

public static class FaqFeature
{
    /// <summary>
    /// The public FAQ: versions published from the response library (on approval through a durable timer, on the
    /// <c>Faq:Schedule</c>, or by <c>faq publish</c>), the <c>faq</c> command and <see cref="IFaqChanges"/> (replacing the default).
    /// </summary>
    /// <remarks>Needs storage, the scheduler (<c>AddScheduling</c>), the Channels feature (admins) and a <see cref="TimeProvider"/>.</remarks>
    public static IServiceCollection AddFaqFeature(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<FaqOptions>()
            .Bind(configuration.GetSection(FaqOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<FaqOptions>, FaqOptionsValidator>());
        services.AddSingleton<FaqStore>();
        services.AddSingleton<FaqPublisher>();
        services.AddSingleton<FaqLinks>();
        services.AddSingleton<FaqCommands>();
        services.AddSingleton<FaqRenderCache>();
        services.Replace(ServiceDescriptor.Singleton<IFaqChanges, FaqChanges>());
        services.AddSingleton<IExpertLoopObserver, FaqExpertObserver>();
        services.AddSingleton<ITimerHandler, FaqPublishTimerHandler>();
        services.AddSingleton<IRecurringJob, FaqScheduleJob>();
        services.AddSingleton<IBotRoutes, FaqRoutes>();
        return services;
    }

    /// <summary>Maps the public, read-only FAQ endpoints (/faq, /faq.json, /faq.md, /faq/history, /faq/v/{n}).</summary>
    public static IEndpointRouteBuilder MapFaq(this IEndpointRouteBuilder app)
    {
        FaqEndpoints.Map(app);
        return app;
    }
}
