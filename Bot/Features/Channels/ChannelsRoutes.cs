using CrisisBot.Cards.Actions;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.Channels;

/// <summary>Registers the Channels feature with the router.</summary>
internal sealed class ChannelsRoutes(InstallTracker installs, ChannelLinkCommands links, InfoCommands info) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .OnActivity(ActivityTypes.InstallationUpdate, installs.OnInstallationUpdateAsync)
            .OnActivity(ActivityTypes.ConversationUpdate, installs.OnConversationUpdateAsync)
            .OnCommand("help", info.HelpAsync)
            .OnCommand("status", info.StatusAsync)
            .OnCommand("links", links.LinksAsync)
            .OnCommand("link", links.LinkAsync)
            .OnCommand("unlink", links.UnlinkAsync)
            .OnUnknownCommand(info.UnknownAsync)
            .OnCardAction(CardVerbs.HelpRefresh, info.RefreshHelpAsync)
            .OnCardAction(CardVerbs.StatusRefresh, info.RefreshStatusAsync)
            .OnCardAction(CardVerbs.LinksRefresh, links.RefreshLinksAsync);
    }
}
