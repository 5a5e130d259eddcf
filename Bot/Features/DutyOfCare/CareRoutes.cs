using CrisisBot.Cards.Actions;
using CrisisBot.Protocol.Routing;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.DutyOfCare;

/// <summary>Registers the break prompt's card verbs.</summary>
internal sealed class CareRoutes(CareHandlers handlers) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .OnCardAction(CardVerbs.DutyTakeBreak, handlers.TakeBreakAsync)
            .OnCardAction(CardVerbs.DutyRequestSupport, handlers.RequestSupportAsync)
            .OnCardAction(CardVerbs.DutyDismiss, handlers.DismissAsync);
    }
}
