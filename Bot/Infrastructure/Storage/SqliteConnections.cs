using System.Globalization;
using Microsoft.Data.Sqlite;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>
/// Plain Microsoft.Data.Sqlite connections on the configured database, set up like EF Core's (same connection string,
/// <c>PRAGMA busy_timeout</c> as <see cref="SqliteConnectionSetup"/> sets it), for code that only runs its own SQL
/// (the CLI import) and so needs no EF Core context.
/// </summary>
internal static class SqliteConnections
{
    /// <summary>The connection string of every SQLite connection, EF Core's included.</summary>
    public static string BuildConnectionString(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        return new SqliteConnectionStringBuilder
        {
            DataSource = options.SqliteDatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = options.BusyTimeoutSeconds,
        }.ToString();
    }

    /// <summary>The <c>PRAGMA busy_timeout</c> every SQLite connection gets (it is per connection, lost on a pooled reopen).</summary>
    public static string BusyTimeoutPragma(int seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"PRAGMA busy_timeout = {seconds * 1000};");

    /// <summary>An open connection to <paramref name="options"/>' SQLite database (created if missing).</summary>
    public static SqliteConnection Open(StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var connection = new SqliteConnection(BuildConnectionString(options));
        try
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = BusyTimeoutPragma(options.BusyTimeoutSeconds);
            command.ExecuteNonQuery();
            return connection;
        }
        catch
        {
            connection.Dispose();
            throw;
        }
    }
}
