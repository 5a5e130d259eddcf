using CrisisBot.Cards.Actions;
using CrisisBot.Features.Channels;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;
using static CrisisBot.Tests.Features.Channels.ChannelActivities;

namespace CrisisBot.Tests.Features.Channels;

public sealed class InfoCommandsTests : IAsyncLifetime
{
    private ChannelsTestHost _host = null!;
    private RouteTable _routes = null!;

    public async Task InitializeAsync()
    {
        _host = await ChannelsTestHost.StartAsync();
        _host.Connector.TeamChannels.AddRange([new TeamChannel(TeamId, null, "standard"), new TeamChannel(AlertsChannelId, "Alerts", "standard")]);
        _routes = _host.Routes();
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Help_PersonalChat_RepliesWithHelpCardListingEveryCommand()
    {
        await _routes.RunCommandAsync(_host.Turn(PersonalMessage("help")), "help");

        var reply = _host.Replies.Single();
        var text = CardText.Of(reply);
        foreach (var command in new[] { "help", "status", "links", "link agents", "unlink agents" })
        {
            Assert.Contains(command, text, StringComparison.Ordinal);
        }

        Assert.Equal([CardVerbs.HelpRefresh], CardText.Verbs(CardText.Card(reply)));
    }

    [Fact]
    public async Task UnknownCommand_RepliesWithHelpCardNamingTheCommand()
    {
        await _routes.RunCommandAsync(_host.Turn(PersonalMessage("frobnicate now")), "frobnicate now");

        var reply = _host.Replies.Single();
        Assert.Equal("I don't know the command 'frobnicate'. Here is what I can do:", reply.Text);
        Assert.Equal("plain", reply.TextFormat);
        Assert.Contains("CrisisBot commands", CardText.Of(reply), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_AfterInstalls_ShowsVersionStorageCountsAndMode()
    {
        var install = _host.Routes().Activities;
        await install[ActivityTypes.InstallationUpdate](_host.Turn(PersonalInstall()), CancellationToken.None);
        await install[ActivityTypes.InstallationUpdate](_host.Turn(TeamInstall()), CancellationToken.None);
        await install[ActivityTypes.InstallationUpdate](_host.Turn(GroupChatInstall()), CancellationToken.None);
        await _host.Store.LinkAsync(new ChannelBindingKey(ChannelRole.Agents, ""),
            new ChannelTarget(AlertsChannelId, "Alerts", TeamId, "Ops Team", ServiceUrl, TenantId), new ChannelActor(AliceAad, "Alice"));
        while (_host.Replies.Replies.TryDequeue(out _))
        {
        }

        await _routes.RunCommandAsync(_host.Turn(ChannelMessage("status", BobId, BobAad)), "status");

        var reply = _host.Replies.Single();
        var facts = Facts(CardText.Card(reply));
        Assert.Equal("SQLite · reachable", facts["Storage"]);
        Assert.Equal("1", facts["Teams"]);
        Assert.Equal("2", facts["Channels"]);
        Assert.Equal("1", facts["Personal chats"]);
        Assert.Equal("1", facts["Channel links"]);
        Assert.StartsWith("Local", facts["Mode"], StringComparison.Ordinal);
        Assert.Contains($"Version {StatusService.Version}", CardText.Of(reply), StringComparison.Ordinal);
        Assert.Equal([CardVerbs.StatusRefresh], CardText.Verbs(CardText.Card(reply)).Distinct());

        var counts = await _host.Store.CountAsync();
        Assert.Equal(new InstallCounts(PersonalChats: 1, GroupChats: 1, Teams: 1, Channels: 2, Bindings: 1), counts);
    }

    [Fact]
    public void Version_IsTheAssemblyInformationalVersion()
    {
        var informational = typeof(StatusService).Assembly
            .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
            .Cast<System.Reflection.AssemblyInformationalVersionAttribute>().Single().InformationalVersion;
        Assert.StartsWith(StatusService.Version, informational, StringComparison.Ordinal);
        Assert.False(string.IsNullOrWhiteSpace(StatusService.Version));
    }

    [Theory]
    [InlineData(CardVerbs.HelpRefresh, "CrisisBot commands")]
    [InlineData(CardVerbs.StatusRefresh, "CrisisBot status")]
    [InlineData(CardVerbs.LinksRefresh, "Channel links")]
    public async Task RefreshVerbs_ReturnUpdatedCard(string verb, string title)
    {
        var action = new CardAction(verb, default, IsSubmitFallback: false);

        var response = await _routes.Verbs[verb](_host.Turn(PersonalMessage("")), action, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(ContentTypes.AdaptiveCard, response.Type);
        Assert.Equal("AdaptiveCard", response.Value.GetProperty("type").GetString());
        Assert.Contains(title, CardText.Of(response.Value), StringComparison.Ordinal);
        Assert.Contains(verb, CardText.Verbs(response.Value));
    }

    [Fact]
    public void Register_AddsEveryRouteOfTheFeature()
    {
        Assert.Equal(["conversationUpdate", "installationUpdate"], _routes.Activities.Keys.Order());
        Assert.Equal(["help", "link", "links", "status", "unlink"], _routes.Commands.Keys.Order());
        Assert.Equal([CardVerbs.HelpRefresh, CardVerbs.LinksRefresh, CardVerbs.StatusRefresh], _routes.Verbs.Keys.Order());
        Assert.NotNull(_routes.Unknown);
    }

    private static Dictionary<string, string> Facts(System.Text.Json.JsonElement card)
    {
        var facts = new Dictionary<string, string>();
        foreach (var element in card.GetProperty("body").EnumerateArray())
        {
            if (element.GetProperty("type").GetString() == "FactSet")
            {
                foreach (var fact in element.GetProperty("facts").EnumerateArray())
                {
                    facts[fact.GetProperty("title").GetString()!] = fact.GetProperty("value").GetString()!;
                }
            }
        }

        return facts;
    }
}
