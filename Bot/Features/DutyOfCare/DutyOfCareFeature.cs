using CrisisBot.Features.Crisis;
using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisBot.Features.DutyOfCare;

public static class DutyOfCareFeature
{
    /// <summary>
    /// Duty of care: exposure tracking (expert-loop observer, "I used this" hook, topic-change observer), the private break
    /// prompt and its buttons, and <see cref="ITeamLoad"/> (replacing <see cref="NoTeamLoad"/>).
    /// </summary>
    /// <remarks>Needs storage, the outbox and a <see cref="TimeProvider"/>; reads <see cref="ICrisisState"/> (default: never in crisis).</remarks>
    public static IServiceCollection AddDutyOfCareFeature(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddSingleton<ICrisisState, NoActiveCrisis>();
        services.AddSingleton<CareTracker>();
        services.AddSingleton<CareExpertObserver>();
        services.AddSingleton<IExpertLoopObserver>(sp => sp.GetRequiredService<CareExpertObserver>());
        services.AddSingleton<IAnswerUsageObserver>(sp => sp.GetRequiredService<CareExpertObserver>());
        services.AddSingleton<ITopicChangeObserver, CareTopicObserver>();
        services.AddSingleton<CareHandlers>();
        services.AddSingleton<IBotRoutes, CareRoutes>();
        services.Replace(ServiceDescriptor.Singleton<ITeamLoad, CareTeamLoad>());
        services.AddDutyOfCareExport(configuration);
        return services;
    }

    /// <summary>Only the duty-of-care part of the crisis export (the CLI uses it without the rest of the feature).</summary>
    public static IServiceCollection AddDutyOfCareExport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DutyOfCareOptions>()
            .Bind(configuration.GetSection(DutyOfCareOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<Crisis.Export.IExportSection, CareExportSection>());
        return services;
    }
}
