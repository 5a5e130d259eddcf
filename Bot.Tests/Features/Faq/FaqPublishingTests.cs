using CrisisBot.Cards.Actions;
using CrisisBot.Features.Experts;
using CrisisBot.Features.Faq;
using CrisisBot.Protocol.Activities;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Features.Experts;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using static CrisisBot.Tests.Features.Experts.ExpertTestHost;
using static CrisisBot.Tests.Features.Faq.FaqTestHost;

namespace CrisisBot.Tests.Features.Faq;

/// <summary>Versioning and publishing through the real expert loop and scheduler, on SQLite (and PostgreSQL in the subclass).</summary>
public class FaqPublishingTests : StorageProviderTests
{
    private const string ParcelsQuestion = "Why are parcels late this week?";
    private const string ParcelsReply = "Deliveries are running a day late after the storm closed two hubs.";
    private ExpertTestHost _host = null!;

    protected override async Task StartAsync() => _host = await FaqTestHost.StartAsync(Postgres);

    protected override async Task StopAsync()
    {
        await _host.DisposeAsync();
        DeleteDirectory(_host.DataDirectory);
    }

    [StorageFact]
    public async Task Approve_AddToFaq_PublishesOneVersionAfterTheDelay()
    {
        var h = _host;
        var questionId = await h.ApprovedMailAnswerAsync(ParcelsQuestion, ParcelsReply);
        var timer = Assert.Single(await h.TimerRowsAsync(), t => t.Kind == FaqPublishTimerHandler.TimerKind);
        Assert.Equal(h.Time.GetUtcNow().AddSeconds(5), timer.DueAt);
        Assert.Empty(await h.VersionsAsync());

        Assert.Equal(0, await h.FireDueTimersAsync());
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await h.FireDueTimersAsync());

        var version = Assert.Single(await h.VersionsAsync());
        Assert.Equal(1, version.Number);
        Assert.Equal(FaqTrigger.Approval, version.Trigger);
        Assert.Equal(h.Time.GetUtcNow(), version.PublishedAt);
        Assert.Contains("approved", version.TriggeredBy, StringComparison.Ordinal);
        var entry = Assert.Single(version.Entries);
        var library = await h.ActiveEntryAsync(questionId);
        Assert.Equal((questionId, ParcelsQuestion, ParcelsReply, "mail", "Mail", library.Id, 1), (entry.QuestionId, entry.Question, entry.CustomerReply, entry.ProductKey, entry.ProductName, entry.LibraryEntryId, entry.LibraryVersion));
        Assert.Equal(library.ApprovedAt, entry.ApprovedAt);
    }

    [StorageFact]
    public async Task Publish_SameContentAgain_NoNewVersion()
    {
        var h = _host;
        await h.ApprovedMailAnswerAsync(ParcelsQuestion, ParcelsReply);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.FireDueTimersAsync();
        var publisher = h.Get<FaqPublisher>();

        h.Time.Advance(TimeSpan.FromHours(1));
        var again = await publisher.PublishAsync(FaqTrigger.Schedule, "test");
        Assert.False(again.Created);
        Assert.Equal(1, again.Version!.Number);
        await h.CommandAsync(Alice, "faq publish");
        Assert.Contains("Nothing changed since version 1", h.Replies.Last().Text, StringComparison.Ordinal);
        Assert.Single(await h.VersionsAsync());
    }

    [StorageFact]
    public async Task Publish_NothingEverApproved_NoEmptyVersion()
    {
        var result = await _host.Get<FaqPublisher>().PublishAsync(FaqTrigger.Admin, "test");
        Assert.False(result.Created);
        Assert.Null(result.Version);
        Assert.Empty(await _host.VersionsAsync());
    }

    [StorageFact]
    public async Task Approve_WithoutAddToFaq_NoTimerAndNoVersion()
    {
        var h = _host;
        await h.ApprovedMailAnswerAsync(ParcelsQuestion, ParcelsReply, addToFaq: false);
        Assert.DoesNotContain(await h.TimerRowsAsync(), t => t.Kind == FaqPublishTimerHandler.TimerKind);
        Assert.False((await h.Get<FaqPublisher>().PublishAsync(FaqTrigger.Admin, "test")).Created);
        Assert.Empty(await h.VersionsAsync());
    }

    [StorageFact]
    public async Task Supersede_ThenRetire_NextVersionsFollowTheLibraryAndOldVersionsStayUnchanged()
    {
        var h = _host;
        var parcels = await h.ApprovedMailAnswerAsync(ParcelsQuestion, ParcelsReply);
        var lockers = await h.ApprovedMailAnswerAsync("Do parcel lockers accept returns?", "Yes, every parcel locker accepts prepaid returns.");
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(2, await h.FireDueTimersAsync()); // two approvals, two timers: one version, the second finds nothing new
        var v1 = Assert.Single(await h.VersionsAsync());
        Assert.Equal([parcels, lockers], v1.Entries.OrderBy(e => e.Position).Select(e => e.QuestionId)); // oldest question first

        // Supersede (Mail has no approvers: approved on submit): the new text replaces the old one in the next version.
        h.Time.Advance(TimeSpan.FromMinutes(30));
        var old = await h.ActiveEntryAsync(parcels);
        var replaced = await h.InvokeAsync(Carol, CardVerbs.LibrarySupersede, new LibrarySupersedeData(FaqTestHost.Id(old.Id)), new Dictionary<string, object?>
        {
            [InputIds.CustomerReply] = "Deliveries are back to normal from Monday.",
            [InputIds.ShortReply] = "Back to normal from Monday.",
            [InputIds.AddToFaq] = "true",
            [InputIds.Reason] = "The hubs reopened.",
        });
        Assert.Equal(ContentTypes.AdaptiveCard, replaced.Type);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.True(await h.FireDueTimersAsync() >= 1);
        var versions = await h.VersionsAsync();
        Assert.Equal(2, versions.Count);
        var v2Parcels = Assert.Single(versions[1].Entries, e => e.QuestionId == parcels);
        Assert.Equal("Deliveries are back to normal from Monday.", v2Parcels.CustomerReply);
        Assert.Equal(2, v2Parcels.LibraryVersion);
        Assert.DoesNotContain(versions[1].Entries, e => e.CustomerReply == ParcelsReply);
        Assert.Equal(ParcelsReply, Assert.Single(versions[0].Entries, e => e.QuestionId == parcels).CustomerReply); // v1 unchanged

        // Retire: the entry leaves the next version.
        h.Time.Advance(TimeSpan.FromMinutes(30));
        var lockerEntry = await h.ActiveEntryAsync(lockers);
        await h.InvokeAsync(Carol, CardVerbs.LibraryRetire, new LibraryRetireData(FaqTestHost.Id(lockerEntry.Id)), new Dictionary<string, object?> { [InputIds.RetireReason] = "Lockers closed." });
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await h.FireDueTimersAsync());
        versions = await h.VersionsAsync();
        Assert.Equal(3, versions.Count);
        Assert.Equal(FaqTrigger.Retirement, versions[2].Trigger);
        Assert.Equal([parcels], versions[2].Entries.Select(e => e.QuestionId));
        Assert.Equal(2, versions[1].Entries.Count);

        // IFaqChanges: between consecutive versions, in the period asked for.
        var changes = await h.Get<IFaqChanges>().GetChangesAsync(versions[1].PublishedAt, h.Time.GetUtcNow().AddSeconds(1));
        Assert.Equal(
            [(ParcelsQuestion, FaqChangeKind.Updated, 2), ("Do parcel lockers accept returns?", FaqChangeKind.Withdrawn, 3)],
            changes.Select(c => (c.Question, c.Kind, c.FaqVersion)));
        Assert.All(changes, c => Assert.Equal(("mail", "Mail"), (c.ProductKey, c.ProductName)));
        var all = await h.Get<IFaqChanges>().GetChangesAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue);
        Assert.Equal([FaqChangeKind.Added, FaqChangeKind.Added, FaqChangeKind.Updated, FaqChangeKind.Withdrawn], all.Select(c => c.Kind));
        Assert.Empty(await h.Get<IFaqChanges>().GetChangesAsync(versions[2].PublishedAt.AddSeconds(1), DateTimeOffset.MaxValue));
    }

    [StorageFact]
    public async Task Supersede_ReplacementWithoutAddToFaq_EntryIsWithdrawn()
    {
        var h = _host;
        var parcels = await h.ApprovedMailAnswerAsync(ParcelsQuestion, ParcelsReply);
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.FireDueTimersAsync();
        var old = await h.ActiveEntryAsync(parcels);
        await h.InvokeAsync(Carol, CardVerbs.LibrarySupersede, new LibrarySupersedeData(FaqTestHost.Id(old.Id)), new Dictionary<string, object?>
        {
            [InputIds.CustomerReply] = "Internal only now.",
            [InputIds.ShortReply] = "Internal only now.",
            [InputIds.AddToFaq] = "false",
            [InputIds.Reason] = "Not for the public any more.",
        });
        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.FireDueTimersAsync();
        var versions = await h.VersionsAsync();
        Assert.Equal(2, versions.Count);
        Assert.Empty(versions[1].Entries);
        var change = Assert.Single(await h.Get<IFaqChanges>().GetChangesAsync(versions[1].PublishedAt, versions[1].PublishedAt.AddSeconds(1)));
        Assert.Equal(FaqChangeKind.Withdrawn, change.Kind);
    }

    [StorageFact]
    public async Task FaqPublish_AdminOnly_RefusalAuditedAndAdminPublishes()
    {
        await using var h = await FaqTestHost.StartAsync(Postgres, new Dictionary<string, string?> { ["Faq:PublishOnApproval"] = "false", ["Faq:PublicBaseUrl"] = "https://care.contoso.test/" });
        try
        {
            await h.ApprovedMailAnswerAsync(ParcelsQuestion, ParcelsReply);
            Assert.DoesNotContain(await h.TimerRowsAsync(), t => t.Kind == FaqPublishTimerHandler.TimerKind);

            await h.CommandAsync(Bob, "faq");
            Assert.Contains("https://care.contoso.test/faq", h.Replies.Last().Text, StringComparison.Ordinal);
            Assert.Contains("Nothing has been published yet", h.Replies.Last().Text, StringComparison.Ordinal);

            await h.CommandAsync(Bob, "faq publish");
            Assert.Equal("Only CrisisBot admins (Bot:Admins) can publish the FAQ. Nothing was published.", h.Replies.Last().Text);
            Assert.Empty(await h.VersionsAsync());

            await h.CommandAsync(Alice, "faq publish");
            Assert.StartsWith("Published FAQ version 1 (1 answer, as of 22 Nov 2026 12:00 UTC): 1 added, 0 updated, 0 withdrawn.", h.Replies.Last().Text, StringComparison.Ordinal);
            var version = Assert.Single(await h.VersionsAsync());
            Assert.Equal(FaqTrigger.Admin, version.Trigger);
            Assert.Equal("admin Alice Admin", version.TriggeredBy);

            await h.CommandAsync(Bob, "faq");
            Assert.Equal("The public FAQ is at https://care.contoso.test/faq: version 1, as of 22 Nov 2026 12:00 UTC, 1 answer. Earlier versions: https://care.contoso.test/faq/history.", h.Replies.Last().Text);
            await h.CommandAsync(Bob, "faq everything");
            Assert.StartsWith("I don't know 'faq everything'.", h.Replies.Last().Text, StringComparison.Ordinal);

            await using var db = await h.DbAsync();
            var audit = await db.Set<AuditEntry>().Where(a => a.Subject == "faq").OrderBy(a => a.Id).ToListAsync();
            Assert.Equal(["faq.publish.refused", "faq.publish"], audit.Select(a => a.Action));
            Assert.Equal([Bob.Aad, Alice.Aad], audit.Select(a => a.ActorId));
        }
        finally
        {
            DeleteDirectory(h.DataDirectory);
        }
    }

    [StorageFact]
    public async Task Publish_TwoPublishersRace_NumberIsTakenOnceAndTheLoserFailsOnSave()
    {
        var h = _host;
        await h.ApprovedMailAnswerAsync(ParcelsQuestion, ParcelsReply);
        var publisher = h.Get<FaqPublisher>();
        await using var slow = await h.DbAsync();
        var staged = await publisher.StageAsync(slow, FaqTrigger.Approval, "slow", CancellationToken.None);
        Assert.True(staged.Created);
        Assert.Equal(1, staged.Version!.Number);

        var fast = await publisher.PublishAsync(FaqTrigger.Admin, "fast");
        Assert.Equal(1, fast.Version!.Number);
        await Assert.ThrowsAnyAsync<DbUpdateException>(() => slow.SaveChangesAsync());
        var version = Assert.Single(await h.VersionsAsync());
        Assert.Equal("fast", version.TriggeredBy);
    }
}

/// <summary>The same on PostgreSQL (each test on its own database).</summary>
[PostgresTests]
public sealed class FaqPublishingPostgresTests : FaqPublishingTests
{
    protected override bool OnPostgres => true;
}
