using CrisisBot.Features.Summaries;
using System.IO.Compression;
using System.Text.Json;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.Crisis.Export;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Tests.Features.Experts;
using CrisisBot.Tests.Infrastructure.Storage;
using CrisisBot.Tests.TestData;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using static CrisisBot.Tests.Features.Experts.ExpertTestHost;

namespace CrisisBot.Tests.Features.Crisis.Export;

/// <summary>The crisis export against the database: every row of the window is in the zip, counts equal (SQLite and PostgreSQL).</summary>
public class CrisisExportTests : StorageProviderTests
{
    private const string Formula = "=cmd|' /C calc'!A0, \"quoted\"\nsecond line";
    private ExpertTestHost _host = null!;
    private int _posts;

    protected override async Task StartAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["DutyOfCare:Threshold"] = "2" }).Build();
        _host = await ExpertTestHost.StartAsync(Postgres, s => s.AddCrisisExport().AddDutyOfCareFeature(configuration));
    }

    protected override async Task StopAsync()
    {
        await _host.DisposeAsync();
        DeleteDirectory(_host.DataDirectory);
    }

    [StorageFact]
    public async Task Export_CrisisWindow_EveryTableRowOfTheWindowInTheZipCountsEqual()
    {
        var h = _host;
        var t0 = h.Time.GetUtcNow();
        await using (var db = await h.DbAsync())
        {
            db.Add(new StoredTopic { Id = 7, Title = "Strike claims", Product = "travel-insurance", Posts = 3, FirstSeenMs = t0.AddHours(-3).ToUnixTimeMilliseconds(), LastSeenMs = t0.AddHours(2).ToUnixTimeMilliseconds() });
            db.Add(new StoredTopic { Id = 8, Title = "Old topic", Product = "mail", Posts = 1, FirstSeenMs = t0.AddDays(-3).ToUnixTimeMilliseconds(), LastSeenMs = t0.AddDays(-2).ToUnixTimeMilliseconds() });
            db.Add(AuditEntry.Create(t0, "channel.link", "admin", "Admin", "agents", "before the crisis"));
            await db.SaveChangesAsync();
        }

        await AddPostsAsync(t0.AddHours(-2), 7, false, "before the crisis");
        var before = await AskAsync(Bob, "Are strike cancellations covered by travel insurance?", "T7");

        // The crisis: declared at t0 + 1 h, stood down at t0 + 3 h.
        h.Time.Advance(TimeSpan.FromHours(1));
        int crisisId;
        await using (var db = await h.DbAsync())
        {
            var crisis = CrisisRecord.Declare("Airport strike", ["travel-insurance"], "Strike at the airport", new CrisisActor("lead", "Lena Lead"),
                new CrisisChannel("19:crisis@thread.tacv2", "Crisis", "19:team@thread.tacv2", "Care", ServiceUrl, Tenant, CrisisRecord.OriginLinked, null), 4, h.Time.GetUtcNow(), null);
            db.Add(crisis);
            await db.SaveChangesAsync();
            crisisId = crisis.Id;
            db.Add(CrisisRoleAssignment.Create(crisisId, CrisisRole.Lead, new CrisisActor("lead", "Lena Lead"), new CrisisActor("lead", "Lena Lead"), h.Time.GetUtcNow()));
            db.Add(AuditEntry.Create(h.Time.GetUtcNow(), "crisis.declare", "lead", "Lena Lead", "crisis:" + crisisId, null));
            await db.SaveChangesAsync();
        }

        h.Time.Advance(TimeSpan.FromMinutes(10));
        await AddPostsAsync(h.Time.GetUtcNow(), 7, false, Formula, "my claim, refused", "plain");
        await AskAsync(Frank, "Is a hotel night covered when the flight is cancelled by a strike?", "T7"); // joins Bob's question (same topic)
        await AskAsync(Frank, "Do you refund parcels lost in the strike?", null, "mail");
        await AddPostsAsync(h.Time.GetUtcNow(), 7, true, "you idiots", "pathetic crooks"); // Frank works on T7 (Bob's ask is 70 min old): 2 exposures, a prompt
        await using (var db = await h.DbAsync())
        {
            db.Add(CrisisDecision.Raise(crisisId, "Extend the refund window?", new CrisisActor("lead", "Lena Lead"), h.Time.GetUtcNow()));
            db.Add(CrisisStatusUpdate.Create(crisisId, 1, "Volumes peaking, =SUM(A1) pending", new CrisisActor("lead", "Lena Lead"), h.Time.GetUtcNow()));
            db.Add(new StoredSummary { Id = "s1", PeriodStart = t0, PeriodEnd = h.Time.GetUtcNow(), GeneratedAt = h.Time.GetUtcNow(), Trigger = StoredSummary.TriggerOnDemand, InputJson = "{}" });
            db.Add(new SummaryAcknowledgementRecord { SummaryId = "s1", UserId = "29:ceo", Name = "Cleo CEO", At = h.Time.GetUtcNow() });
            db.Add(new SummaryAcknowledgementRecord { SummaryId = "s1", UserId = "29:cfo", Name = "Finn CFO", At = h.Time.GetUtcNow() });
            db.Add(new SummaryKey { Id = 1, Key = "do-not-export", CreatedAt = h.Time.GetUtcNow() });
            await db.SaveChangesAsync();
        }

        h.Time.Advance(TimeSpan.FromHours(2));
        await using (var db = await h.DbAsync())
        {
            var crisis = await db.Set<CrisisRecord>().SingleAsync(c => c.Id == crisisId);
            crisis.StandDown(new CrisisActor("lead", "Lena Lead"), "Strike over", "Keep the FAQ short", h.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }

        // After the window.
        h.Time.Advance(TimeSpan.FromHours(1));
        await AddPostsAsync(h.Time.GetUtcNow(), 7, false, "after the crisis");
        await AskAsync(Bob, "Can I claim for a missed connection after the strike ended?", null, "credit-card");

        // Export.
        using var zipBytes = new MemoryStream();
        var manifest = await h.Get<CrisisExporter>().WriteAsync(crisisId, zipBytes);
        Assert.NotNull(manifest);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        var from = t0.AddHours(1);
        var to = from.AddHours(2).AddMinutes(10);
        Assert.Equal(ExportValues.Time(from), manifest.WindowFrom);
        Assert.Equal(ExportValues.Time(to), manifest.WindowTo);
        var zipManifest = JsonDocument.Parse(Read(zip, "manifest.json")).RootElement;
        Assert.Equal(crisisId, zipManifest.GetProperty("crisisId").GetInt32());
        Assert.Equal(manifest.Files.Count, zipManifest.GetProperty("files").GetArrayLength());
        Assert.Equal(zip.Entries.Select(e => e.FullName).Where(n => n != "manifest.json").Order(), manifest.Files.Select(f => f.Name).Order());

        // Every file: JSON lines and CSV records equal the manifest's row count.
        foreach (var file in manifest.Files)
        {
            var text = Read(zip, file.Name);
            var rows = file.Name.EndsWith(".jsonl", StringComparison.Ordinal) ? text.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length
                : file.Name.EndsWith(".csv", StringComparison.Ordinal) ? CsvParser.Parse(text).Count - 1 : file.Rows;
            Assert.True(rows == file.Rows, $"{file.Name}: {rows} rows in the file, manifest says {file.Rows}");
        }

        // Against the database, table by table.
        await using var check = await h.DbAsync();
        var (fromMs, toMs) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        var posts = await check.Set<StoredPost>().Where(p => p.CreatedAtMs >= fromMs && p.CreatedAtMs < toMs).Select(p => p.PostId).ToListAsync();
        Assert.Equal(5, posts.Count);
        Assert.Equal(posts.Order(), Lines(zip, "posts").Select(l => l.GetProperty("PostId").GetString()!).Order());
        var auditQuestions = await check.Set<ExpertAuditEntry>().Where(a => a.At >= from && a.At < to && a.QuestionId != null).Select(a => a.QuestionId!.Value).ToListAsync();
        var questions = (await check.Set<ExpertQuestion>().Where(q => q.AskedAt >= from && q.AskedAt < to).Select(q => q.Id).ToListAsync()).Union(auditQuestions).Order().ToList();
        Assert.Contains(before, questions); // asked before, joined during the crisis
        Assert.Equal(2, questions.Count);
        Assert.Equal(questions, Lines(zip, "questions").Select(l => l.GetProperty("Id").GetInt64()).Order());
        Assert.Equal(await check.Set<QuestionWaiter>().CountAsync(w => questions.Contains(w.QuestionId)), Rows(manifest, "waiting-agents"));
        Assert.Equal(3, Rows(manifest, "waiting-agents"));
        Assert.Equal(await check.Set<ExpertAnswer>().CountAsync(a => questions.Contains(a.QuestionId)), Rows(manifest, "answer-versions"));
        Assert.Equal(await check.Set<LibraryEntry>().CountAsync(e => questions.Contains(e.QuestionId)), Rows(manifest, "library-entries"));
        Assert.Equal(await check.Set<ExpertAuditEntry>().CountAsync(a => a.At >= from && a.At < to), Rows(manifest, "approvals-audit"));
        Assert.Equal(await check.Set<ExpertAuditEntry>().CountAsync(a => a.Action == "answer.used" && a.At >= from && a.At < to), Rows(manifest, "usage"));
        var outbox = await check.Set<OutboxMessage>().CountAsync(m => m.CreatedAt >= from && m.CreatedAt < to);
        Assert.True(outbox >= 4, $"outbox rows in the window: {outbox}");
        Assert.Equal(outbox, Rows(manifest, "deliveries-outbox"));
        Assert.Equal(await check.Set<CardMessage>().CountAsync(c => c.PostedAt >= from && c.PostedAt < to), Rows(manifest, "card-posts"));
        Assert.Equal(1, Rows(manifest, "audit"));
        Assert.Equal(1, Rows(manifest, "crisis"));
        Assert.Equal(1, Rows(manifest, "crisis-roles"));
        Assert.Equal(1, Rows(manifest, "decisions"));
        Assert.Equal(1, Rows(manifest, "status-updates"));
        Assert.Equal(1, Rows(manifest, "topics")); // topic 8 ended before the crisis
        Assert.Equal(3, Rows(manifest, "products"));
        Assert.Equal(4, Rows(manifest, "timeline")); // declared, decision, status update, stood down
        var care = Assert.Single(Lines(zip, "duty-of-care"));
        Assert.Equal(2, care.GetProperty("abusiveExposures").GetInt32());
        Assert.Equal(1, care.GetProperty("breakPrompts").GetInt32());
        Assert.Equal("agent 1", care.GetProperty("agent").GetString()); // not named by default
        Assert.Equal(await check.Set<SummaryAcknowledgementRecord>().CountAsync(), Rows(manifest, "summary-acknowledgements"));
        Assert.Equal(["Cleo CEO", "Finn CFO"], Lines(zip, "summary-acknowledgements").Select(l => l.GetProperty("Name").GetString()).Order());
        Assert.Equal(1, Rows(manifest, "summaries"));
        Assert.DoesNotContain(manifest.Files, f => f.Name.Contains("key", StringComparison.OrdinalIgnoreCase)); // the chart signing key stays out
        Assert.DoesNotContain(manifest.Notes, n => n.StartsWith("acknowledgements:", StringComparison.Ordinal));

        // CSV safety: the formula-looking post text is escaped and survives quoting.
        var csv = CsvParser.Parse(Read(zip, "posts.csv"));
        var textColumn = Array.IndexOf(csv[0], "Text");
        Assert.Contains(csv.Skip(1), r => r[textColumn] == "'" + Formula);
        Assert.Contains(csv.Skip(1), r => r[textColumn] == "my claim, refused");
        Assert.Contains(Lines(zip, "posts"), l => l.GetProperty("Text").GetString() == Formula); // JSON keeps the original
    }

    [StorageFact]
    public async Task Export_EventsBeforeInsideAtAndAfterStandDown_EveryFileCoversDeclarationThroughStandDown()
    {
        var h = _host;
        var declared = h.Time.GetUtcNow().AddHours(1);
        var stoodDown = declared.AddHours(2);
        var moments = new (string Label, DateTimeOffset At)[]
        {
            ("before", declared.AddSeconds(-1)), ("declared", declared), ("inside", declared.AddMinutes(30)), ("at", stoodDown), ("after", stoodDown.AddSeconds(1)),
        };
        int crisisId;
        await using (var db = await h.DbAsync())
        {
            db.Add(new StoredTopic { Id = 7, Title = "Strike claims", Product = "travel-insurance", Posts = 5, FirstSeenMs = declared.AddDays(-1).ToUnixTimeMilliseconds(), LastSeenMs = stoodDown.AddDays(1).ToUnixTimeMilliseconds() });
            var crisis = CrisisRecord.Declare("Airport strike", ["travel-insurance"], "Strike", new CrisisActor("lead", "Lena Lead"),
                new CrisisChannel("19:crisis@thread.tacv2", "Crisis", "19:team@thread.tacv2", "Care", ServiceUrl, Tenant, CrisisRecord.OriginLinked, null), 4, declared, null);
            db.Add(crisis);
            await db.SaveChangesAsync();
            crisisId = crisis.Id;
            crisis.StandDown(new CrisisActor("lead", "Lena Lead"), "Over", null, stoodDown);
            foreach (var (label, at) in moments)
            {
                db.Add(AuditEntry.Create(at, "test.event", "admin", "Admin", label, null));
                db.Add(new ExpertAuditEntry { At = at, Action = "test.event", ActorName = "Expert", After = label });
                db.Add(new StoredAlarm { TopicId = 7, Product = label, Scope = CrisisBot.Features.HotTopics.Spikes.AlarmScope.Topic, AtMs = at.ToUnixTimeMilliseconds(), Severity = CrisisBot.Features.HotTopics.Spikes.AlarmSeverity.Low });
            }

            // The stand-down report (one of the crisis's own cards) is delivered after the stand-down.
            foreach (var (label, at, card) in moments.Select(m => (m.Label, m.At, "topic:7:" + m.Label)).Append(("report", stoodDown.AddMinutes(1), crisis.CardId + ":report")))
            {
                var row = OutboxMessage.Create(OutboxRequest.ChannelPost(ServiceUrl, Tenant, "19:c-" + label + "@thread.tacv2", OutgoingActivity.Message(label), card), "{}", at);
                db.Add(row);
                await db.SaveChangesAsync();
                db.Add(CardMessage.Create(card, "19:c-" + label + "@thread.tacv2", "activity-" + label, ServiceUrl, row.Id, at));
            }

            await db.SaveChangesAsync();
        }

        foreach (var (label, at) in moments)
        {
            await AddPostsAsync(at, 7, false, label);
        }

        using var zipBytes = new MemoryStream();
        var manifest = await h.Get<CrisisExporter>().WriteAsync(crisisId, zipBytes);
        Assert.NotNull(manifest);
        Assert.Equal(ExportValues.Time(stoodDown), manifest.WindowTo);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        string[] period = ["at", "declared", "inside"];
        List<string> Labels(string file, Func<JsonElement, string> label) => [.. Lines(zip, file).Select(label).Order(StringComparer.Ordinal)];
        Assert.Equal(period, Labels("posts", l => l.GetProperty("Text").GetString()!));
        Assert.Equal(period, Labels("alarms", l => l.GetProperty("Product").GetString()!));
        Assert.Equal(period, Labels("audit", l => l.GetProperty("Subject").GetString()!));
        Assert.Equal(period, Labels("approvals-audit", l => l.GetProperty("After").GetString()!));
        string[] delivered = [.. period, "report"];
        Assert.Equal(delivered, Labels("deliveries-outbox", l => l.GetProperty("ConversationId").GetString()!["19:c-".Length..].Split('@')[0]));
        Assert.Equal(delivered, Labels("card-posts", l => l.GetProperty("ActivityId").GetString()!["activity-".Length..]));
    }

    [StorageFact]
    public async Task Export_UnknownCrisis_NullAndNothingWritten()
    {
        using var output = new MemoryStream();
        Assert.Null(await _host.Get<CrisisExporter>().WriteAsync(999, output));
        Assert.Equal(0, output.Length);
    }

    [StorageFact]
    public async Task Export_PostsArrivedDuringTheCrisis_IncludedWhateverTheirCreatedAt_PlusLateArrivalsOfTheWindow()
    {
        var h = _host;
        var t0 = h.Time.GetUtcNow();
        var replayed = t0.AddDays(-200); // a replay of old posts (the demo): event time long before the crisis
        await AddPostsAsync(replayed.AddHours(-5), 7, false, "old, before the crisis");
        int crisisId;
        await using (var db = await h.DbAsync())
        {
            db.Add(new StoredTopic { Id = 7, Title = "Strike claims", Product = "travel-insurance", Posts = 4, FirstSeenMs = replayed.AddHours(-5).ToUnixTimeMilliseconds(), LastSeenMs = replayed.ToUnixTimeMilliseconds() });
            db.Add(new StoredTopic { Id = 9, Title = "Unrelated old", Product = "mail", Posts = 1, FirstSeenMs = replayed.AddDays(-30).ToUnixTimeMilliseconds(), LastSeenMs = replayed.AddDays(-29).ToUnixTimeMilliseconds() });
            db.Add(new StoredAlarm { TopicId = 7, Product = "travel-insurance", Scope = CrisisBot.Features.HotTopics.Spikes.AlarmScope.Topic, AtMs = replayed.ToUnixTimeMilliseconds(), Severity = CrisisBot.Features.HotTopics.Spikes.AlarmSeverity.Medium });
            db.Add(new StoredAlarm { TopicId = 9, Product = "mail", Scope = CrisisBot.Features.HotTopics.Spikes.AlarmScope.Topic, AtMs = replayed.AddDays(-29).ToUnixTimeMilliseconds(), Severity = CrisisBot.Features.HotTopics.Spikes.AlarmSeverity.Low });
            var crisis = CrisisRecord.Declare("Replayed storm", [], "Demo", new CrisisActor("lead", "Lena Lead"),
                new CrisisChannel("19:crisis@thread.tacv2", "Crisis", "19:team@thread.tacv2", "Care", ServiceUrl, Tenant, CrisisRecord.OriginLinked, null), 4, t0, null);
            crisis.MarkDeclaredAtPost(await CrisisService.LatestPostSeqAsync(db, CancellationToken.None));
            db.Add(crisis);
            await db.SaveChangesAsync();
            crisisId = crisis.Id;
        }

        await AddPostsAsync(replayed, 7, false, "replayed 1", "replayed 2");
        h.Time.Advance(TimeSpan.FromHours(1));
        await AddPostsAsync(h.Time.GetUtcNow(), 7, false, "live in the window");
        h.Time.Advance(TimeSpan.FromHours(1));
        await using (var db = await h.DbAsync())
        {
            var crisis = await db.Set<CrisisRecord>().SingleAsync(c => c.Id == crisisId);
            crisis.StandDown(new CrisisActor("lead", "Lena Lead"), "Over", null, h.Time.GetUtcNow());
            crisis.MarkStoodDownAtPost(await CrisisService.LatestPostSeqAsync(db, CancellationToken.None));
            await db.SaveChangesAsync();
        }

        h.Time.Advance(TimeSpan.FromHours(1));
        await AddPostsAsync(t0.AddMinutes(30), 7, false, "late arrival created in the window");
        await AddPostsAsync(replayed, 7, false, "replayed after the stand-down");

        using var zipBytes = new MemoryStream();
        var manifest = await h.Get<CrisisExporter>().WriteAsync(crisisId, zipBytes);
        Assert.NotNull(manifest);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        var posts = Lines(zip, "posts");
        Assert.Equal(["late arrival created in the window", "live in the window", "replayed 1", "replayed 2"], posts.Select(p => p.GetProperty("Text").GetString()!).Order(StringComparer.Ordinal));
        Assert.Equal(4, Rows(manifest, "posts"));
        var byText = posts.ToDictionary(p => p.GetProperty("Text").GetString()!);
        Assert.Equal(1, byText["replayed 1"].GetProperty("ArrivedDuringCrisis").GetInt32());
        Assert.Equal(0, byText["replayed 1"].GetProperty("CreatedInWindow").GetInt32());
        Assert.Equal(1, byText["live in the window"].GetProperty("ArrivedDuringCrisis").GetInt32());
        Assert.Equal(1, byText["live in the window"].GetProperty("CreatedInWindow").GetInt32());
        Assert.Equal(0, byText["late arrival created in the window"].GetProperty("ArrivedDuringCrisis").GetInt32());
        Assert.Equal(7, Assert.Single(Lines(zip, "topics")).GetProperty("Id").GetInt32());
        Assert.Equal(7, Assert.Single(Lines(zip, "alarms")).GetProperty("TopicId").GetInt32());
        Assert.Contains(manifest.Notes, n => n.Contains("arrived while the crisis was active", StringComparison.Ordinal));
    }

    [StorageFact]
    public async Task Export_AfterTheOutboxRetentionRan_StillHasTheCrisisOutboxRowsAndSaysSo()
    {
        var h = _host;
        var t0 = h.Time.GetUtcNow();
        var outbox = h.Get<IOutbox>();
        async Task<long> EnqueueAsync(OutboxRequest request)
        {
            await using var db = await h.DbAsync();
            var row = outbox.Enqueue(db, request);
            await db.SaveChangesAsync();
            return row.Id;
        }

        OutboxRequest Post(string cardId) => OutboxRequest.ChannelPost(ServiceUrl, Tenant, "19:crisis@thread.tacv2", OutgoingActivity.Message(cardId), cardId);
        var before = await EnqueueAsync(Post("topic:1"));
        h.Time.Advance(TimeSpan.FromHours(1));
        int crisisId;
        await using (var db = await h.DbAsync())
        {
            var crisis = CrisisRecord.Declare("Airport strike", [], "Strike", new CrisisActor("lead", "Lena Lead"),
                new CrisisChannel("19:crisis@thread.tacv2", "Crisis", "19:team@thread.tacv2", "Care", ServiceUrl, Tenant, CrisisRecord.OriginLinked, null), 4, h.Time.GetUtcNow(), null);
            db.Add(crisis);
            await db.SaveChangesAsync();
            crisisId = crisis.Id;
        }

        var card = CrisisRecord.CardIdFor(crisisId);
        var declared = await EnqueueAsync(Post(card));
        h.Time.Advance(TimeSpan.FromMinutes(30));
        var topicCard = await EnqueueAsync(Post("topic:2"));
        var statusRequest = await EnqueueAsync(Post(card + ":status:1"));
        h.Time.Advance(TimeSpan.FromHours(2));
        await using (var db = await h.DbAsync())
        {
            var crisis = await db.Set<CrisisRecord>().SingleAsync(c => c.Id == crisisId);
            crisis.StandDown(new CrisisActor("lead", "Lena Lead"), "Over", null, h.Time.GetUtcNow());
            await db.SaveChangesAsync();
        }

        // The stand-down report is enqueued just after the stand-down time: kept by its card id.
        h.Time.Advance(TimeSpan.FromMilliseconds(3));
        var reportUpdate = await EnqueueAsync(OutboxRequest.UpdateCard(ServiceUrl, Tenant, "19:crisis@thread.tacv2", card, OutgoingActivity.Message("report")));
        var reportPost = await EnqueueAsync(Post(card + ":report"));
        h.Time.Advance(TimeSpan.FromHours(1));
        var after = await EnqueueAsync(Post("topic:3"));
        await using (var db = await h.DbAsync())
        {
            await db.Set<OutboxMessage>().ExecuteUpdateAsync(u => u.SetProperty(m => m.Status, OutboxStatus.Sent));
        }

        // A month later the retention job (Retention:OutboxAge 7 days) runs: only the rows outside the crisis go.
        h.Time.Advance(TimeSpan.FromDays(30));
        Assert.True(await h.Get<OutboxRetentionJob>().DeleteOldRowsAsync(CancellationToken.None) >= 2);
        long[] kept = [declared, topicCard, statusRequest, reportUpdate, reportPost];
        await using (var db = await h.DbAsync())
        {
            Assert.Equal(kept, await db.Set<OutboxMessage>().OrderBy(m => m.Id).Select(m => m.Id).ToListAsync());
            Assert.DoesNotContain(before, kept);
            Assert.DoesNotContain(after, kept);
        }

        using var zipBytes = new MemoryStream();
        var manifest = await h.Get<CrisisExporter>().WriteAsync(crisisId, zipBytes);
        Assert.NotNull(manifest);
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        Assert.Equal(kept, Lines(zip, "deliveries-outbox").Select(l => l.GetProperty("Id").GetInt64()));
        Assert.Equal(5, Rows(manifest, "deliveries-outbox"));
        Assert.Contains(manifest.Notes, n => n.StartsWith("deliveries-outbox: every outbox row created while the crisis was active", StringComparison.Ordinal)
                                             && n.Contains("exempt from Retention:OutboxAge", StringComparison.Ordinal));
    }

    [StorageFact]
    public async Task StandDownReportVolumes_LateArrivingPosts_SameNumbersAsTheExport()
    {
        var h = _host;
        var t0 = h.Time.GetUtcNow();
        var replayed = t0.AddDays(-200);
        await using (var db = await h.DbAsync())
        {
            db.Add(new StoredTopic { Id = 7, Title = "Strike claims", Product = "travel-insurance", Posts = 5, FirstSeenMs = replayed.ToUnixTimeMilliseconds(), LastSeenMs = t0.AddHours(1).ToUnixTimeMilliseconds() });
            db.Add(new StoredTopic { Id = 11, Title = "Strike hotels", Product = "travel-insurance", Posts = 1, FirstSeenMs = t0.ToUnixTimeMilliseconds(), LastSeenMs = t0.AddMinutes(10).ToUnixTimeMilliseconds(), MergedInto = 7 });
            db.Add(new StoredTopic { Id = 12, Title = "Parcels", Product = "mail", Posts = 1, FirstSeenMs = t0.ToUnixTimeMilliseconds(), LastSeenMs = t0.AddMinutes(20).ToUnixTimeMilliseconds() });
            db.Add(new StoredAlarm { TopicId = 7, Product = "travel-insurance", Scope = CrisisBot.Features.HotTopics.Spikes.AlarmScope.Topic, AtMs = replayed.ToUnixTimeMilliseconds(), Severity = CrisisBot.Features.HotTopics.Spikes.AlarmSeverity.Medium });
            db.Add(new StoredAlarm { TopicId = 7, Product = "travel-insurance", Scope = CrisisBot.Features.HotTopics.Spikes.AlarmScope.Topic, AtMs = t0.AddMinutes(40).ToUnixTimeMilliseconds(), Severity = CrisisBot.Features.HotTopics.Spikes.AlarmSeverity.High });
            db.Add(new StoredAlarm { TopicId = 12, Product = "mail", Scope = CrisisBot.Features.HotTopics.Spikes.AlarmScope.Topic, AtMs = t0.AddMinutes(20).ToUnixTimeMilliseconds(), Severity = CrisisBot.Features.HotTopics.Spikes.AlarmSeverity.Low });
            await db.SaveChangesAsync();
        }

        await AddPostsAsync(replayed.AddHours(-5), 7, false, "old, arrived before the crisis");
        int crisisId;
        await using (var db = await h.DbAsync())
        {
            var crisis = CrisisRecord.Declare("Airport strike", ["travel-insurance"], "Strike", new CrisisActor("lead", "Lena Lead"),
                new CrisisChannel("19:crisis@thread.tacv2", "Crisis", "19:team@thread.tacv2", "Care", ServiceUrl, Tenant, CrisisRecord.OriginLinked, null), 4, t0, null);
            crisis.MarkDeclaredAtPost(await CrisisService.LatestPostSeqAsync(db, CancellationToken.None));
            db.Add(crisis);
            await db.SaveChangesAsync();
            crisisId = crisis.Id;
        }

        await AddPostsAsync(replayed, 7, false, "replayed 1", "replayed 2"); // arrive now, created 200 days ago
        await AddPostsAsync(t0.AddMinutes(10), 11, false, "hotel (topic merged into 7)");
        await AddPostsInAsync("mail", t0.AddMinutes(20), 12, "parcel (not in the crisis's products)");
        h.Time.Advance(TimeSpan.FromHours(1));
        await AddPostsAsync(h.Time.GetUtcNow(), 7, false, "live");
        h.Time.Advance(TimeSpan.FromHours(1));
        CrisisRecord stoodDown;
        await using (var db = await h.DbAsync())
        {
            stoodDown = await db.Set<CrisisRecord>().SingleAsync(c => c.Id == crisisId);
            stoodDown.StandDown(new CrisisActor("lead", "Lena Lead"), "Over", null, h.Time.GetUtcNow());
            stoodDown.MarkStoodDownAtPost(await CrisisService.LatestPostSeqAsync(db, CancellationToken.None));
            await db.SaveChangesAsync();
        }

        // The report at the stand-down (what BuildReportAsync asks for): the 4 posts of travel insurance so far, one topic.
        var source = new CrisisActivityFromStorage(h.Get<IDbContextFactory<CrisisDbContext>>(), Microsoft.Extensions.Options.Options.Create(new SummaryOptions()));
        var atStandDown = await source.GetVolumesAsync(CrisisPeriod.Of(stoodDown, h.Time.GetUtcNow()), stoodDown.Products);
        Assert.Equal(4, atStandDown!.Posts);

        // Later: a post created in the window arrives late, an old one is replayed (not the crisis's).
        h.Time.Advance(TimeSpan.FromHours(1));
        await AddPostsAsync(t0.AddMinutes(30), 7, false, "late arrival created in the window");
        await AddPostsAsync(replayed, 7, false, "replayed after the stand-down");
        var report = await source.GetVolumesAsync(CrisisPeriod.Of(stoodDown, h.Time.GetUtcNow()), stoodDown.Products);

        using var zipBytes = new MemoryStream();
        Assert.NotNull(await h.Get<CrisisExporter>().WriteAsync(crisisId, zipBytes));
        zipBytes.Position = 0;
        using var zip = new ZipArchive(zipBytes, ZipArchiveMode.Read);
        var posts = Lines(zip, "posts").Where(p => p.GetProperty("Product").GetString() == "travel-insurance").ToList();
        var alarms = Lines(zip, "alarms").Where(a => a.GetProperty("Product").GetString() == "travel-insurance").ToList();
        var fromExport = new CrisisVolumes(
            posts.Count,
            posts.GroupBy(p => p.GetProperty("CreatedAtMs").GetInt64() / 3_600_000).Max(g => g.Count()),
            posts.Select(p => p.GetProperty("CurrentTopicId").GetInt32()).Distinct().Count(),
            alarms.Count);
        Assert.Equal(fromExport, report);
        Assert.Equal((5, 1, 2), (report!.Posts, report.Topics, report.Alarms)); // by event time alone: 3 posts, 1 alarm
        Assert.Equal(Lines(zip, "posts").Count, posts.Count + 1); // the export also has the mail post (all products)
    }

    private static long Rows(ExportManifest manifest, string file) => manifest.Files.Single(f => f.Name == file + ".jsonl").Rows;

    private static string Read(ZipArchive zip, string name)
    {
        using var reader = new StreamReader(zip.GetEntry(name)!.Open());
        return reader.ReadToEnd();
    }

    private static List<JsonElement> Lines(ZipArchive zip, string file) =>
        [.. Read(zip, file + ".jsonl").Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement.Clone())];

    private async Task<long> AskAsync(TestUser user, string question, string? topic, string product = "travel-insurance")
    {
        var activity = ActivityBuilder.Personal("ask").WithFrom(user.Id, user.Name, user.Aad).WithServiceUrl(ServiceUrl).WithTenant(Tenant).Build();
        var result = await _host.Get<ExpertService>().AskAsync(activity, new AskRequest(product, question, topic, topic is null ? null : "Strike claims"));
        Assert.NotNull(result.QuestionId);
        return result.QuestionId.Value;
    }

    private Task AddPostsAsync(DateTimeOffset createdAt, int topic, bool abusive, params string[] texts) =>
        AddPostsInAsync("travel-insurance", createdAt, topic, texts, abusive);

    private Task AddPostsInAsync(string product, DateTimeOffset createdAt, int topic, string text) =>
        AddPostsInAsync(product, createdAt, topic, [text], abusive: false);

    private async Task AddPostsInAsync(string product, DateTimeOffset createdAt, int topic, string[] texts, bool abusive)
    {
        await using var db = await _host.DbAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        foreach (var text in texts)
        {
            db.Add(new StoredPost
            {
                Source = "twitter",
                PostId = "p" + (++_posts).ToString(System.Globalization.CultureInfo.InvariantCulture),
                Text = text,
                CreatedAtMs = createdAt.ToUnixTimeMilliseconds(),
                Product = product,
                TopicId = topic,
                Abusive = abusive,
            });
        }

        await db.SaveChangesAsync();
        foreach (var observer in _host.Services.GetServices<ITopicChangeObserver>())
        {
            await observer.OnTopicsChangedAsync(db, new TopicChangeBatch([], [], [], createdAt, IsRebuild: false), CancellationToken.None);
        }

        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }
}

/// <summary>The same on PostgreSQL (each test on its own database).</summary>
[PostgresTests]
public sealed class CrisisExportPostgresTests : CrisisExportTests
{
    protected override bool OnPostgres => true;
}
