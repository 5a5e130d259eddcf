using CrisisBot.Features.Crisis.Export;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Graph;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisBot.Features.Crisis;

public static class CrisisFeature
{
    /// <summary>
    /// Crisis mode: declare/propose/confirm, roles, decisions, cadence reminders, stand-down; <see cref="ICrisisState"/> (replacing
    /// the <see cref="NoActiveCrisis"/> default) and Microsoft Graph (<c>Graph:*</c>).
    /// </summary>
    /// <remarks>Needs <c>AddStorage</c>, <c>AddOutbox</c>, <c>AddChannelsFeature</c> and a <see cref="TimeProvider"/>; adds <c>AddScheduling</c>.</remarks>
    public static IServiceCollection AddCrisisFeature(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<CrisisOptions>()
            .Bind(configuration.GetSection(CrisisOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddProductsOptions(configuration);
        services.AddTeamsGraph(configuration);
        services.AddScheduling();

        services.TryAddSingleton<ICrisisActivitySource, NoCrisisActivityData>();
        services.TryAddSingleton<DutyOfCare.ITeamLoad, DutyOfCare.NoTeamLoad>();
        services.AddSingleton<CrisisCatalog>();
        services.AddSingleton<CrisisState>();
        services.RemoveAll<ICrisisState>();
        services.AddSingleton<ICrisisState>(sp => sp.GetRequiredService<CrisisState>());
        services.AddSingleton<CrisisPolicy>();
        services.AddSingleton<CrisisCards>();
        services.AddSingleton<CrisisService>();
        services.AddSingleton<CrisisCommands>();
        services.AddSingleton<ITimerHandler, CrisisCadenceHandler>();
        services.AddSingleton<IBotRoutes, CrisisRoutes>();
        services.AddCrisisExport();
        services.AddSingleton<IBotRoutes, ExportBotCommand>();
        return services;
    }
}
