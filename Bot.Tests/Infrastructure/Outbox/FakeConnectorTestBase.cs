using CrisisBot.Tests.Infrastructure.FakeConnector;
using CrisisBot.Tests.Infrastructure.Storage;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>
/// Per-test fixture for outbox tests: a fresh fake Connector on loopback and, in the PostgreSQL variant (a subclass
/// marked [PostgresTests] overriding <see cref="OnPostgres"/>), a database of its own.
/// </summary>
public abstract class FakeConnectorTestBase : StorageProviderTests
{
    protected FakeConnectorServer Fake { get; private set; } = null!;

    protected override async Task StartAsync() => Fake = await FakeConnectorServer.StartAsync();

    protected override async Task StopAsync() => await Fake.DisposeAsync();
}
