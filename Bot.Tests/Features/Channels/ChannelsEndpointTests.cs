using System.Net;
using System.Text.Json;
using CrisisBot.Cards.Actions;
using CrisisBot.Features.Channels;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static CrisisBot.Tests.Features.Channels.ChannelActivities;

namespace CrisisBot.Tests.Features.Channels;

/// <summary>The Channels feature through POST /api/messages in local mode (Playground-shaped activities, no token).</summary>
public sealed class ChannelsEndpointTests : IDisposable
{
    private readonly CrisisBotFactory _factory = CrisisBotFactory.LocalMode().WithSetting("Bot:Admins:0", AliceAad);

    public ChannelsEndpointTests()
    {
        _factory.Connector.TeamChannels.AddRange([new TeamChannel(TeamId, null, "standard"), new TeamChannel(AlertsChannelId, "Alerts", "standard")]);
        _factory.Connector.Team = new TeamDetails(TeamId, "Ops Team", TeamAadGroupId, TenantId, "standard", 2, 6);
    }

    public void Dispose() => _factory.Dispose();

    private ChannelStore Store => _factory.Services.GetRequiredService<ChannelStore>();

    private async Task PostAsync(Activity activity)
    {
        using var response = await _factory.PostActivityAsync(activity);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/messages answered {(int)response.StatusCode}");
        await _factory.WaitForQueuedTurnsAsync();
    }

    private static Activity Message(Activity activity, string text)
    {
        activity.Text = text;
        activity.Entities = [new Entity { Type = "mention", Text = "<at>CrisisBot</at>", Mentioned = new ChannelAccount { Id = BotId, Name = "CrisisBot" } }];
        return activity;
    }

    [Fact]
    public async Task PageReloads_InstallPairRepeated_OneReferenceOneWelcome()
    {
        for (var load = 0; load < 3; load++)
        {
            await PostAsync(PersonalInstall());
            await PostAsync(PersonalBotAdded());
        }

        Assert.Equal(1, (await Store.CountAsync()).PersonalChats);
        var welcome = Assert.Single(_factory.Connector.Sent);
        Assert.Equal((ServiceUrl, PersonalChatId), (welcome.ServiceUrl, welcome.ConversationId));
        Assert.Contains("CrisisBot commands", CardText.Of(welcome.Activity!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PersonalHelp_RepliesWithHelpCard()
    {
        await PostAsync(PersonalMessage("help"));

        var sent = Assert.Single(_factory.Connector.Sent);
        Assert.Equal(PersonalChatId, sent.ConversationId);
        Assert.Contains(CardVerbs.HelpRefresh, CardText.Verbs(CardText.Card(sent.Activity!)));
    }

    [Fact]
    public async Task ChannelMentionLinkByAdmin_RepliesInThreadAndPostsInChannel()
    {
        await PostAsync(TeamInstall());

        await PostAsync(Message(ChannelMessage("", AliceId, AliceAad), "<at>CrisisBot</at> link agents"));

        var binding = Assert.Single(await Store.GetBindingsAsync());
        Assert.Equal((ChannelRole.Agents, AlertsChannelId, "Alerts"), (binding.Role, binding.ChannelId, binding.ChannelName));
        var create = Assert.Single(_factory.Connector.Calls, c => c.Operation == "create");
        Assert.Equal(AlertsChannelId, create.ConversationId);
        var reply = Assert.Single(_factory.Connector.Sent, c => c.Operation == "send");
        Assert.Equal($"{AlertsChannelId};messageid=1795384604119", reply.ConversationId);
        Assert.Contains("Channel linked", CardText.Of(reply.Activity!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChannelMentionLinkByNonAdmin_NotAllowedCardAndNothingStored()
    {
        await PostAsync(Message(ChannelMessage("", BobId, BobAad), "<at>CrisisBot</at> link agents"));

        Assert.Empty(await Store.GetBindingsAsync());
        Assert.DoesNotContain(_factory.Connector.Calls, c => c.Operation == "create");
        Assert.Contains("Not allowed", CardText.Of(Assert.Single(_factory.Connector.Sent).Activity!), StringComparison.Ordinal);
    }

    [Fact]
    public async Task StatusRefreshInvoke_ReturnsStatusCard()
    {
        await PostAsync(PersonalInstall());
        var invoke = PersonalMessage("");
        invoke.Type = ActivityTypes.Invoke;
        invoke.Name = InvokeNames.AdaptiveCardAction;
        invoke.Text = null;
        invoke.ReplyToId = "1795384467643";
        invoke.Value = JsonSerializer.SerializeToElement(new Dictionary<string, object>
        {
            ["action"] = new Dictionary<string, object> { ["type"] = "Action.Execute", ["verb"] = CardVerbs.StatusRefresh, ["data"] = new Dictionary<string, object>() },
            ["trigger"] = "manual",
        });

        var response = await _factory.InvokeAsync(invoke);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(ContentTypes.AdaptiveCard, response.Type);
        var text = CardText.Of(response.Value);
        Assert.Contains("CrisisBot status", text, StringComparison.Ordinal);
        Assert.Contains("SQLite · reachable", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Healthz_NoAuth_200Healthy()
    {
        using var client = _factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"status":"healthy","storage":"sqlite"}""", await response.Content.ReadAsStringAsync());
        Assert.True(File.Exists(Path.Combine(_factory.DataDirectory, "crisisbot.db")));
    }
}
