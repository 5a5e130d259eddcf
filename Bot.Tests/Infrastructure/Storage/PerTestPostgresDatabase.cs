namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>
/// The database of one test in a "same tests on PostgreSQL" subclass: created before the test when the run has a
/// PostgreSQL server, dropped after it. <see cref="ConnectionString"/> stays null without a server (the tests skip).
/// </summary>
internal sealed class PerTestPostgresDatabase
{
    public string? ConnectionString { get; private set; }

    public async Task CreateAsync() =>
        ConnectionString = PostgresTestServer.ConnectionString is null ? null : await PostgresTestServer.CreateDatabaseAsync();

    public async Task DropAsync()
    {
        if (ConnectionString is not null)
        {
            await PostgresTestServer.DropDatabaseAsync(ConnectionString);
            ConnectionString = null;
        }
    }
}
