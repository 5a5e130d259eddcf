using CrisisBot.Infrastructure.Startup;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisBot.Infrastructure.Scheduling;

public static class SchedulingServiceCollectionExtensions
{
    /// <summary>
    /// Durable timers (<see cref="IDurableTimers"/>) and the scheduler worker that fires them and runs every registered
    /// <see cref="IRecurringJob"/>. Register handlers with <c>services.AddSingleton&lt;ITimerHandler, X&gt;()</c> and jobs with
    /// <c>services.AddSingleton&lt;IRecurringJob, Y&gt;()</c>. Needs <c>AddStorage</c>. Options: the <c>Scheduling</c> section
    /// of the registered <see cref="IConfiguration"/> (defaults without one). Calling it twice is harmless.
    /// </summary>
    public static IServiceCollection AddScheduling(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        if (services.Any(d => d.ServiceType == typeof(SchedulerWorker)))
        {
            return services;
        }

        services.AddOptions<SchedulerOptions>()
            .Configure<IServiceProvider>((options, sp) => sp.GetService<IConfiguration>()?.GetSection(SchedulerOptions.SectionName).Bind(options))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<SchedulerSignal>();
        services.TryAddSingleton<DurableTimers>();
        services.TryAddSingleton<IDurableTimers>(sp => sp.GetRequiredService<DurableTimers>());
        services.TryAddSingleton<SchedulerWorker>();
        services.AddBackgroundWorker(sp => sp.GetRequiredService<SchedulerWorker>());
        return services;
    }
}
