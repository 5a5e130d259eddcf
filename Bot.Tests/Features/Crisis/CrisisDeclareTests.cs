using CrisisBot.Features.Channels;
using CrisisBot.Features.Crisis;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Features.Channels;
using CrisisBot.Tests.Infrastructure.Graph;

using CrisisBot.Tests.Infrastructure.Storage;

namespace CrisisBot.Tests.Features.Crisis;

public class CrisisDeclareTests : StorageProviderTests
{
    private Task<CrisisTestHost> StartHostAsync(FakeGraphServer? graph = null, string? directory = null, DateTimeOffset? now = null) =>
        CrisisTestHost.StartAsync(graph, directory, now, postgres: Postgres);

    private const string Declare = "declare crisis \"Airport strike\" travel-insurance";

    [StorageFact]
    public async Task Declare_NoGraphButLinkedChannel_UsesLinkedChannelAndSaysSo()
    {
        await using var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();

        await host.RunAsync(CrisisTestHost.FromAdmin(Declare));

        var reply = host.Replies.Single().Text!;
        Assert.Contains("Crisis channel creation needs Graph; using the linked crisis channel instead.", reply, StringComparison.Ordinal);
        Assert.Contains("'Airport strike' declared", reply, StringComparison.Ordinal);
        var crisis = Assert.Single(await host.RowsAsync<CrisisRecord>());
        Assert.Equal(CrisisRecord.OriginLinked, crisis.ChannelOrigin);
        Assert.Equal("19:linked-crisis@thread.tacv2", crisis.ChannelId);
        var post = Assert.Single(await host.RowsAsync<OutboxMessage>(), m => m.CardId == "crisis:1");
        Assert.Equal(OutboxKind.ChannelPost, post.Kind);
        Assert.Equal("19:linked-crisis@thread.tacv2", post.ConversationId);
        Assert.Contains("Crisis declared", post.Payload, StringComparison.Ordinal);
        Assert.Contains("Airport strike", post.Payload, StringComparison.Ordinal);

        var active = await host.State.GetActiveAsync();
        Assert.NotNull(active);
        Assert.Equal("Airport strike", active.Name);
        Assert.Equal(["travel-insurance"], active.ProductKeys);
        Assert.True(active.Covers("Travel-Insurance"));
        Assert.False(active.Covers("travel-money"));

        var audit = Assert.Single(await host.RowsAsync<AuditEntry>(), a => a.Action == "crisis.declare");
        Assert.Equal(CrisisTestHost.AdminAadObjectId, audit.ActorId);
        Assert.Equal("crisis:1", audit.Subject);
        var lead = Assert.Single(await host.RowsAsync<CrisisRoleAssignment>());
        Assert.Equal(CrisisRole.Lead, lead.Role);
        Assert.Equal(CrisisTestHost.AdminAadObjectId, lead.UserId);
        var timer = Assert.Single(await host.RowsAsync<ScheduledTimer>());
        Assert.Equal("crisis:1:1", timer.Key);
        Assert.Equal(CrisisTestHost.Start.AddHours(4), timer.DueAt);
    }

    [StorageFact]
    public async Task Declare_NoGraphNoLinkedChannel_RefusesAndTellsHowToLink()
    {
        await using var host = await StartHostAsync();

        await host.RunAsync(CrisisTestHost.FromAdmin(Declare));

        var reply = host.Replies.Single();
        var card = CardText.Of(reply);
        Assert.Contains("No crisis channel", card, StringComparison.Ordinal);
        Assert.Contains("link crisis", card, StringComparison.Ordinal);
        Assert.Contains("needs Graph", reply.Text, StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<CrisisRecord>());
        Assert.Empty(await host.RowsAsync<OutboxMessage>());
        Assert.Null(await host.State.GetActiveAsync());
    }

    [StorageFact]
    public async Task Declare_NotALead_NotAllowedAndAudited()
    {
        await using var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();

        await host.RunAsync(CrisisTestHost.FromAgent(Declare));

        Assert.Contains("You can't declare a crisis", CardText.Of(host.Replies.Single()), StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<CrisisRecord>());
        var audit = Assert.Single(await host.RowsAsync<AuditEntry>(), a => a.Action == "crisis.declare.refused");
        Assert.Equal("CCCCCCCC-0000-0000-0000-000000000003", audit.ActorId);
        Assert.Contains("Airport strike", audit.Subject, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Declare_ConfiguredLeadWhoIsNotAdmin_Declares()
    {
        await using var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();

        await host.RunAsync(CrisisTestHost.FromLead("declare crisis \u201CStorm Ciara\u201D"));

        var crisis = Assert.Single(await host.RowsAsync<CrisisRecord>());
        Assert.Equal("Storm Ciara", crisis.Name);
        Assert.Empty(crisis.Products);
        Assert.Equal(CrisisTestHost.LeadAadObjectId, crisis.DeclaredById);
    }

    [StorageFact]
    public async Task Declare_WhileOneIsActive_RefusedAndNothingChanges()
    {
        await using var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();
        await host.RunAsync(CrisisTestHost.FromAdmin(Declare));

        await host.RunAsync(CrisisTestHost.FromLead("declare crisis \"Second\""));

        Assert.Contains("A crisis is already active", CardText.Of(host.Replies.Last()), StringComparison.Ordinal);
        Assert.Contains("Airport strike", CardText.Of(host.Replies.Last()), StringComparison.Ordinal);
        Assert.Single(await host.RowsAsync<CrisisRecord>());
        Assert.Equal("Airport strike", (await host.State.GetActiveAsync())!.Name);
    }

    [StorageTheory]
    [InlineData("declare crisis")]
    [InlineData("declare crisis \"\"")]
    [InlineData("declare crisis \"   \" travel-insurance")]
    [InlineData("declare crisis \"No closing quote")]
    [InlineData("declare storm")]
    public async Task Declare_BadInput_ExplainsUsageAndStoresNothing(string text)
    {
        await using var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();

        await host.RunAsync(CrisisTestHost.FromAdmin(text));

        Assert.Contains("declare crisis \"<name>\"", host.Replies.Single().Text, StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<CrisisRecord>());
    }

    [StorageFact]
    public async Task Declare_UnknownProduct_RefusedWithTheKnownKeys()
    {
        await using var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();

        await host.RunAsync(CrisisTestHost.FromAdmin("declare crisis \"Strike\" travel-insurance spaceships"));

        var text = CardText.Of(host.Replies.Single());
        Assert.Contains("spaceships", text, StringComparison.Ordinal);
        Assert.Contains("travel-insurance", text, StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<CrisisRecord>());
    }

    [StorageFact]
    public async Task Declare_NameTooLong_Refused()
    {
        await using var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();

        await host.RunAsync(CrisisTestHost.FromAdmin($"declare crisis \"{new string('x', 121)}\""));

        Assert.Contains("too long", CardText.Of(host.Replies.Single()), StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<CrisisRecord>());
    }

    [StorageFact]
    public async Task Declare_ThroughGraph_CreatesChannelBindsItAndPostsTheCardThere()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        await using var host = await StartHostAsync(graph);

        await host.RunAsync(CrisisTestHost.FromAdmin(Declare));

        Assert.Empty(graph.Violations);
        var create = Assert.Single(graph.Requests, r => r.Path.EndsWith("/channels", StringComparison.Ordinal));
        Assert.Contains("\"displayName\":\"Crisis - Airport strike\"", create.Body, StringComparison.Ordinal);
        Assert.Contains("I created the crisis channel 'Crisis - Airport strike'", host.Replies.Single().Text, StringComparison.Ordinal);
        var crisis = Assert.Single(await host.RowsAsync<CrisisRecord>());
        Assert.Equal(CrisisRecord.OriginGraph, crisis.ChannelOrigin);
        Assert.Equal("19:crisis1@thread.tacv2", crisis.ChannelId);
        var binding = Assert.Single(await host.RowsAsync<ChannelBinding>(), b => b.Role == ChannelRole.Crisis);
        Assert.Equal("19:crisis1@thread.tacv2", binding.ChannelId);
        Assert.Equal(CrisisBot.Tests.TestData.ActivityBuilder.TeamId, binding.TeamId);
        Assert.Contains(await host.RowsAsync<AuditEntry>(), a => a.Action == "channel.link" && a.Subject == "crisis" && a.Details!.Contains("created through Graph", StringComparison.Ordinal));
        var post = Assert.Single(await host.RowsAsync<OutboxMessage>(), m => m.CardId == "crisis:1");
        Assert.Equal("19:crisis1@thread.tacv2", post.ConversationId);
        Assert.Contains("Open war room", post.Payload, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Declare_GraphForbiddenWithLinkedChannel_FallsBackAndNamesTheMissingPermission()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.EnqueueChannelAnswer(403, FakeGraphServer.InsufficientPrivilegesBody);
        await using var host = await StartHostAsync(graph);
        await host.LinkCrisisChannelAsync();

        await host.RunAsync(CrisisTestHost.FromAdmin(Declare));

        var reply = host.Replies.Single().Text!;
        Assert.Contains("Using the linked crisis channel instead.", reply, StringComparison.Ordinal);
        Assert.Contains("Channel.Create", reply, StringComparison.Ordinal);
        Assert.Contains("admin consent", reply, StringComparison.Ordinal);
        Assert.Equal("19:linked-crisis@thread.tacv2", Assert.Single(await host.RowsAsync<CrisisRecord>()).ChannelId);
    }

    [StorageFact]
    public async Task Declare_GraphForbiddenWithoutLinkedChannel_RefusesWithTheAdminMessage()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.EnqueueChannelAnswer(403, FakeGraphServer.InsufficientPrivilegesBody);
        await using var host = await StartHostAsync(graph);

        await host.RunAsync(CrisisTestHost.FromAdmin(Declare));

        var reply = host.Replies.Single();
        Assert.Contains("No crisis channel", CardText.Of(reply), StringComparison.Ordinal);
        Assert.Contains("Channel.Create", reply.Text, StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<CrisisRecord>());
    }

    [StorageFact]
    public async Task Declare_GraphNameTaken_RetriesWithATimestampedName()
    {
        await using var graph = await FakeGraphServer.StartAsync();
        graph.EnqueueChannelAnswer(400, """{"error":{"code":"NameAlreadyExists","message":"Channel name already existed, please use other name."}}""");
        await using var host = await StartHostAsync(graph);

        await host.RunAsync(CrisisTestHost.FromAdmin(Declare));

        var creates = graph.Requests.Where(r => r.Path.EndsWith("/channels", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, creates.Count);
        Assert.Contains("Crisis - Airport strike 2026-11-22 12.00", creates[1].Body, StringComparison.Ordinal);
        Assert.Equal(CrisisRecord.OriginGraph, Assert.Single(await host.RowsAsync<CrisisRecord>()).ChannelOrigin);
    }

    [Theory]
    [InlineData("Airport strike", null, "Crisis - Airport strike")]
    [InlineData("Strike: #1 / 50% off?", null, "Crisis - Strike 1 50 off")]
    [InlineData("A very long crisis name that goes on and on beyond fifty characters", null, "Crisis - A very long crisis name that goes on and")]
    [InlineData("###", "2026-11-22 12.00", "Crisis - room 2026-11-22 12.00")]
    public void ChannelName_AnyInput_FitsTeamsRules(string name, string? suffix, string expected)
    {
        var channel = CrisisService.ChannelName("Crisis", name, suffix);

        Assert.Equal(expected, channel);
        Assert.InRange(channel.Length, 1, 50);
    }

    [Theory]
    [InlineData("crisis \"Airport strike\" travel-insurance travel-money", "Airport strike", "travel-insurance,travel-money")]
    [InlineData("CRISIS \u201CAirport strike\u201D", "Airport strike", "")]
    [InlineData("crisis Airport strike", "Airport strike", "")]
    [InlineData("crisis \"Strike\" a, b", "Strike", "a,b")]
    public void TryParseDeclare_ValidInput_NameAndProducts(string arguments, string name, string products)
    {
        Assert.True(CrisisCommands.TryParseDeclare(arguments, out var parsedName, out var parsedProducts, out _));
        Assert.Equal(name, parsedName);
        Assert.Equal(products, string.Join(',', parsedProducts));
    }
}

/// <summary>The same on PostgreSQL (each test on its own database).</summary>
[PostgresTests]
public sealed class CrisisDeclarePostgresTests : CrisisDeclareTests
{
    protected override bool OnPostgres => true;
}
