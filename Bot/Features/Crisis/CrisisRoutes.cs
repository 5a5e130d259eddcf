using CrisisBot.Cards.Actions;
using CrisisBot.Protocol.Routing;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.Crisis;

/// <summary>Registers the crisis commands and card verbs with the router.</summary>
internal sealed class CrisisRoutes(CrisisCommands commands) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .OnCommand("declare", commands.DeclareAsync)
            .OnCommand("crisis", commands.CrisisAsync)
            .OnCommand("decide", commands.DecideAsync)
            .OnCommand("decisions", commands.DecisionsAsync)
            .OnCommand("stand", commands.StandAsync)
            .OnCardAction(CardVerbs.TopicProposeCrisis, commands.ProposeAsync)
            .OnCardAction(CardVerbs.CrisisConfirmProposal, commands.ConfirmProposalAsync)
            .OnCardAction(CardVerbs.CrisisDeclineProposal, commands.DeclineProposalAsync)
            .OnCardAction(CardVerbs.CrisisRefresh, commands.RefreshAsync)
            .OnCardAction(CardVerbs.CrisisStandDown, commands.StandDownAsync)
            .OnCardAction(CardVerbs.CrisisSubmitStatusUpdate, commands.SubmitStatusUpdateAsync)
            .OnCardAction(CardVerbs.DecisionResolve, commands.ResolveDecisionAsync)
            .OnCardAction(CardVerbs.DecisionsRefresh, commands.RefreshDecisionsAsync);
    }
}
