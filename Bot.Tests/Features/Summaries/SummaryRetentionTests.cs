using CrisisBot.Features.Crisis;
using CrisisBot.Features.Summaries;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Features.Experts;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static CrisisBot.Tests.Features.Experts.ExpertTestHost;

namespace CrisisBot.Tests.Features.Summaries;

/// <summary>Summaries:Retention: old summaries and their acknowledgements go, crisis-window summaries stay (SQLite and PostgreSQL).</summary>
public class SummaryRetentionTests : StorageProviderTests
{
    private ExpertTestHost _host = null!;

    protected override async Task StartAsync() => _host = await ExpertTestHost.StartAsync(Postgres);

    protected override async Task StopAsync()
    {
        await _host.DisposeAsync();
        DeleteDirectory(_host.DataDirectory);
    }

    [StorageFact]
    public async Task DeleteOldSummaries_PastRetention_DeletedWithAcks_CrisisWindowAndRecentKept()
    {
        var h = _host;
        var now = h.Time.GetUtcNow();
        await using (var db = await h.DbAsync())
        {
            // A crisis from now-120 d to now-118 d, and one still active since now-100 d.
            var old = Declare("Storm", now.AddDays(-120));
            old.StandDown(new CrisisActor("lead", "Lena"), "over", null, now.AddDays(-118));
            db.Add(old);
            await db.SaveChangesAsync();
            db.Add(Declare("Strike", now.AddDays(-100)));
            db.AddRange(
                Summary("before-crisis", now.AddDays(-121)),
                Summary("in-crisis", now.AddDays(-119)),
                Summary("between", now.AddDays(-110)),
                Summary("in-active-crisis", now.AddDays(-95)),
                Summary("edge-kept", now.AddDays(-89)),
                Summary("recent", now.AddHours(-1)));
            db.AddRange(Ack("before-crisis", "29:ceo"), Ack("before-crisis", "29:cfo"), Ack("in-crisis", "29:ceo"), Ack("recent", "29:ceo"));
            await db.SaveChangesAsync();
        }

        var job = Job(TimeSpan.FromDays(90));
        Assert.Equal("summaries.retention", job.Name);
        Assert.Equal(new RetentionOptions().Cron, job.Cron);
        Assert.Equal(2, await job.DeleteOldSummariesAsync(CancellationToken.None));

        await using (var db = await h.DbAsync())
        {
            Assert.Equal(["edge-kept", "in-active-crisis", "in-crisis", "recent"], (await db.Set<StoredSummary>().Select(s => s.Id).ToListAsync()).Order());
            Assert.Equal(["in-crisis", "recent"], (await db.Set<SummaryAcknowledgementRecord>().Select(a => a.SummaryId).ToListAsync()).Order());
        }

        Assert.Equal(0, await job.DeleteOldSummariesAsync(CancellationToken.None)); // idempotent
    }

    [StorageFact]
    public async Task DeleteOldSummaries_RetentionZero_KeepsEverything_JobDisabled()
    {
        await using (var db = await _host.DbAsync())
        {
            db.Add(Summary("ancient", _host.Time.GetUtcNow().AddDays(-3000)));
            await db.SaveChangesAsync();
        }

        var job = Job(TimeSpan.Zero);
        Assert.Null(job.Cron);
        Assert.Equal(0, await job.DeleteOldSummariesAsync(CancellationToken.None));
        await using var check = await _host.DbAsync();
        Assert.Equal(1, await check.Set<StoredSummary>().CountAsync());
    }

    [Theory]
    [InlineData("12:00:00", true)]
    [InlineData("-1.00:00:00", true)]
    [InlineData("00:00:00", false)]
    [InlineData("1.00:00:00", false)]
    [InlineData("365.00:00:00", false)]
    public void Validate_Retention_UnderADayOrNegativeRefusedWithTheKey(string retention, bool refused)
    {
        var config = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Summaries:Retention"] = retention }).Build();
        using var services = new ServiceCollection().AddSummaryOptionsForTest(config).BuildServiceProvider();
        if (refused)
        {
            var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SummaryOptions>>().Value);
            Assert.Contains("Summaries:Retention", ex.Message, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(TimeSpan.Parse(retention, System.Globalization.CultureInfo.InvariantCulture), services.GetRequiredService<IOptions<SummaryOptions>>().Value.Retention);
        }
    }

    private SummaryRetentionJob Job(TimeSpan retention) => new(
        _host.Get<IDbContextFactory<CrisisDbContext>>(),
        Options.Create(new SummaryOptions { Retention = retention }),
        Options.Create(new RetentionOptions()),
        _host.Time,
        NullLogger<SummaryRetentionJob>.Instance);

    private static CrisisRecord Declare(string name, DateTimeOffset at) =>
        CrisisRecord.Declare(name, [], "reason", new CrisisActor("lead", "Lena"),
            new CrisisChannel("19:crisis-" + name + "@thread.tacv2", "Crisis", "19:team@thread.tacv2", "Care", ServiceUrl, Tenant, CrisisRecord.OriginLinked, null), 4, at, null);

    private static StoredSummary Summary(string id, DateTimeOffset at) =>
        new() { Id = id, PeriodStart = at.AddDays(-1), PeriodEnd = at, GeneratedAt = at, Trigger = StoredSummary.TriggerScheduled, InputJson = "{}" };

    private static SummaryAcknowledgementRecord Ack(string summaryId, string user) =>
        new() { SummaryId = summaryId, UserId = user, Name = user, At = DateTimeOffset.UnixEpoch };
}

/// <summary>The same on PostgreSQL (each test on its own database).</summary>
[PostgresTests]
public sealed class SummaryRetentionPostgresTests : SummaryRetentionTests
{
    protected override bool OnPostgres => true;
}

internal static class SummaryOptionsTestExtensions
{
    public static IServiceCollection AddSummaryOptionsForTest(this IServiceCollection services, IConfiguration config)
    {
        services.AddOptions<SummaryOptions>().Bind(config.GetSection(SummaryOptions.SectionName)).ValidateDataAnnotations();
        services.AddSingleton<IValidateOptions<SummaryOptions>>(new SummaryOptionsValidator());
        return services;
    }
}
