using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Protocol.Connector;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>
/// The fresh-database script (Migrations/Sqlite/FreshDatabase.sql) must create exactly what the migrations create, so it
/// can never drift silently: every sqlite_master entry and every history row are compared with MigrateAsync's result.
/// </summary>
public sealed class SqliteFreshSchemaTests : IDisposable
{
    private const string Regenerate = "the SQLite fresh-database script is stale: run bash scripts/ef-sqlite-script.sh (or scripts/ef-compiled-models.sh)";
    private readonly StorageTestSettings _settings = new();

    public SqliteFreshSchemaTests() => Directory.CreateDirectory(_settings.DataDirectory);

    public void Dispose() => _settings.Dispose();

    private string PathOf(string name) => Path.Combine(_settings.DataDirectory, name);

    private static SqliteCrisisDbContext Context(string path) =>
        new(new DbContextOptionsBuilder<SqliteCrisisDbContext>().UseSqlite($"Data Source={path};Pooling=False").Options);

    /// <summary>What MigrateAsync makes of a new file (the reference).</summary>
    private async Task<string> MigratedAsync()
    {
        var path = PathOf("migrated.db");
        await using var db = Context(path);
        await db.Database.MigrateAsync();
        return path;
    }

    private static async Task<List<string>> RowsAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string>();
        while (await reader.ReadAsync())
        {
            var values = new object[reader.FieldCount];
            reader.GetValues(values);
            rows.Add(string.Join(" | ", values.Select(v => v is DBNull ? "NULL" : v.ToString())));
        }

        return rows;
    }

    private static Task<List<string>> SchemaAsync(string path) =>
        RowsAsync(path, "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY type, name;");

    private static Task<List<string>> HistoryAsync(string path) =>
        RowsAsync(path, "SELECT \"MigrationId\", \"ProductVersion\" FROM \"__EFMigrationsHistory\" ORDER BY \"MigrationId\";");

    private static async Task AssertSameDatabaseAsync(string expected, string actual)
    {
        var expectedSchema = await SchemaAsync(expected);
        var actualSchema = await SchemaAsync(actual);
        Assert.True(expectedSchema.Count > 20, "the reference database has the whole schema");
        Assert.True(expectedSchema.SequenceEqual(actualSchema), $"{Regenerate}\nonly after MigrateAsync:\n{string.Join("\n", expectedSchema.Except(actualSchema))}\nonly from the script:\n{string.Join("\n", actualSchema.Except(expectedSchema))}");
        Assert.Equal(await HistoryAsync(expected), await HistoryAsync(actual));
    }

    [Fact]
    public void EmbeddedScript_RecordsEveryMigrationInOrder()
    {
        using var db = Context(PathOf("unused.db"));

        Assert.True(SqliteFreshSchema.MigrationsIn(SqliteFreshSchema.Script).SequenceEqual(db.Database.GetMigrations()), Regenerate);
    }

    [Fact]
    public async Task MigrateStorageAsync_NewFile_CreatesFromTheScriptExactlyWhatMigrateAsyncCreates()
    {
        var reference = await MigratedAsync();
        var logs = new CapturingLoggerProvider();
        await using (var services = new ServiceCollection()
                         .AddLogging(b => b.AddProvider(logs))
                         .AddStorage(_settings.Configuration())
                         .BuildServiceProvider())
        {
            await services.MigrateStorageAsync();
        }

        Assert.Contains(logs.Entries, e => e.EventId.Id == 565);
        Assert.DoesNotContain(logs.Entries, e => e.EventId.Id == 561); // MigrateAsync had nothing left to do
        await AssertSameDatabaseAsync(reference, PathOf("crisisbot.db"));
    }

    [Fact]
    public async Task TryCreateAsync_ScriptedDatabase_MigratesCleanlyAndNothingIsPending()
    {
        var path = PathOf("scripted.db");
        await using var db = Context(path);
        await db.Database.OpenConnectionAsync();
        var known = db.Database.GetMigrations().ToList();

        var created = await SqliteFreshSchema.TryCreateAsync(db.Database.GetDbConnection(), SqliteFreshSchema.Script, known, CancellationToken.None);

        Assert.Equal(known, created);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync());
        await db.Database.MigrateAsync(); // a no-op on it
        db.AuditEntries.Add(AuditEntry.Create(DateTimeOffset.UnixEpoch, "channel.link", "a", null, "agents", null));
        await db.SaveChangesAsync();
        Assert.Equal(1, await db.AuditEntries.CountAsync());
    }

    [Fact]
    public async Task TryCreateAsync_ScriptOlderThanTheMigrations_AppliesItsPartAndMigrateAsyncTheRest()
    {
        var reference = await MigratedAsync();
        var script = SqliteFreshSchema.Script;
        var inScript = SqliteFreshSchema.MigrationsIn(script);
        Assert.True(inScript.Count >= 2, Regenerate);

        // The script as it was before the newest migration: everything up to the second-to-last history row.
        var lastButOne = script.IndexOf($"VALUES ('{inScript[^2]}'", StringComparison.Ordinal);
        var older = script[..(script.IndexOf(';', lastButOne) + 1)];
        var path = PathOf("older.db");
        await using (var db = Context(path))
        {
            await db.Database.OpenConnectionAsync();
            var known = db.Database.GetMigrations().ToList();

            var created = await SqliteFreshSchema.TryCreateAsync(db.Database.GetDbConnection(), older, known, CancellationToken.None);

            Assert.Equal(known.Take(known.Count - 1), created);
            Assert.Equal([known[^1]], await db.Database.GetPendingMigrationsAsync());
            await db.Database.MigrateAsync();
        }

        await AssertSameDatabaseAsync(reference, path);
    }

    [Fact]
    public async Task TryCreateAsync_DatabaseNotEmpty_LeavesItAlone()
    {
        var path = PathOf("used.db");
        await using var db = Context(path);
        await db.Database.OpenConnectionAsync();
        await db.Database.ExecuteSqlRawAsync("CREATE TABLE \"Mine\" (\"Id\" INTEGER);");

        var created = await SqliteFreshSchema.TryCreateAsync(db.Database.GetDbConnection(), SqliteFreshSchema.Script, [.. db.Database.GetMigrations()], CancellationToken.None);

        Assert.Empty(created);
        Assert.Equal(["table | Mine | Mine | CREATE TABLE \"Mine\" (\"Id\" INTEGER)"], await SchemaAsync(path));
    }

    [Fact]
    public async Task TryCreateAsync_ScriptNamesAMigrationTheAssemblyLacks_LeavesTheDatabaseEmpty()
    {
        var path = PathOf("foreign.db");
        await using var db = Context(path);
        await db.Database.OpenConnectionAsync();
        var known = db.Database.GetMigrations().ToList();
        var script = SqliteFreshSchema.Script.Replace($"'{known[0]}'", "'19990101000000_Unknown'", StringComparison.Ordinal);

        var created = await SqliteFreshSchema.TryCreateAsync(db.Database.GetDbConnection(), script, known, CancellationToken.None);

        Assert.Empty(created);
        Assert.Empty(await SchemaAsync(path));
    }

    [Fact]
    public async Task TryCreateAsync_ScriptFails_RollsBackEverything()
    {
        var path = PathOf("broken.db");
        await using var db = Context(path);
        await db.Database.OpenConnectionAsync();
        var known = db.Database.GetMigrations().ToList();
        var script = SqliteFreshSchema.Script + "\nCREATE TABLE \"AuditEntries\" (\"Id\" INTEGER);"; // already exists: fails last

        await Assert.ThrowsAsync<SqliteException>(() => SqliteFreshSchema.TryCreateAsync(db.Database.GetDbConnection(), script, known, CancellationToken.None));

        Assert.Empty(await SchemaAsync(path));
    }

    [Theory]
    [InlineData(new[] { "1_A", "2_B" }, new[] { "1_A", "2_B", "3_C" }, true)]
    [InlineData(new[] { "1_A", "2_B", "3_C" }, new[] { "1_A", "2_B", "3_C" }, true)]
    [InlineData(new[] { "1_A", "3_C" }, new[] { "1_A", "2_B", "3_C" }, false)]
    [InlineData(new[] { "1_A", "2_B", "3_C", "4_D" }, new[] { "1_A", "2_B", "3_C" }, false)]
    [InlineData(new string[0], new[] { "1_A" }, false)]
    public void Fits_ScriptMustBeAPrefixOfTheAssemblysMigrations(string[] inScript, string[] known, bool fits) =>
        Assert.Equal(fits, SqliteFreshSchema.Fits(inScript, known));
}
