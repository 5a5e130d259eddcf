using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Outbox;

public class OutboxRetentionJobTests : FakeConnectorTestBase
{
    [StorageFact]
    public async Task DeleteOldRows_SentOlderThanAge_DeletedOthersKept()
    {
        await using var host = await OutboxTestHost.StartAsync(postgres: Postgres);
        var sent = await host.InContextAsync(db => Enumerable.Range(0, 5)
            .Select(i => host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(Fake.ServiceUrl, OutboxDeliveryTests.Tenant, $"19:r{i}@thread.tacv2", OutboxDeliveryTests.Card($"c{i}"), $"card-{i}")))
            .ToList());
        await host.DrainAsync();
        await host.Worker.StopAsync(CancellationToken.None);
        var pending = await host.InContextAsync(db => host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(Fake.ServiceUrl, OutboxDeliveryTests.Tenant, "19:p@thread.tacv2", OutboxDeliveryTests.Card("p"), "card-p")));
        var dead = await host.InContextAsync(db => host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(Fake.ServiceUrl, OutboxDeliveryTests.Tenant, "19:d@thread.tacv2", OutboxDeliveryTests.Card("d"), "card-d")));
        await using (var db = await host.Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync())
        {
            await db.Set<OutboxMessage>().Where(m => m.Id == dead.Id).ExecuteUpdateAsync(s => s.SetProperty(m => m.Status, OutboxStatus.Dead));
        }

        var time = new FakeTimeProvider(DateTimeOffset.UtcNow + TimeSpan.FromDays(6));
        var job = new OutboxRetentionJob(host.Get<IDbContextFactory<CrisisDbContext>>(),
            Options.Create(new RetentionOptions { OutboxAge = TimeSpan.FromDays(7), BatchSize = 100 }), time, NullLogger<OutboxRetentionJob>.Instance);
        Assert.Equal(0, await job.DeleteOldRowsAsync(CancellationToken.None)); // 6 days: too young

        time.Advance(TimeSpan.FromDays(2));
        await job.RunAsync(time.GetUtcNow(), CancellationToken.None);

        var left = await host.RowsAsync();
        Assert.Equal([pending.Id, dead.Id], left.Select(r => r.Id));
        Assert.NotNull(await host.CardAsync("card-0")); // the card's post stays addressable for later updates
        Assert.Equal(5, sent.Count);
    }

    [StorageFact]
    public void Registration_AddOutbox_RegistersTheJobForTheScheduler()
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Retention:Cron"] = "0 4 * * *" }).Build();
        services.AddOutbox(configuration);

        Assert.Contains(services, d => d.ServiceType == typeof(IRecurringJob));
        var bad = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Retention:Cron"] = "every night" }).Build();
        using var provider = new ServiceCollection().AddLogging().AddOutbox(bad).BuildServiceProvider();
        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<RetentionOptions>>().Value);
        Assert.Contains("Retention:Cron", error.Message, StringComparison.Ordinal);
    }
}

/// <summary>The retention test again on PostgreSQL.</summary>
[PostgresTests]
public sealed class OutboxRetentionJobPostgresTests : OutboxRetentionJobTests
{
    protected override bool OnPostgres => true;
}
