using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Tests.Features.HotTopics.Pipeline;

/// <summary>The import's writer keeps one SQLite connection for many batches; what it sets there must not leak.</summary>
public sealed class WriterSessionTests
{
    [Fact]
    public async Task Dispose_AfterRelaxedOverlappedImport_PooledConnectionsKeepTheirSynchronousLevel()
    {
        await using var host = await IntakeTestHost.CreateAsync();
        var before = await SynchronousLevelsAsync(host, 1);
        Assert.NotEqual(1L, before[0]); // NORMAL is what the relaxed import sets: the default must differ for this to test anything

        host.Pipeline.RelaxedCommits = true;
        var writes = new List<Task<CrisisBot.Features.HotTopics.Pipeline.IngestResult>>();
        foreach (var chunk in SamplePaths.DemoPosts().Take(600).Chunk(200))
        {
            writes.Add(await host.Pipeline.IngestOverlappedAsync(host.Pipeline.Prepare(chunk)));
        }

        await Task.WhenAll(writes);
        host.Pipeline.Dispose(); // waits for the writer, which closes its session

        // Every connection the pool holds (the writer's, the engine's read connection, the first one) is handed out at once.
        var after = await SynchronousLevelsAsync(host, 4);
        Assert.All(after, level => Assert.Equal(before[0], level));
    }

    private static async Task<List<long>> SynchronousLevelsAsync(IntakeTestHost host, int connections)
    {
        var contexts = new List<CrisisBot.Infrastructure.Storage.CrisisDbContext>();
        try
        {
            var levels = new List<long>();
            for (var i = 0; i < connections; i++)
            {
                var db = await host.DbFactory.CreateDbContextAsync();
                contexts.Add(db);
                await db.Database.OpenConnectionAsync();
                await using var command = db.Database.GetDbConnection().CreateCommand();
                command.CommandText = "PRAGMA synchronous;";
                levels.Add(Convert.ToInt64(await command.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture));
            }

            return levels;
        }
        finally
        {
            foreach (var db in contexts)
            {
                await db.DisposeAsync();
            }
        }
    }
}
