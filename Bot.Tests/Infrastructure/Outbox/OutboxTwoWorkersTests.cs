using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using static CrisisBot.Tests.Infrastructure.Outbox.OutboxDeliveryTests;
using CrisisBot.Tests.Infrastructure.Storage;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>Two workers (two service providers, as two instances would be) on one SQLite file share the rows through leases.</summary>
[Collection(CrisisBot.Tests.Infrastructure.SerialTests.Name)]
public class OutboxTwoWorkersTests : StorageProviderTests
{
    [StorageFact]
    public async Task TwoWorkers_OneDatabase_EveryPostSentExactlyOnce()
    {
        // Each instance has its own rate limiter, so together they may exceed a limit: the fake answers 429 then and the
        // worker retries; what this test checks is ownership (no post twice, none lost), not the combined rate.
        await using var fake = await FakeConnectorServer.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        try
        {
            await using var a = await OutboxTestHost.StartAsync(new Dictionary<string, string?> { ["Outbox:InstanceId"] = "instance-a", ["Outbox:BatchSize"] = "20", ["Connector:AttemptTimeout"] = "00:00:30" },
                directory: directory, postgres: Postgres);
            await using var b = await OutboxTestHost.StartAsync(new Dictionary<string, string?> { ["Outbox:InstanceId"] = "instance-b", ["Outbox:BatchSize"] = "20", ["Connector:AttemptTimeout"] = "00:00:30" },
                directory: directory, postgres: Postgres);

            for (var batch = 0; batch < 4; batch++)
            {
                var host = batch % 2 == 0 ? a : b;
                await host.InContextAsync(db =>
                {
                    for (var i = 0; i < 50; i++)
                    {
                        var n = (batch * 50) + i;
                        host.Outbox.Enqueue(db, OutboxRequest.ChannelPost(fake.ServiceUrl, Tenant, $"19:c{n % 20}@thread.tacv2", Card($"post {n}"), $"topic:{n}"));
                    }

                    return 0;
                });
            }

            var rows = await a.DrainAsync(TimeSpan.FromSeconds(90));

            Assert.Equal(200, rows.Count);
            Assert.All(rows, r => Assert.Equal(OutboxStatus.Sent, r.Status));
            Assert.Equal(200, fake.Messages.Count);
            Assert.Empty(fake.Duplicates());
            Assert.Equal(200, fake.Messages.Select(m => m.Marker).Distinct().Count());
            Assert.Contains(a.Logs.Entries, e => e.EventId.Id == 701);
            Assert.Contains(b.Logs.Entries, e => e.EventId.Id == 701);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException)
            {
                // best effort: temp folder
            }
        }
    }
}

/// <summary>Two workers on one PostgreSQL database.</summary>
[Collection(CrisisBot.Tests.Infrastructure.SerialTests.Name)]
[PostgresTests]
public sealed class OutboxTwoWorkersPostgresTests : OutboxTwoWorkersTests
{
    protected override bool OnPostgres => true;
}
