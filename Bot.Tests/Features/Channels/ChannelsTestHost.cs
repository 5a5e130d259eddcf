using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.Protocol.Connector;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.Channels;

/// <summary>
/// The Channels feature wired as in Program.cs, on its own temporary SQLite file (or a given PostgreSQL database), with a recording Connector and a fake
/// clock. Turns are run directly against the handlers; replies are captured by <see cref="Replies"/>.
/// </summary>
internal sealed class ChannelsTestHost : IAsyncDisposable
{
    public const string AdminAadObjectId = "AAAAAAAA-0000-0000-0000-000000000001";
    public const string AdminUpn = "carol@contoso.test";

    private readonly ServiceProvider _services;
    private bool _workerStarted;

    private ChannelsTestHost(ServiceProvider services, string directory, string? postgres, RecordingConnectorClient connector, MemberDirectoryConnector members, CapturingLoggerProvider logs)
    {
        Logs = logs;
        Postgres = postgres;
        _services = services;
        DataDirectory = directory;
        Connector = connector;
        Members = members;
    }

    public string DataDirectory { get; }

    /// <summary>Every warning and error logged by the host (EF Core included).</summary>
    public CapturingLoggerProvider Logs { get; }

    /// <summary>The PostgreSQL connection string when the host runs on PostgreSQL; null on SQLite.</summary>
    public string? Postgres { get; }

    public RecordingConnectorClient Connector { get; }

    public MemberDirectoryConnector Members { get; }

    public FakeTimeProvider Time => (FakeTimeProvider)_services.GetRequiredService<TimeProvider>();

    public RecordingTurnReplies Replies { get; } = new();

    public ChannelStore Store => _services.GetRequiredService<ChannelStore>();

    public IServiceProvider Services => _services;

    public static Task<ChannelsTestHost> StartAsync(params string[] admins) => StartWithAsync(postgres: null, admins);

    /// <param name="postgres">A PostgreSQL connection string (Storage:Provider=Postgres); null for a SQLite file.</param>
    /// <param name="admins">Bot:Admins; the two default admins when empty.</param>
    public static Task<ChannelsTestHost> StartWithAsync(string? postgres, params string[] admins) =>
        RestartAsync(Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N")), postgres, admins);

    /// <summary>A host on an existing data directory: a restart.</summary>
    public static Task<ChannelsTestHost> StartOnAsync(string directory, params string[] admins) => RestartAsync(directory, postgres: null, admins);

    /// <summary>A host on an existing data directory or PostgreSQL database (when <paramref name="postgres"/> is set): a restart.</summary>
    public static async Task<ChannelsTestHost> RestartAsync(string directory, string? postgres, string[] admins)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = directory,
            ["Bot:LocalMode"] = "true",
        };
        if (postgres is not null)
        {
            settings["Storage:Provider"] = "Postgres";
            settings["ConnectionStrings:Postgres"] = postgres;
        }

        var adminList = admins.Length == 0 ? [AdminAadObjectId, AdminUpn] : admins;
        for (var i = 0; i < adminList.Length; i++)
        {
            settings[$"Bot:Admins:{i}"] = adminList[i];
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var connector = new RecordingConnectorClient();
        var members = new MemberDirectoryConnector(connector);
        var logs = new CapturingLoggerProvider();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning).AddProvider(logs))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(new FakeTimeProvider(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)))
            .AddSingleton<IConnectorClient>(members)
            .AddStorage(configuration)
            .AddOutbox(configuration)
            .AddKeyedSingleton<IConnectorClient>(OutboxServiceCollectionExtensions.ConnectorKey, members)
            .AddChannelsFeature(configuration)
            .BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await services.MigrateStorageAsync();
        return new ChannelsTestHost(services, directory, postgres, connector, members, logs);
    }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public TurnContext Turn(Activity activity) => new(activity, Replies, _services);

    /// <summary>Runs an activity through the feature's routes, as the router would.</summary>
    public RouteTable Routes()
    {
        var table = new RouteTable();
        foreach (var routes in _services.GetServices<IBotRoutes>())
        {
            routes.Register(table);
        }

        return table;
    }

    /// <summary>Runs the outbox's delivery worker until no row is pending or being sent; returns every row.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> DeliverOutboxAsync()
    {
        var worker = _services.GetRequiredService<OutboxWorker>();
        if (!_workerStarted)
        {
            _workerStarted = true;
            await worker.StartAsync(CancellationToken.None);
        }

        _services.GetRequiredService<OutboxSignal>().Notify();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(10);
        while (true)
        {
            await using var db = await _services.GetRequiredService<Microsoft.EntityFrameworkCore.IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
            var rows = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.ToListAsync(db.Set<OutboxMessage>());
            if (rows.TrueForAll(r => r.Status is not (OutboxStatus.Pending or OutboxStatus.Sending)) || DateTimeOffset.UtcNow > deadline)
            {
                return rows;
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_workerStarted)
        {
            await _services.GetRequiredService<OutboxWorker>().StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // best effort: temp folder
        }
    }
}
