namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>
/// Base of a test class whose <see cref="StorageFactAttribute"/> tests run on SQLite and again on PostgreSQL: the
/// PostgreSQL variant is a subclass marked <see cref="PostgresTestsAttribute"/> that only overrides
/// <see cref="OnPostgres"/>. There each test gets a database of its own, created before <see cref="StartAsync"/> and
/// dropped after <see cref="StopAsync"/>; without a server the variant's tests are skipped (a setup error fails them).
/// </summary>
public abstract class StorageProviderTests : IAsyncLifetime
{
    /// <summary>True in the PostgreSQL variant.</summary>
    protected virtual bool OnPostgres => false;

    /// <summary>The connection string of this test's PostgreSQL database; null on SQLite.</summary>
    protected string? Postgres { get; private set; }

    /// <summary>Runs before each test, after its database exists (e.g. starts the test host).</summary>
    protected virtual Task StartAsync() => Task.CompletedTask;

    /// <summary>Runs after each test, before its database is dropped (e.g. disposes the test host).</summary>
    protected virtual Task StopAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.InitializeAsync()
    {
        if (OnPostgres && PostgresTestServer.Skip is null)
        {
            Postgres = await PostgresTestServer.CreateDatabaseAsync();
        }

        await StartAsync();
    }

    async Task IAsyncLifetime.DisposeAsync()
    {
        try
        {
            await StopAsync();
        }
        finally
        {
            if (Postgres is { } database)
            {
                Postgres = null;
                await PostgresTestServer.DropDatabaseAsync(database);
            }
        }
    }
}
