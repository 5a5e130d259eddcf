using CrisisBot.Cards.Actions;
using CrisisBot.Features.Summaries;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Tests.Features.Channels;
using CrisisBot.Tests.TestData;

namespace CrisisBot.Tests.Features.Summaries;

public sealed class SummaryCommandsTests
{
    [Theory]
    [InlineData("summary 3d", "I don't know the period '3d'")]
    [InlineData("summary today please", "I don't know the period 'today please'")]
    [InlineData("summary week-ish", "I don't know the period 'week-ish'")]
    public async Task Summary_BadArgument_RepliesWithUsageAndStoresNothing(string command, string expected)
    {
        await using var host = await SummaryTestHost.StartAsync();
        await host.LinkLeadershipChannelAsync();

        await host.RunAsync(SummaryTestHost.InChannel(command));

        var reply = host.Replies.Single().Text!;
        Assert.Contains(expected, reply, StringComparison.Ordinal);
        Assert.Contains("Usage: summary [today|24h|7d]", reply, StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<StoredSummary>());
        Assert.DoesNotContain(await host.RowsAsync<OutboxMessage>(), m => m.CardId?.StartsWith("summary:", StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Summary_InLeadershipChannel_PostsTheCardThereThroughTheOutbox()
    {
        await using var host = await SummaryTestHost.StartAsync();
        await host.LinkLeadershipChannelAsync();

        await host.RunAsync(SummaryTestHost.InChannel("summary 7d"));

        var summary = Assert.Single(await host.RowsAsync<StoredSummary>());
        Assert.Equal(SummaryPeriod.Last7Days, summary.Period);
        Assert.Equal(StoredSummary.TriggerOnDemand, summary.Trigger);
        Assert.Equal(SummaryTestHost.LeadAadObjectId, summary.RequestedById);
        Assert.True(summary.IsChannelPost);
        var post = Assert.Single(await host.RowsAsync<OutboxMessage>(), m => m.CardId == summary.CardId);
        Assert.Equal(SummaryTestHost.LeadershipChannel, post.ConversationId);
        Assert.Contains(CardVerbs.SummaryAcknowledge, post.Payload, StringComparison.Ordinal);
        Assert.Contains("Last 7 days", post.Payload, StringComparison.Ordinal);
        var reply = host.Replies.Single().Text!;
        Assert.Contains("posted in this channel", reply, StringComparison.Ordinal);
        // The leadership channel gets the e-mail copy when configured; here it is not, and the reply says why.
        Assert.Contains("no e-mail copy: Summaries:MailTo and Summaries:MailFrom are not set", reply, StringComparison.Ordinal);
        Assert.Contains("Summaries:MailTo", summary.MailNote, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Summary_InPersonalChatWithoutLeadershipChannel_RepliesThereAndNamesLinkLeadership()
    {
        await using var host = await SummaryTestHost.StartAsync();

        await host.RunAsync(SummaryTestHost.InPersonalChat("summary today"));

        var summary = Assert.Single(await host.RowsAsync<StoredSummary>());
        Assert.False(summary.IsChannelPost);
        Assert.Equal(SummaryPeriod.Today, summary.Period);
        var post = Assert.Single(await host.RowsAsync<OutboxMessage>());
        Assert.Equal(ActivityBuilder.PersonalConversationId, post.ConversationId);
        Assert.Contains(CardVerbs.SummaryAcknowledge, post.Payload, StringComparison.Ordinal);
        Assert.Contains("'link leadership'", host.Replies.Single().Text, StringComparison.Ordinal);
        Assert.Null(summary.MailNote); // only summaries that go to the leadership channel are e-mailed
    }

    [Fact]
    public async Task ScheduledJob_NoLeadershipChannel_StoresNothingAndLogsLinkLeadership()
    {
        await using var host = await SummaryTestHost.StartAsync();

        await host.Get<IEnumerable<IRecurringJob>>().OfType<SummaryJob>().Single().RunAsync(SummaryTestHost.Start, CancellationToken.None);

        Assert.Empty(await host.RowsAsync<StoredSummary>());
        Assert.Empty(await host.RowsAsync<OutboxMessage>());
        var warning = Assert.Single(host.Logs.Entries, e => e.EventId.Id == 1402);
        Assert.Contains("'link leadership'", warning.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acknowledge_SeveralUsersOneTwice_EachListedOnceAndTheStoredCardUpdated()
    {
        await using var host = await SummaryTestHost.StartAsync();
        await host.LinkLeadershipChannelAsync();
        await host.RunAsync(SummaryTestHost.InChannel("summary"));
        var summary = Assert.Single(await host.RowsAsync<StoredSummary>());
        var data = new SummaryActionData(summary.Id);

        host.Time.Advance(TimeSpan.FromMinutes(5));
        var first = await host.InvokeAsync(CardVerbs.SummaryAcknowledge, data, "29:ceo", "Chief Executive", "DDDDDDDD-0000-0000-0000-000000000004");
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var second = await host.InvokeAsync(CardVerbs.SummaryAcknowledge, data, "29:cfo", "Finance Director", "EEEEEEEE-0000-0000-0000-000000000005");
        host.Time.Advance(TimeSpan.FromMinutes(5));
        var again = await host.InvokeAsync(CardVerbs.SummaryAcknowledge, data, "29:ceo", "Chief Executive", "DDDDDDDD-0000-0000-0000-000000000004");

        Assert.Contains("Chief Executive (12:05)", CardText.Of(first.Value), StringComparison.Ordinal);
        Assert.DoesNotContain("Finance Director", CardText.Of(first.Value), StringComparison.Ordinal);
        Assert.Contains("Chief Executive (12:05), Finance Director (12:10)", CardText.Of(second.Value), StringComparison.Ordinal);
        var text = CardText.Of(again.Value);
        Assert.Contains("Chief Executive (12:05), Finance Director (12:10)", text, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(text, "Chief Executive"));

        var acks = await host.RowsAsync<SummaryAcknowledgementRecord>();
        Assert.Equal(["DDDDDDDD-0000-0000-0000-000000000004", "EEEEEEEE-0000-0000-0000-000000000005"], acks.OrderBy(a => a.Id).Select(a => a.UserId));
        // One card update per new acknowledgement (the repeat changes nothing), targeting the summary's channel post.
        var updates = (await host.RowsAsync<OutboxMessage>()).Where(m => m.Kind == OutboxKind.Update && m.CardId == summary.CardId).OrderBy(m => m.Id).ToList();
        Assert.Equal(2, updates.Count);
        Assert.Contains("Finance Director", updates[^1].Payload, StringComparison.Ordinal);

        var refreshed = await host.InvokeAsync(CardVerbs.SummaryRefresh, data, "29:coo", "Operations", "FFFFFFFF-0000-0000-0000-000000000006");
        Assert.Contains("Chief Executive (12:05), Finance Director (12:10)", CardText.Of(refreshed.Value), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acknowledge_UnknownSummary_AnswersWithAMessage()
    {
        await using var host = await SummaryTestHost.StartAsync();

        var response = await host.InvokeAsync(CardVerbs.SummaryAcknowledge, new SummaryActionData(new string('a', 32)), "29:ceo", "Chief Executive", "DDDDDDDD-0000-0000-0000-000000000004");
        var malformed = await host.InvokeAsync(CardVerbs.SummaryAcknowledge, new SummaryActionData("../etc"), "29:ceo", "Chief Executive", "DDDDDDDD-0000-0000-0000-000000000004");

        Assert.Contains("no longer exists", response.Value.GetString(), StringComparison.Ordinal);
        Assert.Contains("does not say which summary", malformed.Value.GetString(), StringComparison.Ordinal);
        Assert.Empty(await host.RowsAsync<SummaryAcknowledgementRecord>());
    }

    [Fact]
    public async Task Schedule_AcrossSpringForward_RunsAt0800LocalEachDay()
    {
        // 08:00 Europe/London: GMT (UTC+0) until 2026-03-29 01:00 UTC, then BST (UTC+1): 08:00Z, then 07:00Z.
        var start = new DateTimeOffset(2026, 3, 27, 12, 0, 0, TimeSpan.Zero);
        await using var host = await SummaryTestHost.StartAsync(now: start, extra: new()
        {
            ["Summaries:Schedule"] = "0 8 * * *",
            ["Summaries:TimeZone"] = "Europe/London",
            ["Summaries:ScheduledPeriod"] = "today",
        });
        await host.LinkLeadershipChannelAsync();
        var worker = host.Get<SchedulerWorker>();
        while (host.Time.GetUtcNow() < new DateTimeOffset(2026, 3, 30, 12, 0, 0, TimeSpan.Zero))
        {
            host.Time.Advance(TimeSpan.FromMinutes(10));
            await worker.RunDueAsync(CancellationToken.None);
            await worker.WhenJobsIdleAsync();
        }

        var summaries = (await host.RowsAsync<StoredSummary>()).OrderBy(s => s.GeneratedAt).ToList();
        Assert.Equal(
            [
                new DateTimeOffset(2026, 3, 28, 8, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 29, 7, 0, 0, TimeSpan.Zero),
                new DateTimeOffset(2026, 3, 30, 7, 0, 0, TimeSpan.Zero),
            ],
            summaries.Select(s => Floor10(s.GeneratedAt)));
        Assert.All(summaries, s => Assert.Equal(StoredSummary.TriggerScheduled, s.Trigger));
        // "today" on the DST day starts at local midnight (00:00 GMT = 00:00Z) and has 7 hours by 08:00 BST.
        var dstDay = summaries[1];
        Assert.Equal(new DateTimeOffset(2026, 3, 29, 0, 0, 0, TimeSpan.Zero), dstDay.PeriodStart);
        var input = SummaryService.Read(dstDay);
        Assert.Equal(7, input.Volume.Count);
        Assert.Equal(TimeSpan.FromHours(1), input.PeriodEnd.Offset);
        Assert.Equal(new DateTimeOffset(2026, 3, 30, 0, 0, 0, TimeSpan.FromHours(1)), summaries[2].PeriodStart);
        Assert.Equal(3, (await host.RowsAsync<OutboxMessage>()).Count(m => m.CardId?.StartsWith("summary:", StringComparison.Ordinal) == true));

        static DateTimeOffset Floor10(DateTimeOffset at) => new(at.Ticks - (at.Ticks % TimeSpan.FromMinutes(10).Ticks), TimeSpan.Zero);
    }
}
