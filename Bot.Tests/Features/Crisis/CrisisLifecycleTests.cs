using CrisisBot.Cards.Actions;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Features.Channels;

using CrisisBot.Tests.Infrastructure.Graph;
using CrisisBot.Tests.Infrastructure.Storage;

namespace CrisisBot.Tests.Features.Crisis;

public class CrisisLifecycleTests : StorageProviderTests
{
    private Task<CrisisTestHost> StartHostAsync(FakeGraphServer? graph = null, string? directory = null, DateTimeOffset? now = null) =>
        CrisisTestHost.StartAsync(graph, directory, now, postgres: Postgres);

    private async Task<CrisisTestHost> DeclaredAsync()
    {
        var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();
        await host.RunAsync(CrisisTestHost.FromAdmin("declare crisis \"Airport strike\" travel-insurance"));
        Assert.NotNull(await host.State.GetActiveAsync());
        return host;
    }

    [StorageFact]
    public async Task ProposeCrisis_FromTopicCard_PostsProposalToLeadershipChannel()
    {
        await using var host = await StartHostAsync();
        await host.LinkLeadershipChannelAsync();

        var response = await host.InvokeAsync(CardVerbs.TopicProposeCrisis, new ProposeCrisisData("t-7", "Flights cancelled strike", "Travel insurance"), CrisisTestHost.FromAgent("x"));

        Assert.Contains("asked to confirm in Leadership", response.Value.GetString(), StringComparison.Ordinal);
        var proposal = Assert.Single(await host.RowsAsync<CrisisProposal>());
        Assert.Equal("t-7", proposal.TopicId);
        Assert.Equal("travel-insurance", proposal.Product);
        Assert.Equal(ProposalStatus.Pending, proposal.Status);
        var post = Assert.Single(await host.RowsAsync<OutboxMessage>());
        Assert.Equal("19:leadership@thread.tacv2", post.ConversationId);
        Assert.Equal("crisis-proposal:1", post.CardId);
        Assert.Contains(CardVerbs.CrisisConfirmProposal, post.Payload, StringComparison.Ordinal);
        Assert.Null(await host.State.GetActiveAsync());

        var again = await host.InvokeAsync(CardVerbs.TopicProposeCrisis, new ProposeCrisisData("t-7"), CrisisTestHost.FromAgent("x"));
        Assert.Contains("already proposed", again.Value.GetString(), StringComparison.Ordinal);
        Assert.Single(await host.RowsAsync<CrisisProposal>());
    }

    [StorageFact]
    public async Task ConfirmProposal_NonLeadThenLead_OnlyTheLeadDeclares()
    {
        await using var host = await StartHostAsync();
        await host.LinkCrisisChannelAsync();
        await host.InvokeAsync(CardVerbs.TopicProposeCrisis, new ProposeCrisisData("t-7", "Flights cancelled strike", "travel-insurance"), CrisisTestHost.FromAgent("x"));

        var refused = await host.InvokeAsync(CardVerbs.CrisisConfirmProposal, new CrisisProposalData("1"), CrisisTestHost.FromAgent("x"));
        Assert.Contains("Only crisis leads", refused.Value.GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<CrisisRecord>());
        Assert.Contains(await host.RowsAsync<AuditEntry>(), a => a.Action == "crisis.proposal.confirm.refused" && a.Subject == "proposal:1");

        var confirmed = await host.InvokeAsync(CardVerbs.CrisisConfirmProposal, new CrisisProposalData("1"), CrisisTestHost.FromLead("x"));

        var card = CardText.Of(confirmed.Value);
        Assert.Contains("Crisis declared", card, StringComparison.Ordinal);
        Assert.Contains("Confirmed by Lena Lead", card, StringComparison.Ordinal);
        var crisis = Assert.Single(await host.RowsAsync<CrisisRecord>());
        Assert.Equal("Flights cancelled strike", crisis.Name);
        Assert.Equal(["travel-insurance"], crisis.Products);
        Assert.Equal(1, crisis.ProposalId);
        Assert.Contains("Proposed by Sam Agent", crisis.Reason, StringComparison.Ordinal);
        var proposal = Assert.Single(await host.RowsAsync<CrisisProposal>());
        Assert.Equal(ProposalStatus.Confirmed, proposal.Status);
        Assert.Equal(crisis.Id, proposal.CrisisId);
        Assert.Equal(CrisisTestHost.LeadAadObjectId, proposal.DecidedById);

        var twice = await host.InvokeAsync(CardVerbs.CrisisConfirmProposal, new CrisisProposalData("1"), CrisisTestHost.FromLead("x"));
        Assert.Contains("Already decided", CardText.Of(twice.Value), StringComparison.Ordinal);
        Assert.Single(await host.RowsAsync<CrisisRecord>());
    }

    [StorageFact]
    public async Task DeclineProposal_Lead_RecordsWhoAndDeclaresNothing()
    {
        await using var host = await StartHostAsync();
        await host.InvokeAsync(CardVerbs.TopicProposeCrisis, new ProposeCrisisData("t-8", "Card outage"), CrisisTestHost.FromAgent("x"));

        var response = await host.InvokeAsync(CardVerbs.CrisisDeclineProposal, new CrisisProposalData("1"), CrisisTestHost.FromAdmin("x"));

        Assert.Contains("Declined by Carol Admin", CardText.Of(response.Value), StringComparison.Ordinal);
        Assert.Equal(ProposalStatus.Declined, Assert.Single(await host.RowsAsync<CrisisProposal>()).Status);
        Assert.Empty(await host.RowsAsync<CrisisRecord>());
        Assert.Contains(await host.RowsAsync<AuditEntry>(), a => a.Action == "crisis.proposal.decline");
    }

    [StorageFact]
    public async Task Decide_LeadRaisesAndResolves_WhoAndWhenStored()
    {
        await using var host = await DeclaredAsync();

        await host.RunAsync(CrisisTestHost.FromLead("decide Extend the refund window to 30 days?"));
        host.Time.Advance(TimeSpan.FromMinutes(30));
        var response = await host.InvokeAsync(CardVerbs.DecisionResolve, new DecisionActionData("1"), CrisisTestHost.FromAdmin("x"));

        var decision = Assert.Single(await host.RowsAsync<CrisisDecision>());
        Assert.Equal("Extend the refund window to 30 days?", decision.Text);
        Assert.Equal(1, decision.CrisisId);
        Assert.Equal(CrisisTestHost.LeadAadObjectId, decision.RaisedById);
        Assert.Equal(CrisisTestHost.Start, decision.RaisedAt);
        Assert.Equal(CrisisTestHost.AdminAadObjectId, decision.ResolvedById);
        Assert.Equal(CrisisTestHost.Start.AddMinutes(30), decision.ResolvedAt);
        var card = CardText.Of(response.Value);
        Assert.Contains("Recently decided", card, StringComparison.Ordinal);
        Assert.Contains("decided by Carol Admin", card, StringComparison.Ordinal);
        var audit = await host.RowsAsync<AuditEntry>();
        Assert.Contains(audit, a => a.Action == "decision.raise" && a.Subject == "decision:1");
        Assert.Contains(audit, a => a.Action == "decision.resolve" && a.ActorId == CrisisTestHost.AdminAadObjectId);
    }

    [StorageFact]
    public async Task Decisions_ListsOpenOnesForAnyone()
    {
        await using var host = await DeclaredAsync();
        await host.RunAsync(CrisisTestHost.FromLead("decide Open weekend phone lines?"));
        await host.RunAsync(CrisisTestHost.FromLead("decide Publish a holding statement?"));

        await host.RunAsync(CrisisTestHost.FromAgent("decisions"));

        var card = CardText.Of(host.Replies.Last());
        Assert.Contains("Open weekend phone lines?", card, StringComparison.Ordinal);
        Assert.Contains("Publish a holding statement?", card, StringComparison.Ordinal);
        Assert.Contains("2 open items", card, StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Decide_NonLeadOrEmpty_RefusedAndNothingStored()
    {
        await using var host = await DeclaredAsync();

        await host.RunAsync(CrisisTestHost.FromAgent("decide Something"));
        await host.RunAsync(CrisisTestHost.FromLead("decide"));
        await host.RunAsync(CrisisTestHost.FromLead("decide " + new string('x', 501)));
        var resolve = await host.InvokeAsync(CardVerbs.DecisionResolve, new DecisionActionData("1"), CrisisTestHost.FromAgent("x"));

        Assert.Empty(await host.RowsAsync<CrisisDecision>());
        Assert.Contains(await host.RowsAsync<AuditEntry>(), a => a.Action == "decision.raise.refused");
        Assert.Contains("Only crisis leads", resolve.Value.GetString(), StringComparison.Ordinal);
        var replies = host.Replies.Replies.Select(r => r.Reply).ToList();
        Assert.Contains(replies, r => r.Text?.Contains("Say what needs deciding", StringComparison.Ordinal) == true);
        Assert.Contains(replies, r => r.Text?.Contains("at most 500", StringComparison.Ordinal) == true);
    }

    [StorageFact]
    public async Task DeclareAndStandDown_RecordTheArrivalMarksOfThePosts()
    {
        await using var host = await StartHostAsync();
        await AddPostAsync(host, "before");
        await host.LinkCrisisChannelAsync();
        await host.RunAsync(CrisisTestHost.FromAdmin("declare crisis \"Airport strike\" travel-insurance"));
        var declared = Assert.Single(await host.RowsAsync<CrisisRecord>());
        var first = (await host.RowsAsync<CrisisBot.Features.HotTopics.Storage.StoredPost>()).Single().Seq;
        Assert.Equal(first, declared.PostSeqAtDeclare);
        Assert.Null(declared.PostSeqAtStandDown);

        await AddPostAsync(host, "during 1");
        await AddPostAsync(host, "during 2");
        await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData("1", "Over.", null), CrisisTestHost.FromAdmin("x"));
        var stood = Assert.Single(await host.RowsAsync<CrisisRecord>());
        Assert.Equal(CrisisStatus.StoodDown, stood.Status);
        Assert.Equal((await host.RowsAsync<CrisisBot.Features.HotTopics.Storage.StoredPost>()).Max(p => p.Seq), stood.PostSeqAtStandDown);
        Assert.True(stood.PostSeqAtStandDown > stood.PostSeqAtDeclare);
    }

    private static async Task AddPostAsync(CrisisTestHost host, string id)
    {
        await using var db = await host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<CrisisBot.Infrastructure.Storage.CrisisDbContext>>().CreateDbContextAsync();
        db.Add(new CrisisBot.Features.HotTopics.Storage.StoredPost { Source = "twitter", PostId = id, Text = "flight cancelled " + id, Product = "travel-insurance", CreatedAtMs = 1_700_000_000_000 });
        await db.SaveChangesAsync();
    }

    [StorageFact]
    public async Task StandDown_WithReasonAndLessons_PostsReportAndEndsCrisisState()
    {
        await using var host = await DeclaredAsync();
        await host.LinkLeadershipChannelAsync();
        await host.RunAsync(CrisisTestHost.FromLead("decide Extend the refund window?"));
        host.Time.Advance(TimeSpan.FromHours(1));
        await host.RunAsync(CrisisTestHost.FromAdmin("crisis update Volume peaked at 09:00; legal approved the wording."));
        host.Time.Advance(TimeSpan.FromHours(2));

        await host.RunAsync(CrisisTestHost.FromAdmin("stand down"));
        Assert.Contains(CardVerbs.CrisisStandDown, string.Join(' ', CardText.Verbs(CardText.Card(host.Replies.Last()))), StringComparison.Ordinal);
        var response = await host.InvokeAsync(CardVerbs.CrisisStandDown,
            new StandDownData("1", "Strike over, volume at baseline.", "FAQ link cut repeats by half\n- Add a second legal approver"), CrisisTestHost.FromAdmin("x"));

        var report = CardText.Of(response.Value);
        Assert.Contains("Crisis stood down", report, StringComparison.Ordinal);
        Assert.Contains("Strike over, volume at baseline.", report, StringComparison.Ordinal);
        Assert.Contains("Crisis declared by Carol Admin", report, StringComparison.Ordinal);
        Assert.Contains(@"Decision needed \(Lena Lead\): Extend the refund window?", report, StringComparison.Ordinal);
        Assert.Contains(@"Status update \(Carol Admin\): Volume peaked at 09:00", report, StringComparison.Ordinal);
        Assert.Contains("Stood down by Carol Admin", report, StringComparison.Ordinal);
        Assert.Contains("Decisions still open", report, StringComparison.Ordinal);
        Assert.Contains("no questions yet", report, StringComparison.Ordinal);
        Assert.Contains("not recorded for this period", report, StringComparison.Ordinal);
        Assert.Contains("Add a second legal approver", report, StringComparison.Ordinal);
        Assert.DoesNotContain("0 asked", report, StringComparison.Ordinal);

        Assert.Null(await host.State.GetActiveAsync());
        var crisis = Assert.Single(await host.RowsAsync<CrisisRecord>());
        Assert.Equal(CrisisStatus.StoodDown, crisis.Status);
        Assert.Null(crisis.ActiveSlot);
        Assert.Equal(CrisisTestHost.Start.AddHours(3), crisis.StoodDownAt);
        var rows = await host.RowsAsync<OutboxMessage>();
        Assert.Contains(rows, m => m.Kind == OutboxKind.Update && m.CardId == "crisis:1" && m.Payload.Contains("Crisis stood down", StringComparison.Ordinal));
        Assert.Contains(rows, m => m.Kind == OutboxKind.ChannelPost && m.ConversationId == "19:leadership@thread.tacv2" && m.CardId == "crisis:1:report");
        Assert.Empty(await host.RowsAsync<ScheduledTimer>());
        Assert.Contains(await host.RowsAsync<AuditEntry>(), a => a.Action == "crisis.standDown" && a.Details == "Strike over, volume at baseline.");

        var refresh = await host.InvokeAsync(CardVerbs.CrisisRefresh, new CrisisActionData("1"), CrisisTestHost.FromAgent("x"));
        Assert.Contains("Crisis stood down", CardText.Of(refresh.Value), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task StandDown_RefusalPaths_NothingChanges()
    {
        await using var host = await DeclaredAsync();

        var noReason = await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData("1", "  "), CrisisTestHost.FromAdmin("x"));
        var nonLead = await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData("1", "over"), CrisisTestHost.FromAgent("x"));
        var unknown = await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData("99", "over"), CrisisTestHost.FromAdmin("x"));
        await host.RunAsync(CrisisTestHost.FromAgent("stand down"));

        Assert.Contains("Give a reason", noReason.Value.GetString(), StringComparison.Ordinal);
        Assert.Contains("Only crisis leads", nonLead.Value.GetString(), StringComparison.Ordinal);
        Assert.Contains("no longer exists", unknown.Value.GetString(), StringComparison.Ordinal);
        Assert.Contains("You can't stand a crisis down", CardText.Of(host.Replies.Last()), StringComparison.Ordinal);
        Assert.NotNull(await host.State.GetActiveAsync());
        Assert.Equal(2, (await host.RowsAsync<AuditEntry>()).Count(a => a.Action == "crisis.standDown.refused"));

        await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData("1", "over"), CrisisTestHost.FromAdmin("x"));
        var again = await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData("1", "over"), CrisisTestHost.FromAdmin("x"));
        Assert.Contains("Already stood down", again.Value.GetString(), StringComparison.Ordinal);
        await host.RunAsync(CrisisTestHost.FromAdmin("stand down"));
        Assert.Contains("No active crisis", CardText.Of(host.Replies.Last()), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Cadence_EveryFourHoursAcrossRestart_AsksTheLeadThenStopsAfterStandDown()
    {
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using (var host = await StartHostAsync(directory: directory))
            {
                await host.LinkCrisisChannelAsync();
                await host.RunAsync(CrisisTestHost.FromAdmin("declare crisis \"Airport strike\""));

                await host.AdvanceAsync(TimeSpan.FromMinutes(234));
                Assert.DoesNotContain(await host.RowsAsync<OutboxMessage>(), m => m.CardId == "crisis:1:status:1");

                await host.AdvanceAsync(TimeSpan.FromMinutes(12));
                var request = Assert.Single(await host.RowsAsync<OutboxMessage>(), m => m.CardId == "crisis:1:status:1");
                Assert.Equal("19:linked-crisis@thread.tacv2", request.ConversationId);
                Assert.Contains(CardVerbs.CrisisSubmitStatusUpdate, request.Payload, StringComparison.Ordinal);
                Assert.Contains("Carol Admin", request.Payload, StringComparison.Ordinal);
                var next = Assert.Single(await host.RowsAsync<ScheduledTimer>());
                Assert.Equal(("crisis:1:2", CrisisTestHost.Start.AddMinutes(246 + 240)), (next.Key, next.DueAt));
            }

            // Restart: a new process on the same database, 4 h later by the clock.
            await using (var host = await StartHostAsync(directory: directory, now: CrisisTestHost.Start.AddMinutes(246)))
            {
                await host.AdvanceAsync(TimeSpan.FromHours(4));
                Assert.Single(await host.RowsAsync<OutboxMessage>(), m => m.CardId == "crisis:1:status:2");
                Assert.Equal(2, Assert.Single(await host.RowsAsync<CrisisRecord>()).StatusRequests);

                var submitted = await host.InvokeAsync(CardVerbs.CrisisSubmitStatusUpdate, new StatusUpdateData("1", 2, "Volume falling, FAQ published."), CrisisTestHost.FromAdmin("x"));
                Assert.Contains("Recorded", CardText.Of(submitted.Value), StringComparison.Ordinal);
                var update = Assert.Single(await host.RowsAsync<CrisisStatusUpdate>());
                Assert.Equal(2, update.Request);
                Assert.Equal("Volume falling, FAQ published.", update.Text);

                await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData("1", "over"), CrisisTestHost.FromAdmin("x"));
                await host.AdvanceAsync(TimeSpan.FromHours(12));
                Assert.DoesNotContain(await host.RowsAsync<OutboxMessage>(), m => m.CardId == "crisis:1:status:3");
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            CrisisTestHost.Delete(directory);
        }
    }

    [StorageFact]
    public async Task SubmitStatusUpdate_EmptyOrNonLead_Refused()
    {
        await using var host = await DeclaredAsync();

        var empty = await host.InvokeAsync(CardVerbs.CrisisSubmitStatusUpdate, new StatusUpdateData("1", 1, " "), CrisisTestHost.FromAdmin("x"));
        var nonLead = await host.InvokeAsync(CardVerbs.CrisisSubmitStatusUpdate, new StatusUpdateData("1", 1, "hi"), CrisisTestHost.FromAgent("x"));

        Assert.Contains("The update is empty", empty.Value.GetString(), StringComparison.Ordinal);
        Assert.Contains("Only crisis leads", nonLead.Value.GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<CrisisStatusUpdate>());
    }

    [StorageFact]
    public async Task CrisisRole_MentionedPerson_BecomesLeadAndMayStandDown()
    {
        await using var host = await DeclaredAsync();
        var activity = CrisisBot.Tests.TestData.ActivityBuilder.Channel("crisis role lead <at>Dana</at>")
            .WithFrom("29:carol", "Carol Admin", CrisisTestHost.AdminAadObjectId).Build();
        activity.Entities!.Add(new CrisisBot.Protocol.Activities.Entity
        {
            Type = "mention",
            Text = "<at>Dana</at>",
            Mentioned = new CrisisBot.Protocol.Activities.ChannelAccount { Id = "29:dana", Name = "Dana Whitfield", AadObjectId = "DDDDDDDD-0000-0000-0000-000000000004" },
        });

        await host.RunAsync(activity);

        Assert.Contains("Dana Whitfield is now crisis lead", host.Replies.Last().Text, StringComparison.Ordinal);
        Assert.Contains(await host.RowsAsync<CrisisRoleAssignment>(), r => r.Role == CrisisRole.Lead && r.UserId == "DDDDDDDD-0000-0000-0000-000000000004" && r.TeamsUserId == "29:dana");
        Assert.Contains(await host.RowsAsync<OutboxMessage>(), m => m.Kind == OutboxKind.Update && m.CardId == "crisis:1" && m.Payload.Contains("Dana Whitfield", StringComparison.Ordinal));
        var dana = CrisisBot.Tests.TestData.ActivityBuilder.Channel("x").WithFrom("29:dana", "Dana Whitfield", "DDDDDDDD-0000-0000-0000-000000000004").Build();
        var response = await host.InvokeAsync(CardVerbs.CrisisStandDown, new StandDownData("1", "over"), dana);
        Assert.Contains("Crisis stood down", CardText.Of(response.Value), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task CrisisState_AfterDeclare_ReadsTheTableAndCachesBriefly()
    {
        await using var host = await StartHostAsync();
        var state = host.Get<ICrisisState>();

        Assert.IsType<CrisisState>(state);
        Assert.Null(await state.GetActiveAsync());
        await host.LinkCrisisChannelAsync();
        await host.RunAsync(CrisisTestHost.FromAdmin("declare crisis \"Airport strike\""));

        var active = await state.GetActiveAsync();
        Assert.Equal(1, active!.Id);
        Assert.Empty(active.ProductKeys);
        Assert.True(active.Covers("anything"));
        Assert.Equal(CrisisTestHost.Start, active.DeclaredAt);
    }

    [StorageTheory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CrisisCommand_DutyOfCareTracking_LeadsStatusCardShowsTeamLoadNamesOnlyWhenConfigured(bool named)
    {
        await using var host = await CrisisTestHost.StartAsync(postgres: Postgres, extra: new() { ["DutyOfCare:NameAgentsInSummary"] = named ? "true" : "false" },
            configure: (services, configuration) => services.AddDutyOfCareFeature(configuration));
        await host.LinkCrisisChannelAsync();
        await host.RunAsync(CrisisTestHost.FromAdmin("declare crisis \"Airport strike\""));
        await using (var db = await host.Get<Microsoft.EntityFrameworkCore.IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync())
        {
            db.Add(new CareEngagement { AgentId = "agent-sam", UserId = "29:sam", Name = "Sam Agent", ServiceUrl = "https://smba.trafficmanager.net/emea/", TenantId = "t", TopicId = 3, ProductKey = "travel-insurance", At = host.Time.GetUtcNow() });
            db.Add(new CareExposure { AgentId = "agent-sam", PostSeq = 1, TopicId = 3, CrisisId = 1, At = host.Time.GetUtcNow() });
            db.Add(new CareExposure { AgentId = "agent-sam", PostSeq = 2, TopicId = 3, CrisisId = 1, At = host.Time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        host.Time.Advance(TimeSpan.FromMinutes(5));
        await host.RunAsync(CrisisTestHost.FromAgent("crisis"));
        Assert.DoesNotContain("Team load", CardText.Of(host.Replies.Last()), StringComparison.Ordinal); // only the leads' view
        await host.RunAsync(CrisisTestHost.FromLead("crisis"));

        var card = CardText.Of(host.Replies.Last());
        Assert.Contains("Team load", card, StringComparison.Ordinal);
        Assert.Contains("1 agent on topics, 1 exposed to 2 abusive posts, 0 break prompts sent", card, StringComparison.Ordinal);
        Assert.Equal(named, card.Contains("Sam Agent", StringComparison.Ordinal));
    }

    [StorageFact]
    public async Task ExportCommand_AdminGetsTheDownloadPath_OthersRefusedAndAudited()
    {
        await using var host = await DeclaredAsync();

        await host.RunAsync(CrisisTestHost.FromAgent("export crisis 1"));
        Assert.Contains("Only admins", host.Replies.Last().Text, StringComparison.Ordinal);
        Assert.Single(await host.RowsAsync<AuditEntry>(), a => a.Action == "crisis.export.refused" && a.Subject == "crisis:1");

        await host.RunAsync(CrisisTestHost.FromAdmin("export crisis 1"));
        Assert.Contains("GET /api/crisis/1/export", host.Replies.Last().Text, StringComparison.Ordinal);
        Assert.Contains("Airport strike", host.Replies.Last().Text, StringComparison.Ordinal);
        Assert.Null(host.Replies.Last().Attachments);

        await host.RunAsync(CrisisTestHost.FromAdmin("export crisis 42"));
        Assert.Contains("There is no crisis #42", host.Replies.Last().Text, StringComparison.Ordinal);
        await host.RunAsync(CrisisTestHost.FromAdmin("export crisis x"));
        Assert.Contains("not a crisis number", host.Replies.Last().Text, StringComparison.Ordinal);
        await host.RunAsync(CrisisTestHost.FromAdmin("export"));
        Assert.Contains("Usage: export crisis <number>", host.Replies.Last().Text, StringComparison.Ordinal);
    }
}

/// <summary>The same on PostgreSQL (each test on its own database).</summary>
[PostgresTests]
public sealed class CrisisLifecyclePostgresTests : CrisisLifecycleTests
{
    protected override bool OnPostgres => true;
}
