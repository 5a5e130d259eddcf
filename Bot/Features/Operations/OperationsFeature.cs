using CrisisBot.Protocol.Routing;

namespace CrisisBot.Features.Operations;

public static class OperationsFeature
{
    /// <summary>The admin <c>outbox</c> command.</summary>
    /// <remarks>Needs <c>AddOutbox</c> and <c>AddChannelsFeature</c> (its admin policy and cards).</remarks>
    public static IServiceCollection AddOperationsFeature(this IServiceCollection services)
    {
        services.AddSingleton<OutboxCommands>();
        services.AddSingleton<IBotRoutes, OperationsRoutes>();
        return services;
    }
}
