using CrisisBot.Cards.Actions;
using CrisisBot.Protocol.Routing;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>
/// The hot-topic card verbs this feature owns. <c>topic.askExpert</c> and <c>topic.proposeCrisis</c> are on the card too,
/// but belong to the expert-loop and crisis features.
/// </summary>
internal sealed class TopicCardsRoutes(TopicCardCommands commands) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .OnCardAction(CardVerbs.TopicRefresh, commands.RefreshAsync)
            .OnCardAction(CardVerbs.TopicMute, commands.MuteAsync)
            .OnCardAction(CardVerbs.TopicResolve, commands.ResolveAsync);
    }
}
