using System.Text.Json;
using CrisisBot.Features.Channels;
using CrisisBot.Protocol;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;

namespace CrisisBot.Tests.Features.Channels;

/// <summary>The install handlers against the captured-style Teams payloads in TestData/Activities.</summary>
public sealed class CapturedPayloadTests : IAsyncLifetime
{
    private const string TeamId = "19:team-general@thread.tacv2";
    private const string CareChannelId = "19:channel-care@thread.tacv2";
    private ChannelsTestHost _host = null!;

    public async Task InitializeAsync()
    {
        _host = await ChannelsTestHost.StartAsync();
        _host.Connector.TeamChannels.AddRange([new TeamChannel(TeamId, null, "standard"), new TeamChannel(CareChannelId, "Care", "standard")]);
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    private static Activity Load(string name) =>
        JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "TestData", "Activities", name)), ProtocolJsonContext.Default.Activity)!;

    private Task RunAsync(Activity activity) => _host.Routes().Activities[activity.Type!](_host.Turn(activity), CancellationToken.None);

    [Fact]
    public async Task TeamInstallThenChannelCreatedThenRemove_TracksTheTeam()
    {
        await RunAsync(Load("installation-update-add.json"));

        var channels = await _host.Store.ListTeamAsync(TeamId);
        Assert.Equal([CareChannelId, TeamId], channels.Select(c => c.ConversationId));
        Assert.All(channels, c =>
        {
            Assert.Equal("https://smba.trafficmanager.net/emea/0b1c2d3e-4f50-4a61-b723-c4d5e6f7a8b9/", c.ServiceUrl);
            Assert.Equal("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", c.TeamAadGroupId);
            Assert.Equal("Customer Care", c.TeamName);
            Assert.Equal("0b1c2d3e-4f50-4a61-b723-c4d5e6f7a8b9", c.TenantId);
        });

        await RunAsync(Load("conversation-update-channel-created.json"));
        var leadership = await _host.Store.FindAsync("19:new-leadership@thread.tacv2");
        Assert.Equal(("Leadership", ConversationKinds.Channel, TeamId), (leadership!.ChannelName, leadership.Kind, leadership.TeamId));

        await RunAsync(Load("installation-update-remove.json"));
        Assert.All(await _host.Store.ListTeamAsync(TeamId), c => Assert.False(c.IsActive));
        Assert.Empty(_host.Replies.Replies);
    }

    [Fact]
    public async Task TeamMemberAdded_BotAdded_SyncsChannels()
    {
        await RunAsync(Load("conversation-update-team-member-added.json"));

        Assert.Equal(2, (await _host.Store.ListTeamAsync(TeamId)).Count(c => c.IsActive));
    }
}
