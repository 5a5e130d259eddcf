using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace CrisisBot.Features.HotTopics.Storage;

/// <summary>
/// One prepared SQLite statement on a <see cref="SqliteConnection"/>'s own handle, bound by parameter index through
/// SQLitePCLRaw (the library under Microsoft.Data.Sqlite): no binder object, boxed value or UTF-8 copy per value, and
/// no parameter name lookup per execution. For the import's topic upserts (a third of a post's count of rows, 13
/// values each), which are not part of the raw-insert baseline; posts go through <see cref="Microsoft.Data.Sqlite"/> as
/// the baseline's do. It runs in whatever transaction the connection has open; finalise (Dispose) before the connection
/// closes.
/// </summary>
internal sealed class RawSqliteStatement : IDisposable
{
    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    public RawSqliteStatement(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _db = connection.Handle ?? throw new InvalidOperationException("the connection is not open");
        var rc = raw.sqlite3_prepare_v2(_db, sql, out _statement);
        SqliteException.ThrowExceptionForRC(rc, _db);
    }

    /// <summary>The 1-based index of a named parameter ("@name"), as the SQL spells it; throws when it has none.</summary>
    public int IndexOf(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        return index > 0 ? index : throw new ArgumentException($"the statement has no parameter {name}", nameof(name));
    }

    public void Bind(int index, long value) => Check(raw.sqlite3_bind_int64(_statement, index, value));

    public void Bind(int index, double value) => Check(raw.sqlite3_bind_double(_statement, index, value));

    /// <summary>Binds text (UTF-16 in, stored in the database's encoding), or NULL for null.</summary>
    public void Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text16(_statement, index, value.AsSpan()));

    public void BindNull(int index) => Check(raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs the statement to completion (no result rows expected) and resets it for the next execution.</summary>
    public void Execute()
    {
        var rc = raw.sqlite3_step(_statement);
        var reset = raw.sqlite3_reset(_statement);
        if (rc != raw.SQLITE_DONE)
        {
            SqliteException.ThrowExceptionForRC(rc == raw.SQLITE_ROW ? raw.SQLITE_MISUSE : rc, _db);
        }

        Check(reset);
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc) => SqliteException.ThrowExceptionForRC(rc, _db);
}
