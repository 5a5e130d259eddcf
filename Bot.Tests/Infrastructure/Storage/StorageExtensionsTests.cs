using CrisisBot.Infrastructure.Storage;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Infrastructure.Storage;

public sealed class StorageExtensionsTests : IDisposable
{
    private readonly StorageTestSettings _settings = new();

    public void Dispose() => _settings.Dispose();

    private static ServiceProvider Services(IConfiguration configuration) =>
        new ServiceCollection().AddLogging().AddStorage(configuration).BuildServiceProvider();

    private static async Task<string?> ScalarAsync(string databasePath, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (await command.ExecuteScalarAsync())?.ToString();
    }

    [Fact]
    public async Task MigrateStorageAsync_Sqlite_CreatesFolderDatabaseTablesAndWal()
    {
        await using (var services = Services(_settings.Configuration()))
        {
            await services.MigrateStorageAsync();
            await services.MigrateStorageAsync(); // idempotent on restart
        }

        var path = Path.Combine(_settings.DataDirectory, "crisisbot.db");
        Assert.True(File.Exists(path));
        Assert.Equal("wal", await ScalarAsync(path, "PRAGMA journal_mode;"));
        foreach (var table in new[] { "ConversationReferences", "ChannelBindings", "AuditEntries", "__EFMigrationsHistory" })
        {
            Assert.Equal("1", await ScalarAsync(path, $"SELECT count(*) FROM sqlite_master WHERE type='table' AND name='{table}';"));
        }
    }

    [Fact]
    public async Task CreateDbContext_Sqlite_SetsConfiguredBusyTimeout()
    {
        await using var services = Services(_settings.Configuration(("Storage:BusyTimeoutSeconds", "7")));
        await services.MigrateStorageAsync();
        await using var db = await services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();

        Assert.IsType<SqliteCrisisDbContext>(db);
        await db.Database.OpenConnectionAsync();
        await using var command = db.Database.GetDbConnection().CreateCommand();
        command.CommandText = "PRAGMA busy_timeout;";
        Assert.Equal(7000L, await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task MigrateStorageAsync_UnknownProvider_FailsWithClearMessage()
    {
        await using var services = Services(_settings.Configuration(("Storage:Provider", "Oracle")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => services.MigrateStorageAsync());

        Assert.Contains("Storage:Provider 'Oracle' is not supported", error.Message, StringComparison.Ordinal);
        Assert.False(Directory.Exists(_settings.DataDirectory));
    }

    [Fact]
    public async Task MigrateStorageAsync_PostgresWithoutConnectionString_FailsWithClearMessage()
    {
        await using var services = Services(_settings.Configuration(("Storage:Provider", "Postgres"), ("ConnectionStrings:Postgres", "")));

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => services.MigrateStorageAsync());

        Assert.Contains("ConnectionStrings:Postgres is empty", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddStorage_Postgres_ResolvesPostgresContextWithTheConnectionString()
    {
        await using var services = Services(_settings.Configuration(
            ("Storage:Provider", "postgres"), ("ConnectionStrings:Postgres", "Host=127.0.0.1;Port=1;Database=crisisbot_test")));

        await using var db = await services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();

        Assert.IsType<PostgresCrisisDbContext>(db);
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", db.Database.ProviderName);
        Assert.Contains("crisisbot_test", db.Database.GetConnectionString(), StringComparison.Ordinal);
        Assert.Equal("postgres", services.GetRequiredService<StorageHealth>().ProviderName);
    }

    [Fact]
    public async Task MigrateStorageAsync_DataDirectoryUnderAFile_FailsNamingTheKey()
    {
        var file = Path.Combine(Path.GetDirectoryName(_settings.DataDirectory)!, "not-a-folder");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        await File.WriteAllTextAsync(file, "x");
        await using var services = Services(_settings.Configuration(("Storage:DataDirectory", Path.Combine(file, "data"))));

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => services.MigrateStorageAsync());

        Assert.Contains("Storage:DataDirectory", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot be created", error.Message, StringComparison.Ordinal);
    }

    private const string CreateLockTable =
        "CREATE TABLE IF NOT EXISTS \"__EFMigrationsLock\" (\"Id\" INTEGER NOT NULL CONSTRAINT \"PK___EFMigrationsLock\" PRIMARY KEY, \"Timestamp\" TEXT NOT NULL);";

    [Fact]
    public async Task MigrateStorageAsync_LockRowLeftByKilledProcessAndNothingPending_StartsWithoutWaiting()
    {
        var path = Path.Combine(_settings.DataDirectory, "crisisbot.db");
        await using (var services = Services(_settings.Configuration()))
        {
            await services.MigrateStorageAsync();
        }

        // A process killed inside MigrateAsync (even a no-op one) leaves EF Core's lock row behind; a fresh one, so it is
        // not "stale": only skipping the lock when nothing is pending lets the next start through.
        await ScalarAsync(path, CreateLockTable);
        await ScalarAsync(path, $"INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '{DateTimeOffset.UnixEpoch.AddYears(60):O}');");
        await ScalarAsync(path, "UPDATE \"__EFMigrationsLock\" SET \"Timestamp\" = strftime('%Y-%m-%dT%H:%M:%fZ', 'now');");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using (var services = Services(_settings.Configuration()))
        {
            await services.MigrateStorageAsync(timeout.Token);
        }

        Assert.False(timeout.IsCancellationRequested);
    }

    [Fact]
    public async Task MigrateStorageAsync_ExistingDatabaseWithoutTheLastMigration_AppliesExactlyThatOne()
    {
        var path = Path.Combine(_settings.DataDirectory, "crisisbot.db");
        Directory.CreateDirectory(_settings.DataDirectory);
        List<string> known;
        await using (var services = Services(_settings.Configuration()))
        {
            await using var db = await services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
            known = [.. db.Database.GetMigrations()];
            await Microsoft.EntityFrameworkCore.Infrastructure.AccessorExtensions.GetService<Microsoft.EntityFrameworkCore.Migrations.IMigrator>(db).MigrateAsync(known[^2]);
        }

        Assert.Equal((known.Count - 1).ToString(System.Globalization.CultureInfo.InvariantCulture), await ScalarAsync(path, "SELECT count(*) FROM \"__EFMigrationsHistory\";"));

        await using (var services = Services(_settings.Configuration()))
        {
            await services.MigrateStorageAsync();
        }

        Assert.Equal(known.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await ScalarAsync(path, "SELECT count(*) FROM \"__EFMigrationsHistory\";"));
        Assert.Equal(known[^1], await ScalarAsync(path, "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\" DESC LIMIT 1;"));

        // Nothing pending now: a restart leaves the file as it is.
        await using (var services = Services(_settings.Configuration()))
        {
            await services.MigrateStorageAsync();
        }

        Assert.Equal(known.Count.ToString(System.Globalization.CultureInfo.InvariantCulture), await ScalarAsync(path, "SELECT count(*) FROM \"__EFMigrationsHistory\";"));
    }

    [Fact]
    public async Task MigrateStorageAsync_StaleLockRowAndPendingMigrations_ClearsItAndMigrates()
    {
        Directory.CreateDirectory(_settings.DataDirectory);
        var path = Path.Combine(_settings.DataDirectory, "crisisbot.db");
        await ScalarAsync(path, CreateLockTable);
        await ScalarAsync(path, "INSERT INTO \"__EFMigrationsLock\" (\"Id\", \"Timestamp\") VALUES (1, '2026-01-01T00:00:00.0000000+00:00');");

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await using (var services = Services(_settings.Configuration()))
        {
            await services.MigrateStorageAsync(timeout.Token);
        }

        Assert.Equal("1", await ScalarAsync(path, "SELECT count(*) FROM sqlite_master WHERE type='table' AND name='OutboxMessages';"));
        Assert.Equal("0", await ScalarAsync(path, "SELECT count(*) FROM \"__EFMigrationsLock\";"));
    }
}
