using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>Sets <c>PRAGMA busy_timeout</c> on every SQLite connection EF opens (pooled connections lose it on reopen).</summary>
internal sealed class SqliteConnectionSetup(int busyTimeoutSeconds) : DbConnectionInterceptor
{
    private readonly string _pragma = SqliteConnections.BusyTimeoutPragma(busyTimeoutSeconds);

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var command = connection.CreateCommand();
        command.CommandText = _pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var command = connection.CreateCommand();
        await using (command)
        {
            command.CommandText = _pragma;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }
}
