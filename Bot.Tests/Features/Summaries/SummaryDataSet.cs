using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Tests.Features.Summaries;

/// <summary>
/// A small known data set relative to <c>now</c> (times in hours before now). The expected numbers of every summary
/// section are worked out by hand in the comments of <see cref="SummaryBuilderTests"/>.
/// <list type="bullet">
/// <item>Topic 1 "Flights cancelled strike" (travel-insurance, hot, baseline 0.5/h): posts at −10, −9, −8, −2, −1.5, −0.5 h;
/// topic 3 (merged into 1): posts at −20, −1 h.</item>
/// <item>Topic 2 "Branch closed" (travel-money, cooling, baseline 0.25/h): posts at −25 (before the 24 h window), −23, −22, −21 h.</item>
/// <item>One triage post without a topic at −5 h; the week before: triage posts at −7 d −3 h (2) and −7 d −0.5 h (1).</item>
/// <item>Questions: Q1 (topic T1) asked −12 h approved −11 h; Q2 (topic T3) asked −6 h approved −4 h; Q3 (travel-money)
/// asked −3 h, open, due −2 h; Q4 (travel-money) asked −30 h, open, due +1 h; Q5 (travel-money) asked −40 h approved −30 h;
/// Q6 (travel-money) asked −5 h approved −4.5 h.</item>
/// <item>"I used this": entry of Q1 at −9.5, −8.5, −7 h; of Q2 at −1 h; of Q6 at −4, −3.5 h.</item>
/// <item>Alarms: travel-insurance at −3 h, travel-money at −22 h.</item>
/// </list>
/// </summary>
internal static class SummaryDataSet
{
    public static async Task SeedAsync(CrisisDbContext db, DateTimeOffset now)
    {
        DateTimeOffset H(double hours) => now.AddHours(-hours);
        long Ms(double hours) => H(hours).ToUnixTimeMilliseconds();
        var seq = 0;
        StoredPost Post(double hoursAgo, string product, int? topic) => new()
        {
            Source = "twitter",
            PostId = "p" + (++seq).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Text = "post " + seq.ToString(System.Globalization.CultureInfo.InvariantCulture),
            CreatedAtMs = Ms(hoursAgo),
            Product = product,
            TopicId = topic,
        };

        db.AddRange(
            new StoredTopic { Id = 1, Title = "Flights cancelled strike", Product = "travel-insurance", State = TopicState.Hot, BaselinePerHour = 0.5, Posts = 8 },
            new StoredTopic { Id = 2, Title = "Branch closed", Product = "travel-money", State = TopicState.Cooling, BaselinePerHour = 0.25, Posts = 4 },
            new StoredTopic { Id = 3, Title = "Strike flights", Product = "travel-insurance", State = TopicState.Resolved, MergedInto = 1, Posts = 2 });
        foreach (var h in new[] { 10, 9, 8, 2, 1.5, 0.5 })
        {
            db.Add(Post(h, "travel-insurance", 1));
        }

        db.AddRange(Post(20, "travel-insurance", 3), Post(1, "travel-insurance", 3));
        foreach (var h in new[] { 25.0, 23, 22, 21 })
        {
            db.Add(Post(h, "travel-money", 2));
        }

        db.AddRange(Post(5, "triage", null), Post((7 * 24) + 3, "triage", null), Post((7 * 24) + 3, "triage", null), Post((7 * 24) + 0.5, "triage", null));
        db.AddRange(
            new StoredAlarm { Product = "travel-insurance", TopicId = 1, Scope = AlarmScope.Topic, AtMs = Ms(3), Severity = AlarmSeverity.High },
            new StoredAlarm { Product = "travel-money", TopicId = 2, Scope = AlarmScope.Topic, AtMs = Ms(22), Severity = AlarmSeverity.Low });

        ExpertQuestion Question(long id, string product, string? topic, double asked, double? approved, double due) => new()
        {
            Id = id,
            ProductKey = product,
            TopicId = topic,
            Text = "Question " + id.ToString(System.Globalization.CultureInfo.InvariantCulture),
            AskedById = "agent",
            AskedByName = "Agent",
            AskedAt = H(asked),
            RoundStartedAt = H(asked),
            DueAt = H(due),
            SlaMinutes = 60,
            Status = approved is null ? QuestionStatus.Open : QuestionStatus.Approved,
            ApprovedAt = approved is { } a ? H(a) : null,
            ChannelId = "19:product@thread.tacv2",
            ServiceUrl = "https://smba.trafficmanager.net/emea/",
            TenantId = "tenant",
        };

        db.AddRange(
            Question(1, "travel-insurance", "T1", 12, 11, 11),
            Question(2, "travel-insurance", "T3", 6, 4, 5),
            Question(3, "travel-money", null, 3, null, 2),
            Question(4, "travel-money", null, 30, null, -1),
            Question(5, "travel-money", null, 40, 30, 39),
            Question(6, "travel-money", null, 5, 4.5, 4));
        await db.SaveChangesAsync();

        LibraryEntry Entry(long id, long question, string product) => new()
        {
            Id = id,
            QuestionId = question,
            ProductKey = product,
            ProductName = product,
            Question = "Question",
            CustomerReply = "Reply",
            ShortReply = "Reply",
            ApprovedBy = "Approver",
            Version = 1,
            Status = LibraryEntryStatus.Active,
        };

        db.AddRange(Entry(1, 1, "travel-insurance"), Entry(2, 2, "travel-insurance"), Entry(6, 6, "travel-money"));
        ExpertAuditEntry Used(long entry, double hoursAgo) => new() { At = H(hoursAgo), Action = "answer.used", EntryId = entry, ActorAadObjectId = "agent", ActorUserId = "29:agent", ActorName = "Agent" };
        db.AddRange(Used(1, 9.5), Used(1, 8.5), Used(1, 7), Used(2, 1), Used(6, 4), Used(6, 3.5));
        await db.SaveChangesAsync();
    }
}
