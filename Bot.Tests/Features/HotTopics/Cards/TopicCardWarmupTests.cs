using CrisisBot.Features.Channels;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Startup;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Time.Testing;
using static CrisisBot.Tests.Features.HotTopics.Cards.TopicBatches;
using H = CrisisBot.Tests.Features.HotTopics.Cards.TopicCardsTestHost;

namespace CrisisBot.Tests.Features.HotTopics.Cards;

public sealed class TopicCardWarmupTests
{
    [Fact]
    public async Task WarmUpAsync_RunsTheCardPath_StoresAndQueuesNothing_ThenARealCardPostsAsBefore()
    {
        await using var host = await H.StartAsync();
        try
        {
            await host.LinkAsync(ChannelRole.Product, H.ProductChannel, "mail-parcels");

            var result = await host.Get<TopicCardWarmup>().WarmUpAsync();

            Assert.True(result.Elapsed > TimeSpan.Zero);
            Assert.Null(await host.CardAsync(TopicCardWarmup.SampleTopicId));
            Assert.Empty(await host.OutboxAsync());
            Assert.Equal(0, await host.FlushAsync());
            Assert.DoesNotContain(host.Logs.Entries, e => e.Message.Contains(TopicCardWarmup.SampleTopicId.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal));

            await host.ApplyAsync(Onset(7));
            Assert.Equal(1, await host.FlushAsync());
            var post = Assert.Single(await host.OutboxAsync());
            Assert.Equal(OutboxKind.ChannelPost, post.Kind);
            Assert.Equal("topic:7:1", post.CardId);
        }
        finally
        {
            H.Delete(host.DataDirectory);
        }
    }

    [Fact]
    public async Task Registration_BackgroundWorker_WarmsUpOnlyOnceTheStartGateOpens()
    {
        await using var host = await H.StartAsync(settings: new Dictionary<string, string?> { ["TopicCards:FlusherEnabled"] = "true" });
        try
        {
            var warmup = host.Get<TopicCardWarmup>();
            var gate = host.Get<BackgroundStartGate>();
            // Registered like the other background workers (AddBackgroundWorker), not as a hosted service of its own.
            var hosted = host.Get<IEnumerable<IHostedService>>().ToList();
            Assert.DoesNotContain(hosted, s => s is TopicCardWarmup);
            var deferred = Assert.Single(hosted.OfType<DeferredBackgroundService>(), d => d.Inner is TopicCardWarmup);

            await deferred.StartAsync(CancellationToken.None);
            Assert.False(gate.IsOpen);
            Assert.Null(warmup.ExecuteTask); // the gate is closed: nothing of the card path has run yet
            Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 5120);

            Assert.True(gate.Open("test: first request answered"));

            Assert.NotNull(await warmup.Completion.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.Single(host.Logs.Entries, e => e.EventId.Id == 5120);
            Assert.Empty(await host.OutboxAsync());
            await deferred.StopAsync(CancellationToken.None);
        }
        finally
        {
            H.Delete(host.DataDirectory);
        }
    }

    [Fact]
    public async Task ExecuteAsync_WarmUpOff_CompletesWithoutRunning()
    {
        await using var host = await H.StartAsync(settings: new Dictionary<string, string?>
        {
            ["TopicCards:FlusherEnabled"] = "true",
            ["TopicCards:WarmUp"] = "false",
        });
        try
        {
            var warmup = host.Get<TopicCardWarmup>();
            await warmup.StartAsync(CancellationToken.None);

            Assert.Null(await warmup.Completion.WaitAsync(TimeSpan.FromSeconds(30)));
            Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 5120);
            await warmup.StopAsync(CancellationToken.None);
        }
        finally
        {
            H.Delete(host.DataDirectory);
        }
    }

    [Fact]
    public async Task WarmUpAsync_FirstRender_HoldsNoSqliteWriteLock()
    {
        // The renderer reads the clock once per rendering: this clock looks, at that moment, whether another connection
        // could take SQLite's write lock. The cold first rendering (JIT) must not run inside the warm-up's write transaction
        // (at load 40 it held the lock for 7 s and another writer timed out).
        var probe = new WriteLockProbeClock(new FakeTimeProvider(H.Start));
        await using var host = await H.StartAsync(configure: s => s.Replace(ServiceDescriptor.Singleton(sp => new TopicCardRenderer(sp.GetRequiredService<ProductCatalog>(), probe))));
        try
        {
            await host.LinkAsync(ChannelRole.Product, H.ProductChannel, "mail-parcels");
            await using (var db = await host.Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync())
            {
                probe.ConnectionString = db.Database.GetConnectionString();
            }

            await host.Get<TopicCardWarmup>().WarmUpAsync();

            Assert.NotEmpty(probe.Renders);
            Assert.False(probe.Renders[0], "the first (cold) rendering ran while the write lock was held");
            Assert.True(probe.Renders.Count >= 2, $"renders: {probe.Renders.Count}"); // the cold one, then the warm one that is written
            Assert.True(probe.Renders[^1], "the warm rendering is inside the rolled-back transaction, whose writes are warmed up too");
            Assert.Null(await host.CardAsync(TopicCardWarmup.SampleTopicId));
            Assert.Empty(await host.OutboxAsync());
        }
        finally
        {
            H.Delete(host.DataDirectory);
        }
    }

    /// <summary>A clock that records, at each reading, whether SQLite's write lock is held by another connection.</summary>
    private sealed class WriteLockProbeClock(TimeProvider inner) : TimeProvider
    {
        public string? ConnectionString { get; set; }

        /// <summary>One entry per reading once <see cref="ConnectionString"/> is set: true when the write lock was held.</summary>
        public List<bool> Renders { get; } = [];

        public override DateTimeOffset GetUtcNow()
        {
            if (ConnectionString is not null)
            {
                Renders.Add(IsWriteLocked(ConnectionString));
            }

            return inner.GetUtcNow();
        }

        private static bool IsWriteLocked(string connectionString)
        {
            // Default Timeout=1: the holder may be this very thread (the warm-up waiting on the renderer), so do not wait long.
            using var connection = new SqliteConnection(new SqliteConnectionStringBuilder(connectionString) { Pooling = false, DefaultTimeout = 1 }.ToString());
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "BEGIN IMMEDIATE;"; // one statement: an error in a later statement of a batch is not reported
            try
            {
                command.ExecuteNonQuery();
                command.CommandText = "ROLLBACK;";
                command.ExecuteNonQuery();
                return false;
            }
            catch (SqliteException ex) when (ex.SqliteErrorCode == 5) // SQLITE_BUSY
            {
                return true;
            }
        }
    }
}
