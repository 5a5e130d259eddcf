using System.Data.Common;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>
/// Creates the whole schema of a new, empty SQLite database in one transaction from a SQL script generated at design
/// time from the SQLite migrations (<c>Migrations/Sqlite/FreshDatabase.sql</c>, written by
/// <c>scripts/ef-sqlite-script.sh</c>, embedded in Bot.dll), history rows included. EF Core's <c>MigrateAsync</c> would
/// build every migration's target model to generate the same SQL: most of a fresh start's migration cost.
/// </summary>
/// <remarks>
/// Used only when the file has no schema object yet and the script's migrations are exactly the first ones the assembly
/// knows (a script older than a newly added migration still applies, then <c>MigrateAsync</c> adds the rest; a script
/// naming a migration the assembly lacks is not used). Existing databases and PostgreSQL always go through
/// <c>MigrateAsync</c>. <c>SqliteFreshSchemaTests</c> proves the result equals what <c>MigrateAsync</c> produces
/// (every <c>sqlite_master</c> entry and the history rows), so the script cannot drift silently.
/// </remarks>
internal static partial class SqliteFreshSchema
{
    /// <summary>The embedded script's resource name (Bot.csproj).</summary>
    public const string ResourceName = "CrisisBot.Storage.SqliteFreshDatabase.sql";

    /// <summary>
    /// EF Core's SQLite migration lock table, which <c>MigrateAsync</c> creates (and leaves, empty) on every database it
    /// migrates; created here too, with EF Core's exact text (CRLF line ends included), so a scripted database is indistinguishable from a migrated one
    /// (the tests compare sqlite_master, where SQLite keeps the statement's text).
    /// </summary>
    internal const string LockTableSql =
        "CREATE TABLE IF NOT EXISTS \"__EFMigrationsLock\" (\r\n" +
        "    \"Id\" INTEGER NOT NULL CONSTRAINT \"PK___EFMigrationsLock\" PRIMARY KEY,\r\n" +
        "    \"Timestamp\" TEXT NOT NULL\r\n" +
        ");";

    private static readonly Lazy<string> EmbeddedScript = new(() =>
    {
        // Missing only in a build made before the script was first generated: then every start migrates as before.
        using var stream = typeof(SqliteFreshSchema).Assembly.GetManifestResourceStream(ResourceName);
        if (stream is null)
        {
            return string.Empty;
        }

        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    /// <summary>The script embedded in this build (empty if the build has none).</summary>
    public static string Script => EmbeddedScript.Value;

    /// <summary>The migration ids the script records in <c>__EFMigrationsHistory</c>, in its order.</summary>
    public static IReadOnlyList<string> MigrationsIn(string script)
    {
        ArgumentNullException.ThrowIfNull(script);
        return [.. HistoryInsert().Matches(script).Select(m => m.Groups[1].Value)];
    }

    /// <summary>
    /// Whether a script recording <paramref name="inScript"/> may create the schema for an assembly whose migrations
    /// are <paramref name="known"/> (both in id order): it must be a non-empty prefix of them.
    /// </summary>
    public static bool Fits(IReadOnlyList<string> inScript, IReadOnlyList<string> known)
    {
        ArgumentNullException.ThrowIfNull(inScript);
        ArgumentNullException.ThrowIfNull(known);
        if (inScript.Count == 0 || inScript.Count > known.Count)
        {
            return false;
        }

        for (var i = 0; i < inScript.Count; i++)
        {
            if (!string.Equals(inScript[i], known[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// Runs <paramref name="script"/> (and creates the lock table) in one <c>BEGIN IMMEDIATE</c> transaction when the
    /// database on the open <paramref name="connection"/> has no schema object and the script fits
    /// <paramref name="known"/>; returns the migrations it recorded, or an empty list when it did nothing (not empty, or
    /// another process created the schema first: the caller then migrates as usual). A failing script rolls back and
    /// throws.
    /// </summary>
    public static async Task<IReadOnlyList<string>> TryCreateAsync(DbConnection connection, string script, IReadOnlyList<string> known, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var inScript = MigrationsIn(script);
        if (!Fits(inScript, known) || !await IsEmptyAsync(connection, null, ct))
        {
            return [];
        }

        // IMMEDIATE: the write lock is taken now, so two processes starting on the same new file cannot both run it;
        // the second one waits (busy timeout), then finds the schema and returns.
        await using var transaction = connection is SqliteConnection sqlite
            ? sqlite.BeginTransaction(deferred: false)
            : await connection.BeginTransactionAsync(ct);
        if (!await IsEmptyAsync(connection, transaction, ct))
        {
            await transaction.RollbackAsync(ct);
            return [];
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
#pragma warning disable CA2100 // the script is a build artefact generated from the migrations, no user input
            command.CommandText = script + "\n" + LockTableSql;
#pragma warning restore CA2100
            await command.ExecuteNonQueryAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return inScript;
    }

    private static async Task<bool> IsEmptyAsync(DbConnection connection, DbTransaction? transaction, CancellationToken ct)
    {
        await using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT count(*) FROM sqlite_master;";
        return Convert.ToInt64(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture) == 0;
    }

    [GeneratedRegex("""INSERT INTO "__EFMigrationsHistory" \("MigrationId", "ProductVersion"\)\s*VALUES \('([^']+)',""", RegexOptions.CultureInvariant)]
    private static partial Regex HistoryInsert();
}
