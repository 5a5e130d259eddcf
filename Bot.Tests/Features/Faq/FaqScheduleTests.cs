using CrisisBot.Features.Faq;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Tests.Features.Experts;
using CrisisBot.Tests.Infrastructure.Storage;
using static CrisisBot.Tests.Features.Experts.ExpertTestHost;

namespace CrisisBot.Tests.Features.Faq;

/// <summary>The scheduled publish (<c>Faq:Schedule</c> in <c>Faq:TimeZone</c>) across both daylight-saving changes, on a fake clock.</summary>
public class FaqScheduleTests : StorageProviderTests
{
    [StorageFact]
    public async Task Schedule_AcrossSpringForwardAndFallBack_PublishesOncePerLocalDayWhenContentChanged()
    {
        // 01:30 Europe/London daily. 2026-03-29: 01:30 does not exist (01:00 GMT → 02:00 BST), so it runs at 02:00 BST.
        // 2026-10-25: 01:30 happens twice (02:00 BST → 01:00 GMT); it runs once, at the first.
        var h = await FaqTestHost.StartAsync(Postgres, new Dictionary<string, string?>
        {
            ["Faq:Schedule"] = "30 1 * * *",
            ["Faq:TimeZone"] = "Europe/London",
            ["Faq:PublishOnApproval"] = "false",
        }, now: new DateTimeOffset(2026, 3, 28, 12, 0, 0, TimeSpan.Zero));
        try
        {
            var worker = h.Get<SchedulerWorker>();
            async Task PassAsync()
            {
                await worker.RunDueAsync(CancellationToken.None);
                await worker.WhenJobsIdleAsync();
            }

            async Task StepUntilAsync(DateTimeOffset until, DateTimeOffset? seedAt, string question)
            {
                while (h.Time.GetUtcNow() < until)
                {
                    h.Time.Advance(TimeSpan.FromMinutes(10));
                    if (h.Time.GetUtcNow() == seedAt)
                    {
                        await h.ApprovedMailAnswerAsync(question, "Reply to: " + question);
                    }

                    await PassAsync();
                }
            }

            await PassAsync();
            await h.ApprovedMailAnswerAsync("Why are parcels late this week?", "A storm closed two hubs.");
            await StepUntilAsync(new DateTimeOffset(2026, 3, 30, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 3, 29, 12, 0, 0, TimeSpan.Zero), "Can I still post letters to Spain?");

            // Months later: the missed occurrences collapse into one run, which finds nothing new (no version).
            h.Time.SetUtcNow(new DateTimeOffset(2026, 10, 24, 12, 0, 0, TimeSpan.Zero));
            await PassAsync();
            Assert.Equal(2, (await h.VersionsAsync()).Count);
            await h.ApprovedMailAnswerAsync("Are signed-for letters tracked abroad?", "Yes, in 40 countries.");
            // A change between the two 01:30s of 25 October: a second run at 01:30 GMT would publish it at once.
            await StepUntilAsync(new DateTimeOffset(2026, 10, 26, 12, 0, 0, TimeSpan.Zero), new DateTimeOffset(2026, 10, 25, 1, 0, 0, TimeSpan.Zero), "Do parcel lockers accept returns?");

            var versions = await h.VersionsAsync();
            Assert.Equal(
                [
                    new DateTimeOffset(2026, 3, 29, 1, 0, 0, TimeSpan.Zero),   // 02:00 BST (the gap)
                    new DateTimeOffset(2026, 3, 30, 0, 30, 0, TimeSpan.Zero),  // 01:30 BST
                    new DateTimeOffset(2026, 10, 25, 0, 30, 0, TimeSpan.Zero), // the first 01:30 (BST) of the overlap, once
                    new DateTimeOffset(2026, 10, 26, 1, 30, 0, TimeSpan.Zero), // 01:30 GMT
                ],
                versions.Select(v => v.PublishedAt));
            Assert.All(versions, v => Assert.Equal(FaqTrigger.Schedule, v.Trigger));
            Assert.Equal([1, 2, 3, 4], versions.Select(v => v.EntryCount));
            Assert.Contains("Europe/London", versions[0].TriggeredBy, StringComparison.Ordinal);
        }
        finally
        {
            await h.DisposeAsync();
            DeleteDirectory(h.DataDirectory);
        }
    }

    [Theory]
    [InlineData("Schedule", "61 * * * *", "Faq:Schedule '61 * * * *' is not a 5-field cron expression")]
    [InlineData("TimeZone", "Mars/Olympus", "Faq:TimeZone 'Mars/Olympus' is not a known time zone id")]
    [InlineData("PublicBaseUrl", "care.contoso.test/faq", "Faq:PublicBaseUrl 'care.contoso.test/faq' must be an absolute http(s) URL")]
    public void Validate_BadSetting_FailsNamingTheKey(string key, string value, string expected)
    {
        var options = new FaqOptions();
        typeof(FaqOptions).GetProperty(key)!.SetValue(options, value);
        var result = new FaqOptionsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(expected, result.FailureMessage, StringComparison.Ordinal);
        Assert.True(new FaqOptionsValidator().Validate(null, new FaqOptions { Schedule = "", TimeZone = "Europe/London", PublicBaseUrl = "https://care.contoso.test" }).Succeeded);
    }
}

[PostgresTests]
public sealed class FaqSchedulePostgresTests : FaqScheduleTests
{
    protected override bool OnPostgres => true;
}
