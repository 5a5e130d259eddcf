using CrisisBot.Cards.Actions;
using CrisisBot.Features.Channels;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using static CrisisBot.Tests.Features.Channels.ChannelActivities;
using CrisisBot.Tests.Infrastructure.Storage;

namespace CrisisBot.Tests.Features.Channels;

public class InstallTrackerTests : StorageProviderTests
{
    private ChannelsTestHost _host = null!;

    protected override async Task StartAsync()
    {
        _host = await ChannelsTestHost.StartWithAsync(Postgres);
        _host.Connector.TeamChannels.AddRange(
        [
            new TeamChannel(TeamId, null, "standard"),
            new TeamChannel(AlertsChannelId, "Alerts", "standard"),
        ]);
    }

    protected override async Task StopAsync() => await _host.DisposeAsync();

    private Task InstallAsync(Activity activity) =>
        _host.Routes().Activities[activity.Type!](_host.Turn(activity), CancellationToken.None);

    [StorageFact]
    public async Task OnInstallationUpdate_PersonalAddRepeated_OneReferenceAndOneWelcome()
    {
        // The Playground sends installationUpdate + conversationUpdate on every page load.
        for (var load = 0; load < 3; load++)
        {
            await InstallAsync(PersonalInstall());
            await InstallAsync(PersonalBotAdded());
            _host.Time.Advance(TimeSpan.FromMinutes(1));
        }

        var counts = await _host.Store.CountAsync();
        Assert.Equal(1, counts.PersonalChats);
        var reference = await _host.Store.FindAsync(PersonalChatId);
        Assert.NotNull(reference);
        Assert.True(reference.IsActive);
        Assert.Equal(ConversationKinds.Personal, reference.Kind);
        Assert.Equal(ServiceUrl, reference.ServiceUrl);
        Assert.Equal(TenantId, reference.TenantId);
        Assert.Equal(AliceId, reference.UserId);
        Assert.Equal(AliceAad, reference.UserAadObjectId);
        Assert.Equal(BotId, reference.BotId);
        Assert.True(reference.LastSeen > reference.FirstSeen);

        var welcome = _host.Replies.Single();
        Assert.Contains("help", CardText.Of(welcome), StringComparison.Ordinal);
        Assert.Contains(CardVerbs.HelpRefresh, CardText.Verbs(CardText.Card(welcome)));
    }

    [StorageFact]
    public async Task OnInstallationUpdate_ConcurrentInstallPair_OneRowOneWelcome()
    {
        await Task.WhenAll(Enumerable.Range(0, 4).Select(i => InstallAsync(i % 2 == 0 ? PersonalInstall() : PersonalBotAdded())));

        Assert.Equal(1, (await _host.Store.CountAsync()).PersonalChats);
        Assert.Single(_host.Replies.Replies);
    }

    [StorageFact]
    public async Task Upsert_ConcurrentSameConversation_OneCreatedOthersMerged_InsertNeverHitsTheUniqueKey()
    {
        var snapshot = new ConversationSnapshot("a:race", ConversationKinds.Personal, ServiceUrl, TenantId, UserId: AliceId);
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => _host.Store.UpsertAsync(snapshot)));
        Assert.Equal(1, outcomes.Count(o => o == UpsertOutcome.Created));
        Assert.All(outcomes.Where(o => o != UpsertOutcome.Created), o => Assert.Equal(UpsertOutcome.Updated, o));

        // The losing side of the race: the row is there, the insert reports false instead of throwing.
        var factory = _host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<CrisisBot.Infrastructure.Storage.CrisisDbContext>>();
        await using (var db = await factory.CreateDbContextAsync())
        {
            var again = ConversationReference.Create(snapshot with { UserId = "29:someone-else" }, _host.Time.GetUtcNow());
            Assert.False(await ChannelStore.InsertIfAbsentAsync(db, again, CancellationToken.None));
            var fresh = ConversationReference.Create(snapshot with { ConversationId = "a:fresh", TeamName = "T" }, _host.Time.GetUtcNow());
            Assert.True(await ChannelStore.InsertIfAbsentAsync(db, fresh, CancellationToken.None));
        }

        var stored = await _host.Store.FindAsync("a:race");
        Assert.Equal(AliceId, stored!.UserId);
        var inserted = await _host.Store.FindAsync("a:fresh");
        Assert.NotNull(inserted);
        Assert.True(inserted.IsActive);
        Assert.Equal("T", inserted.TeamName);
        Assert.Equal(_host.Time.GetUtcNow(), inserted.FirstSeen);
        Assert.Null(inserted.WelcomedAt);
    }

    [StorageFact]
    public async Task OnInstallationUpdate_Remove_MarksInactiveAndReinstallWelcomesAgain()
    {
        await InstallAsync(PersonalInstall());
        await InstallAsync(PersonalInstall("remove"));

        var removed = await _host.Store.FindAsync(PersonalChatId);
        Assert.NotNull(removed);
        Assert.False(removed.IsActive);
        Assert.NotNull(removed.DeactivatedAt);
        Assert.Equal(0, (await _host.Store.CountAsync()).PersonalChats);

        await InstallAsync(PersonalInstall("add-upgrade"));
        Assert.True((await _host.Store.FindAsync(PersonalChatId))!.IsActive);
        Assert.Equal(2, _host.Replies.Replies.Count);
    }

    [StorageTheory]
    [InlineData("remove-upgrade")]
    [InlineData("REMOVE")]
    public async Task OnInstallationUpdate_RemoveVariants_MarkInactive(string action)
    {
        await InstallAsync(PersonalInstall());
        await InstallAsync(PersonalInstall(action));
        Assert.False((await _host.Store.FindAsync(PersonalChatId))!.IsActive);
    }

    [StorageFact]
    public async Task OnInstallationUpdate_UnknownAction_ChangesNothing()
    {
        await InstallAsync(PersonalInstall("frobnicate"));
        Assert.Null(await _host.Store.FindAsync(PersonalChatId));
        Assert.Empty(_host.Replies.Replies);
    }

    [StorageFact]
    public async Task OnInstallationUpdate_GroupChat_StoredWithoutWelcome()
    {
        await InstallAsync(GroupChatInstall());

        var reference = await _host.Store.FindAsync(GroupChatId);
        Assert.NotNull(reference);
        Assert.Equal(ConversationKinds.GroupChat, reference.Kind);
        Assert.Equal("Ops Group", reference.ConversationName);
        Assert.Null(reference.UserId);
        Assert.Empty(_host.Replies.Replies);
    }

    [StorageFact]
    public async Task OnInstallationUpdate_TeamAddTwice_EveryChannelOnceWithGeneralNamed()
    {
        await InstallAsync(TeamInstall());
        await InstallAsync(TeamInstall());

        var channels = await _host.Store.ListTeamAsync(TeamId);
        Assert.Equal(2, channels.Count);
        var general = Assert.Single(channels, c => c.ConversationId == TeamId);
        Assert.Equal("General", general.ChannelName);
        var alerts = Assert.Single(channels, c => c.ConversationId == AlertsChannelId);
        Assert.Equal("Alerts", alerts.ChannelName);
        Assert.All(channels, c =>
        {
            Assert.Equal(ConversationKinds.Channel, c.Kind);
            Assert.Equal(TeamAadGroupId, c.TeamAadGroupId);
            Assert.Equal("Ops Team", c.TeamName);
            Assert.Equal(TenantId, c.TenantId);
            Assert.True(c.IsActive);
        });
        Assert.Equal(2, _host.Connector.Calls.Count(c => c.Operation == "channels" && c.ConversationId == TeamId));
        Assert.Empty(_host.Replies.Replies);
        var counts = await _host.Store.CountAsync();
        Assert.Equal((1, 2), (counts.Teams, counts.Channels));
    }

    [StorageFact]
    public async Task OnInstallationUpdate_TeamWithoutAadGroupId_TakesItFromTeamDetails()
    {
        _host.Connector.Team = new TeamDetails(TeamId, "Ops Team", "cccccccc-0000-0000-0000-000000000099", TenantId, "standard", 2, 6);

        await InstallAsync(TeamInstall(withAadGroupId: false));

        var general = await _host.Store.FindAsync(TeamId);
        Assert.Equal("cccccccc-0000-0000-0000-000000000099", general!.TeamAadGroupId);
    }

    [StorageFact]
    public async Task OnInstallationUpdate_TeamLookupsFail_StillStoresWhatTheActivitySays()
    {
        _host.Members.FailTeamLookups = true;

        await InstallAsync(TeamInstall(withAadGroupId: false));

        var general = Assert.Single(await _host.Store.ListTeamAsync(TeamId));
        Assert.Equal("General", general.ChannelName);
        Assert.Null(general.TeamAadGroupId);
    }

    [StorageFact]
    public async Task OnInstallationUpdate_TeamRemove_MarksEveryChannelInactive()
    {
        await InstallAsync(TeamInstall());
        await InstallAsync(TeamInstall("remove"));

        Assert.All(await _host.Store.ListTeamAsync(TeamId), c => Assert.False(c.IsActive));
        Assert.Equal(0, (await _host.Store.CountAsync()).Channels);
    }

    [StorageFact]
    public async Task OnConversationUpdate_BotAddedToTeam_SyncsChannels()
    {
        await InstallAsync(TeamEvent("teamMemberAdded", membersAdded: [BotId]));

        Assert.Equal(2, (await _host.Store.ListTeamAsync(TeamId)).Count);
    }

    [StorageFact]
    public async Task OnConversationUpdate_UserAddedToTeam_ChangesNothing()
    {
        await InstallAsync(TeamEvent("teamMemberAdded", membersAdded: [BobId]));

        Assert.Empty(await _host.Store.ListTeamAsync(TeamId));
        Assert.Empty(_host.Connector.Calls);
    }

    [StorageFact]
    public async Task OnConversationUpdate_BotRemovedFromTeam_MarksInactive()
    {
        await InstallAsync(TeamInstall());
        await InstallAsync(TeamEvent("teamMemberRemoved", membersRemoved: [BotId]));

        Assert.All(await _host.Store.ListTeamAsync(TeamId), c => Assert.False(c.IsActive));
    }

    [StorageFact]
    public async Task OnConversationUpdate_ChannelRenamed_UpdatesNameOfReferenceAndBinding()
    {
        await InstallAsync(TeamInstall());
        await _host.Store.LinkAsync(new ChannelBindingKey(ChannelRole.Agents, ""),
            new ChannelTarget(AlertsChannelId, "Alerts", TeamId, "Ops Team", ServiceUrl, TenantId), new ChannelActor(AliceAad, "Alice"));

        await InstallAsync(TeamEvent("channelRenamed", AlertsChannelId, "Crisis Alerts"));

        Assert.Equal("Crisis Alerts", (await _host.Store.FindAsync(AlertsChannelId))!.ChannelName);
        Assert.Equal("Crisis Alerts", Assert.Single(await _host.Store.GetBindingsAsync()).ChannelName);
        Assert.Equal(2, (await _host.Store.ListTeamAsync(TeamId)).Count);
    }

    [StorageFact]
    public async Task OnConversationUpdate_ChannelCreatedThenDeleted_AddsThenDeactivates()
    {
        await InstallAsync(TeamInstall());

        await InstallAsync(TeamEvent("channelCreated", OpsChannelId, "Ops"));
        var created = await _host.Store.FindAsync(OpsChannelId);
        Assert.NotNull(created);
        Assert.Equal(("Ops", TeamId, "Ops Team", true), (created.ChannelName, created.TeamId, created.TeamName, created.IsActive));

        await InstallAsync(TeamEvent("channelDeleted", OpsChannelId, "Ops"));
        Assert.False((await _host.Store.FindAsync(OpsChannelId))!.IsActive);
        Assert.True((await _host.Store.FindAsync(AlertsChannelId))!.IsActive);
    }

    [StorageFact]
    public async Task OnConversationUpdate_TeamRenamed_RenamesEveryChannel()
    {
        await InstallAsync(TeamInstall());

        await InstallAsync(TeamEvent("teamRenamed", teamName: "Crisis Team"));

        Assert.All(await _host.Store.ListTeamAsync(TeamId), c => Assert.Equal("Crisis Team", c.TeamName));
    }

    [StorageFact]
    public async Task OnConversationUpdate_TeamDeleted_MarksEveryChannelInactive()
    {
        await InstallAsync(TeamInstall());

        await InstallAsync(TeamEvent("teamDeleted"));

        Assert.All(await _host.Store.ListTeamAsync(TeamId), c => Assert.False(c.IsActive));
    }

    [StorageFact]
    public async Task OnConversationUpdate_PersonalBotRemoved_MarksInactive()
    {
        await InstallAsync(PersonalBotAdded());
        var removal = PersonalBotAdded();
        removal.MembersAdded = null;
        removal.MembersRemoved = [new ChannelAccount { Id = BotId }];

        await InstallAsync(removal);

        Assert.False((await _host.Store.FindAsync(PersonalChatId))!.IsActive);
    }
}

/// <summary>Every InstallTrackerTests test again on its own PostgreSQL database.</summary>
[PostgresTests]
public sealed class InstallTrackerPostgresTests : InstallTrackerTests
{
    protected override bool OnPostgres => true;
}
