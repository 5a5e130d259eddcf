using CrisisBot.Tests.Infrastructure.FakeConnector;
using CrisisBot.Tests.Infrastructure.Storage;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>
/// Per-test fixture for outbox tests: a fresh fake Connector on loopback and, in the PostgreSQL variant (a subclass
/// marked [PostgresTests] overriding <see cref="OnPostgres"/>), a database of its own.
/// </summary>
public abstract class FakeConnectorTestBase : IAsyncLifetime
{
    protected FakeConnectorServer Fake { get; private set; } = null!;

    /// <summary>The PostgreSQL variant's own database (null on SQLite).</summary>
    protected string? Postgres { get; private set; }

    /// <summary>True in the PostgreSQL variant.</summary>
    protected virtual bool OnPostgres => false;

    public async Task InitializeAsync()
    {
        Fake = await FakeConnectorServer.StartAsync();
        if (OnPostgres)
        {
            Postgres = await PostgresTestServer.CreateDatabaseAsync();
        }
    }

    public async Task DisposeAsync()
    {
        await Fake.DisposeAsync();
        if (Postgres is not null)
        {
            await PostgresTestServer.DropDatabaseAsync(Postgres);
        }
    }
}
