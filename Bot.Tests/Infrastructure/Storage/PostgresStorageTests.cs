using System.Net;
using System.Text.Json;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.TestHost;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>The PostgreSQL migrations and /healthz on a real server (scripts/postgres.sh), each test on its own database.</summary>
public sealed class PostgresStorageTests : StorageProviderTests
{
    protected override bool OnPostgres => true;

    private string Database => Postgres!;

    private static IConfiguration Configuration(string connectionString) => new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["Storage:Provider"] = "Postgres",
        ["ConnectionStrings:Postgres"] = connectionString,
    }).Build();

    private static ServiceProvider Services(string connectionString) =>
        new ServiceCollection().AddLogging().AddSingleton(TimeProvider.System).AddStorage(Configuration(connectionString)).BuildServiceProvider();

    private async Task<List<string>> TablesAsync()
    {
        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", connection);
        var tables = new List<string>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }

    [PostgresFact]
    public async Task MigrateStorageAsync_FreshDatabase_AppliesEveryMigrationIdempotently()
    {
        await using (var services = Services(Database))
        {
            await services.MigrateStorageAsync();
            await services.MigrateStorageAsync(); // idempotent on restart

            await using var db = await services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
            Assert.IsType<PostgresCrisisDbContext>(db);
            Assert.Empty(await db.Database.GetPendingMigrationsAsync());
            Assert.Equal(db.Database.GetMigrations(), await db.Database.GetAppliedMigrationsAsync());
        }

        var tables = await TablesAsync();
        foreach (var table in new[] { "ConversationReferences", "ChannelBindings", "AuditEntries", "OutboxMessages", "CardMessages", "__EFMigrationsHistory" })
        {
            Assert.Contains(table, tables);
        }
    }

    [PostgresFact]
    public async Task MigrateStorageAsync_ThreeInstancesStartingAtOnce_OneSchema()
    {
        var instances = Enumerable.Range(0, 3).Select(_ => Services(Database)).ToList();
        try
        {
            await Task.WhenAll(instances.Select(s => s.MigrateStorageAsync()));
        }
        finally
        {
            foreach (var instance in instances)
            {
                await instance.DisposeAsync();
            }
        }

        await using var connection = new NpgsqlConnection(Database);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT count(*) FROM \"__EFMigrationsHistory\"", connection);
        await using var services = Services(Database);
        await using var db = await services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        Assert.Equal((long)db.Database.GetMigrations().Count(), await command.ExecuteScalarAsync());
    }

    [PostgresFact]
    public async Task AuditEntries_OrderByDateTimeOffsetInSql()
    {
        await using var services = Services(Database);
        await services.MigrateStorageAsync();
        var factory = services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();
        var at = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        await using (var db = await factory.CreateDbContextAsync())
        {
            db.AuditEntries.AddRange(
                AuditEntry.Create(at.AddMinutes(5), "channel.link", "a", null, "agents", null),
                AuditEntry.Create(at, "channel.unlink", "a", null, "agents", null));
            await db.SaveChangesAsync();
        }

        await using (var db = await factory.CreateDbContextAsync())
        {
            var ordered = await db.AuditEntries.Where(e => e.At >= at).OrderBy(e => e.At).Select(e => new { e.Action, e.At }).ToListAsync();
            Assert.Equal(["channel.unlink", "channel.link"], ordered.Select(o => o.Action));
            Assert.Equal(at, ordered[0].At);
        }
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetHealthAsync(string connectionString, bool migrate, Action<IServiceProvider>? before = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddConfiguration(Configuration(connectionString));
        builder.Services.AddSingleton(TimeProvider.System).AddStorage(builder.Configuration).AddOutbox(builder.Configuration);
        await using var app = builder.Build();
        if (migrate)
        {
            await app.Services.MigrateStorageAsync();
        }

        before?.Invoke(app.Services);
        app.MapHealth();
        await app.StartAsync();
        using var client = app.GetTestClient();
        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        await app.StopAsync();
        return (response.StatusCode, body);
    }

    [PostgresFact]
    public async Task Healthz_PostgresAnswers_200Healthy()
    {
        var (status, body) = await GetHealthAsync(Database, migrate: true);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("""{"status":"healthy","storage":"postgres"}""", body.GetRawText());
    }

    [PostgresFact]
    public async Task Healthz_DatabaseDroppedAfterStart_503Unhealthy()
    {
        var (status, body) = await GetHealthAsync(Database, migrate: true, _ => PostgresTestServer.DropDatabaseAsync(Database).GetAwaiter().GetResult());

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
    }

    [PostgresFact]
    public async Task Healthz_PostgresDown_503Unhealthy()
    {
        var unreachable = new NpgsqlConnectionStringBuilder(Database) { Port = 1, Timeout = 2 }.ConnectionString;

        var (status, body) = await GetHealthAsync(unreachable, migrate: false);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("unhealthy", body.GetProperty("status").GetString());
        Assert.Equal("postgres", body.GetProperty("storage").GetString());
    }
}
