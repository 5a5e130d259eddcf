using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>
/// <see cref="StorageExtensions.MigrateStorageAsync"/> for commands that use no EF Core context themselves (the CLI
/// import): on SQLite the same steps run on a plain Microsoft.Data.Sqlite connection (WAL, the fresh-database script
/// on a new file, the history check on an existing one), and EF Core's migrator is built only when a migration is
/// actually pending (an older database). PostgreSQL goes through <see cref="StorageExtensions.MigrateStorageAsync"/>.
/// </summary>
/// <remarks>
/// The migration ids come from <see cref="SqliteMigrationIds"/> (the build's list, equal to EF Core's: MigrationsTests),
/// so a new or up-to-date database never builds EF Core's model, services or migrations assembly: the import's fixed
/// cost (README "Performance"). Same log lines as <see cref="StorageExtensions.MigrateStorageAsync"/>.
/// </remarks>
internal static class SqliteStorageMigration
{
    /// <summary>Migrates the configured storage; true when EF Core was not needed (SQLite, nothing pending).</summary>
    /// <exception cref="OptionsValidationException">The Storage options are invalid; the message names the key to fix.</exception>
    public static async Task<bool> MigrateAsync(IServiceProvider services, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        var known = SqliteMigrationIds.Known;
        if (options.ParsedProvider != StorageProvider.Sqlite || known.Count == 0)
        {
            await services.MigrateStorageAsync(ct);
            return false;
        }

        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(StorageExtensions).FullName!);
        CreateDataDirectory(options);
        StorageLog.Migrating(logger, "sqlite", options.SqliteDatabasePath);
        bool current;
        using (var connection = SqliteConnections.Open(options))
        {
            // WAL is a property of the database file: set once, it persists. Readers then never block the writer.
            using (var command = connection.CreateCommand())
            {
                command.CommandText = "PRAGMA journal_mode=WAL;";
                StorageLog.JournalMode(logger, command.ExecuteScalar()?.ToString() ?? "unknown");
            }

            var created = await SqliteFreshSchema.TryCreateAsync(connection, SqliteFreshSchema.Script, known, ct);
            if (created.Count > 0)
            {
                StorageLog.CreatedFromScript(logger, created.Count);
            }

            current = created.Count == known.Count || IsCurrent(connection, known);
        }

        if (current)
        {
            return true;
        }

        await StorageExtensions.MigratePendingSqliteAsync(services, logger, ct);
        return false;
    }

    /// <summary>Creates the folder of the SQLite file; the message names the setting when it cannot.</summary>
    internal static void CreateDataDirectory(StorageOptions options)
    {
        var directory = Path.GetDirectoryName(options.SqliteDatabasePath)!;
        try
        {
            Directory.CreateDirectory(directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException(
                $"Storage:DataDirectory '{options.DataDirectory}' (resolved to '{directory}') cannot be created: {ex.Message}", ex);
        }
    }

    /// <summary>Whether <c>__EFMigrationsHistory</c> records every one of <paramref name="known"/> (false if it cannot be read).</summary>
    internal static bool IsCurrent(SqliteConnection connection, IReadOnlyList<string> known) =>
        AppliedMigrations(connection) is { } applied && known.All(applied.Contains);

    /// <summary>
    /// The migration ids recorded in <c>__EFMigrationsHistory</c>, read with one plain query on the open
    /// <paramref name="connection"/>; null when the table cannot be read (a database EF Core never migrated).
    /// </summary>
    internal static HashSet<string>? AppliedMigrations(DbConnection connection)
    {
        var applied = new HashSet<string>(StringComparer.Ordinal);
        try
        {
            using var command = connection.CreateCommand();
            command.CommandText = "SELECT \"MigrationId\" FROM \"__EFMigrationsHistory\";";
            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                applied.Add(reader.GetString(0));
            }
        }
        catch (DbException)
        {
            return null;
        }

        return applied;
    }
}
