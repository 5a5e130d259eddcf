using CrisisBot.Protocol.Routing;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.Operations;

/// <summary>Registers the operations commands with the router.</summary>
internal sealed class OperationsRoutes(OutboxCommands outbox) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.OnCommand("outbox", outbox.OutboxAsync);
    }
}
