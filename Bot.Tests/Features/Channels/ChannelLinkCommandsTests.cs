using CrisisBot.Cards.Actions;
using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Tests.Infrastructure;
using static CrisisBot.Tests.Features.Channels.ChannelActivities;
using CrisisBot.Tests.Infrastructure.Storage;

namespace CrisisBot.Tests.Features.Channels;

public class ChannelLinkCommandsTests : StorageProviderTests
{
    private ChannelsTestHost _host = null!;
    private RouteTable _routes = null!;

    protected override async Task StartAsync()
    {
        // Admins: Alice by object id (upper-case in config), Carol by UPN.
        _host = await ChannelsTestHost.StartWithAsync(Postgres, AliceAad.ToUpperInvariant(), ChannelsTestHost.AdminUpn);
        _host.Connector.TeamChannels.AddRange(
        [
            new TeamChannel(TeamId, null, "standard"),
            new TeamChannel(AlertsChannelId, "Alerts", "standard"),
            new TeamChannel(OpsChannelId, "Ops", "standard"),
        ]);
        _host.Connector.Team = new TeamDetails(TeamId, "Ops Team", TeamAadGroupId, TenantId, "standard", 3, 6);
        _routes = _host.Routes();
    }

    protected override async Task StopAsync() => await _host.DisposeAsync();

    private async Task RunAsync(Activity activity, string command)
    {
        await _routes.RunCommandAsync(_host.Turn(activity), command);
        await _host.DeliverOutboxAsync();
    }

    private IReadOnlyList<RecordedCall> Creates => [.. _host.Connector.Calls.Where(c => c.Operation == "create")];

    [StorageFact]
    public async Task Link_AdminInTeamChannel_StoresBindingRepliesAndAnnouncesInChannel()
    {
        await RunAsync(ChannelMessage("link approvers", AliceId, AliceAad), "link approvers");

        var binding = Assert.Single(await _host.Store.GetBindingsAsync());
        Assert.Equal(ChannelRole.Approvers, binding.Role);
        Assert.Equal("", binding.ProductKey);
        Assert.Equal(AlertsChannelId, binding.ChannelId);
        Assert.Equal("Alerts", binding.ChannelName);
        Assert.Equal(TeamId, binding.TeamId);
        Assert.Equal("Ops Team", binding.TeamName);
        Assert.Equal(ServiceUrl, binding.ServiceUrl);
        Assert.Equal(TenantId, binding.TenantId);
        Assert.Equal(AliceAad, binding.LinkedById);
        Assert.Equal(_host.Time.GetUtcNow(), binding.LinkedAt);

        var create = Assert.Single(Creates);
        Assert.Equal(ServiceUrl, create.ServiceUrl);
        Assert.Equal(AlertsChannelId, create.ConversationId);
        Assert.Equal("This channel now receives Approvers cards from CrisisBot.", create.Activity!.Summary);
        Assert.Contains("This channel now receives the **Approvers** cards.", CardText.Of(create.Activity), StringComparison.Ordinal);
        var post = Assert.Single(await _host.DeliverOutboxAsync());
        Assert.Equal((OutboxKind.ChannelPost, OutboxStatus.Sent), (post.Kind, post.Status));
        Assert.Equal(ChannelLinkCommands.AnnouncementCardId(binding.Key, AlertsChannelId), post.CardId);
        Assert.Equal($"{AlertsChannelId};messageid={post.ResultActivityId}", post.ResultConversationId);

        var (inbound, reply) = Assert.Single(_host.Replies.Replies);
        Assert.Equal($"{AlertsChannelId};messageid=1795384604119", inbound.Conversation!.Id);
        Assert.Contains("Channel linked", CardText.Of(reply), StringComparison.Ordinal);
        Assert.Contains("Ops Team › Alerts", CardText.Of(reply), StringComparison.Ordinal);

        var audit = Assert.Single(await _host.Store.GetAuditAsync());
        Assert.Equal(("channel.link", AliceAad, "approvers"), (audit.Action, audit.ActorId, audit.Subject));
        Assert.Contains(AlertsChannelId, audit.Details, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Link_AnnouncementPostForbidden_BindingKeptAndPostDeadLettered()
    {
        _host.Members.FailCreateConversation = true;

        await RunAsync(ChannelMessage("link agents", AliceId, AliceAad), "link agents");

        Assert.Single(await _host.Store.GetBindingsAsync());
        var post = Assert.Single(await _host.DeliverOutboxAsync());
        Assert.Equal(OutboxStatus.Dead, post.Status);
        Assert.StartsWith("403 Forbidden", post.LastError, StringComparison.Ordinal);
        var reply = _host.Replies.Single();
        Assert.Contains("Channel linked", CardText.Of(reply), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Link_NonAdmin_RefusedWithNotAllowedCardAndNothingStored()
    {
        await RunAsync(ChannelMessage("link agents", BobId, BobAad), "link agents");

        Assert.Empty(await _host.Store.GetBindingsAsync());
        Assert.Empty(await _host.Store.GetAuditAsync());
        Assert.Empty(Creates);
        Assert.Contains("Not allowed", CardText.Of(_host.Replies.Single()), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Unlink_NonAdmin_RefusedAndBindingKept()
    {
        await RunAsync(ChannelMessage("link agents", AliceId, AliceAad), "link agents");

        await RunAsync(ChannelMessage("unlink agents", BobId, BobAad), "unlink agents");

        Assert.Single(await _host.Store.GetBindingsAsync());
        Assert.Contains("Not allowed", CardText.Of(_host.Replies.Last()), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Link_AdminByUpn_AllowedAfterMemberLookup()
    {
        _host.Members.Members[CarolId] = new TeamsChannelAccount(CarolId, "Carol", CarolAad, CarolAad, "Carol", "C", "carol@contoso.test",
            "Carol@Contoso.test", "user", TenantId);

        await RunAsync(ChannelMessage("link leadership", CarolId, CarolAad), "link leadership");

        Assert.Equal(ChannelRole.Leadership, Assert.Single(await _host.Store.GetBindingsAsync()).Role);
        Assert.Equal($"{AlertsChannelId}|{CarolId}", Assert.Single(_host.Members.MemberLookups));
    }

    [StorageFact]
    public async Task Link_UpnOfSomeoneElse_Refused()
    {
        _host.Members.Members[BobId] = new TeamsChannelAccount(BobId, "Bob", BobAad, BobAad, "Bob", "B", "bob@contoso.test",
            "bob@contoso.test", "user", TenantId);

        await RunAsync(ChannelMessage("link leadership", BobId, BobAad), "link leadership");

        Assert.Empty(await _host.Store.GetBindingsAsync());
        Assert.Single(_host.Members.MemberLookups);
    }

    [StorageFact]
    public async Task Link_InPersonalChat_RefusedWithChannelHint()
    {
        await RunAsync(PersonalMessage("link agents"), "link agents");

        Assert.Empty(await _host.Store.GetBindingsAsync());
        var reply = _host.Replies.Single();
        Assert.Contains("only works in a team channel", reply.Text, StringComparison.Ordinal);
        Assert.Equal("plain", reply.TextFormat);
    }

    [StorageFact]
    public async Task Link_InGroupChat_Refused()
    {
        var activity = PersonalMessage("link agents");
        activity.Conversation = new ConversationAccount { Id = GroupChatId, ConversationType = "groupChat", IsGroup = true, TenantId = TenantId };

        await RunAsync(activity, "link agents");

        Assert.Empty(await _host.Store.GetBindingsAsync());
        Assert.Contains("only works in a team channel", _host.Replies.Single().Text, StringComparison.Ordinal);
    }

    [StorageTheory]
    [InlineData("link managers", "'managers' is not a channel role")]
    [InlineData("link", "Which role?")]
    [InlineData("link product", "needs a product key")]
    [InlineData("link agents phone", "takes no product key")]
    [InlineData("link product bad/key", "is not a valid product key")]
    public async Task Link_BadArguments_MessageListsValidForms(string command, string expected)
    {
        await RunAsync(ChannelMessage(command, AliceId, AliceAad), command);

        Assert.Empty(await _host.Store.GetBindingsAsync());
        var text = _host.Replies.Single().Text;
        Assert.Contains(expected, text, StringComparison.Ordinal);
        Assert.Contains("link agents | link leadership | link approvers | link crisis | link product <key>", text, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Link_AgainFromAnotherChannel_MovesBindingAndSaysSo()
    {
        await RunAsync(ChannelMessage("link crisis", AliceId, AliceAad, AlertsChannelId), "link crisis");
        _host.Time.Advance(TimeSpan.FromHours(1));

        await RunAsync(ChannelMessage("link crisis", AliceId, AliceAad, OpsChannelId), "link crisis");

        var binding = Assert.Single(await _host.Store.GetBindingsAsync());
        Assert.Equal((OpsChannelId, "Ops"), (binding.ChannelId, binding.ChannelName));
        Assert.Equal(_host.Time.GetUtcNow(), binding.LinkedAt);
        Assert.Contains("It replaces Ops Team › Alerts", CardText.Of(_host.Replies.Last()), StringComparison.Ordinal);
        Assert.Equal([AlertsChannelId, OpsChannelId], Creates.Select(c => c.ConversationId));
        var audit = await _host.Store.GetAuditAsync();
        Assert.Equal(["channel.relink", "channel.link"], audit.Select(a => a.Action));
        Assert.Contains($"previously channel Alerts ({AlertsChannelId})", audit[0].Details, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Link_SameChannelTwice_AlreadyLinkedWithoutSecondAnnouncement()
    {
        await RunAsync(ChannelMessage("link agents", AliceId, AliceAad), "link agents");
        await RunAsync(ChannelMessage("link AGENTS", AliceId, AliceAad), "link AGENTS");

        Assert.Single(await _host.Store.GetBindingsAsync());
        Assert.Single(Creates);
        Assert.Single(await _host.Store.GetAuditAsync());
        Assert.Contains("already receives the Agents cards; nothing changed", _host.Replies.Last().Text, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Link_ProductKeys_OneBindingPerKey()
    {
        await RunAsync(ChannelMessage("link product Contoso-Phone", AliceId, AliceAad, AlertsChannelId), "link product Contoso-Phone");
        await RunAsync(ChannelMessage("link product contoso-tv", AliceId, AliceAad, OpsChannelId), "link product contoso-tv");

        var bindings = await _host.Store.GetBindingsAsync();
        Assert.Equal([("contoso-phone", AlertsChannelId), ("contoso-tv", OpsChannelId)], bindings.Select(b => (b.ProductKey, b.ChannelId)));
        Assert.All(bindings, b => Assert.Equal(ChannelRole.Product, b.Role));
        Assert.Contains("Product experts · contoso-phone", CardText.Of(Creates[0].Activity!), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Link_ChannelUnknownBeforehand_SyncsTeamToLearnItsName()
    {
        await RunAsync(ChannelMessage("link agents", AliceId, AliceAad, OpsChannelId), "link agents");

        Assert.Equal("Ops", Assert.Single(await _host.Store.GetBindingsAsync()).ChannelName);
        Assert.Equal(3, (await _host.Store.ListTeamAsync(TeamId)).Count);
    }

    [StorageFact]
    public async Task Unlink_Admin_RemovesBindingAndAudits()
    {
        await RunAsync(ChannelMessage("link product phone", AliceId, AliceAad), "link product phone");

        await RunAsync(ChannelMessage("unlink product PHONE", AliceId, AliceAad), "unlink product PHONE");

        Assert.Empty(await _host.Store.GetBindingsAsync());
        Assert.Contains("Ops Team › Alerts no longer receives the Product experts · phone cards", _host.Replies.Last().Text, StringComparison.Ordinal);
        var audit = await _host.Store.GetAuditAsync();
        Assert.Equal(("channel.unlink", "product:phone"), (audit[0].Action, audit[0].Subject));
    }

    [StorageFact]
    public async Task Unlink_NothingLinked_SaysSo()
    {
        await RunAsync(ChannelMessage("unlink leadership", AliceId, AliceAad), "unlink leadership");

        Assert.Contains("No channel is linked for leadership", _host.Replies.Single().Text, StringComparison.Ordinal);
        Assert.Empty(await _host.Store.GetAuditAsync());
    }

    [StorageFact]
    public async Task Links_ListsEveryBinding()
    {
        await RunAsync(ChannelMessage("link agents", AliceId, AliceAad, AlertsChannelId), "link agents");
        await RunAsync(ChannelMessage("link leadership", AliceId, AliceAad, OpsChannelId), "link leadership");

        await RunAsync(PersonalMessage("links"), "links");

        var text = CardText.Of(_host.Replies.Last());
        Assert.Contains("Agents", text, StringComparison.Ordinal);
        Assert.Contains("Ops Team › Alerts", text, StringComparison.Ordinal);
        Assert.Contains("Leadership", text, StringComparison.Ordinal);
        Assert.Contains("Ops Team › Ops", text, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Links_NoBindings_SaysHowToLink()
    {
        await RunAsync(PersonalMessage("links"), "links");

        Assert.Contains("No channel is linked yet", CardText.Of(_host.Replies.Single()), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task LinksRefresh_ReturnsCurrentLinksCard()
    {
        await RunAsync(ChannelMessage("link agents", AliceId, AliceAad), "link agents");
        var action = new CrisisBot.Protocol.Routing.CardAction(CardVerbs.LinksRefresh, default, IsSubmitFallback: false);

        var response = await _routes.Verbs[CardVerbs.LinksRefresh](_host.Turn(PersonalMessage("")), action, CancellationToken.None);

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(ContentTypes.AdaptiveCard, response.Type);
        Assert.Contains("Ops Team › Alerts", CardText.Of(response.Value), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task LinkAsync_ConcurrentLinksOfOneKey_NoErrorAppliedInTurnLastWriterWins()
    {
        var key = new ChannelBindingKey(ChannelRole.Approvers, "");
        var actor = new ChannelActor(AliceAad, "Alice");
        var targets = Enumerable.Range(0, 6)
            .Select(i => new ChannelTarget($"19:race-{i}@thread.tacv2", $"Race {i}", TeamId, "Ops Team", "https://smba.trafficmanager.net/emea/", TenantId))
            .ToList();

        _host.Logs.Entries.Clear(); // what the start logged (EF's first migrations-history query on a new PostgreSQL database)
        var results = await Task.WhenAll(targets.Select(t => Task.Run(() => _host.Store.LinkAsync(key, t, actor))));

        // Exactly one inserted the key; every other link moved it (none failed, none was lost).
        Assert.Single(results, r => r.PreviousTarget is null);
        Assert.All(results, r => Assert.False(r.AlreadyLinkedHere));
        var audit = (await _host.Store.GetAuditAsync()).Where(e => e.Subject == key.Subject).OrderBy(e => e.Id).ToList();
        Assert.Equal(["channel.link", .. Enumerable.Repeat("channel.relink", 5)], audit.Select(e => e.Action));

        // Applied one after the other: each move names the channel the one before it linked; the last one wins.
        var linked = audit.Select(e => targets.Single(t => e.Details!.StartsWith($"to channel {t.ChannelName} ({t.ChannelId})", StringComparison.Ordinal))).ToList();
        for (var i = 1; i < audit.Count; i++)
        {
            Assert.Contains($"previously channel {linked[i - 1].ChannelName} ({linked[i - 1].ChannelId})", audit[i].Details, StringComparison.Ordinal);
        }

        var binding = Assert.Single(await _host.Store.GetBindingsAsync());
        Assert.Equal(linked[^1].ChannelId, binding.ChannelId);
        var errors = _host.Logs.Entries.Where(e => e.Level >= Microsoft.Extensions.Logging.LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").ToList();
        Assert.True(errors.Count == 0, string.Join(Environment.NewLine, errors));
    }

    [StorageFact]
    public async Task Bindings_PersistAcrossRestart()
    {
        await RunAsync(ChannelMessage("link approvers", AliceId, AliceAad), "link approvers");

        await using var restarted = await ChannelsTestHost.RestartAsync(_host.DataDirectory, _host.Postgres, [AliceAad]);
        var stored = Assert.Single(await restarted.Store.GetBindingsAsync());
        Assert.Equal((ChannelRole.Approvers, AlertsChannelId, "Alerts"), (stored.Role, stored.ChannelId, stored.ChannelName));
        Assert.Single(await restarted.Store.GetAuditAsync());
    }
}

/// <summary>Every ChannelLinkCommandsTests test again on its own PostgreSQL database.</summary>
[PostgresTests]
public sealed class ChannelLinkCommandsPostgresTests : ChannelLinkCommandsTests
{
    protected override bool OnPostgres => true;
}
