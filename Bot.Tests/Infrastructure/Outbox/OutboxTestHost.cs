using System.Collections.Concurrent;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Connector;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>
/// Storage + Connector + outbox as in Program.cs on a SQLite file (or a PostgreSQL database), with the delivery worker running on the real clock.
/// By default the worker sends through the production Connector client (the outbox HTTP path) to whatever serviceUrl
/// the rows carry: use the fake Connector's. <see cref="Connector"/> swaps in another <see cref="IConnectorClient"/>.
/// </summary>
internal sealed class OutboxTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly bool _ownsDirectory;

    private OutboxTestHost(ServiceProvider services, string directory, bool ownsDirectory)
    {
        _services = services;
        DataDirectory = directory;
        _ownsDirectory = ownsDirectory;
    }

    public string DataDirectory { get; }

    public IOutbox Outbox => _services.GetRequiredService<IOutbox>();

    public OutboxAdmin Admin => _services.GetRequiredService<OutboxAdmin>();

    public OutboxWorker Worker => _services.GetRequiredService<OutboxWorker>();

    public LogCollector Logs => _services.GetRequiredService<LogCollector>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <param name="settings">Extra configuration (Outbox:*, Delivery:RateLimits:*, Connector:*).</param>
    /// <param name="directory">An existing data directory (a restart); null for a fresh one, deleted on dispose.</param>
    /// <param name="connector">Replaces every Connector client (e.g. a recording one); null sends over HTTP.</param>
    /// <param name="startWorker">False leaves the worker stopped (rows stay pending).</param>
    /// <param name="postgres">A PostgreSQL connection string (Storage:Provider=Postgres); null for SQLite.</param>
    /// <param name="time">The clock of the outbox, its worker and the limiter; null for the real one.</param>
    public static async Task<OutboxTestHost> StartAsync(
        IDictionary<string, string?>? settings = null, string? directory = null, IConnectorClient? connector = null, bool startWorker = true,
        string? postgres = null, TimeProvider? time = null)
    {
        var owns = directory is null;
        directory ??= Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        var values = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = directory,
            ["Bot:LocalMode"] = "true",
            ["Connector:AttemptTimeout"] = "00:00:02",
            ["Outbox:PollInterval"] = "00:00:00.200",
            ["Outbox:RetryBaseDelay"] = "00:00:00.050",
            ["Outbox:RetryMaxDelay"] = "00:00:00.200",
            ["Outbox:CardPostWait"] = "00:00:00.050",
        };
        if (postgres is not null)
        {
            values["Storage:Provider"] = "Postgres";
            values["ConnectionStrings:Postgres"] = postgres;
        }

        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new LogCollector();
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs))
            .AddSingleton(logs)
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton(time ?? TimeProvider.System)
            .AddBotConnector(configuration)
            .AddStorage(configuration)
            .AddOutbox(configuration);
        if (connector is not null)
        {
            services.RemoveAll<IConnectorClient>();
            services.AddSingleton(connector);
            services.AddKeyedSingleton(OutboxServiceCollectionExtensions.ConnectorKey, connector);
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.MigrateStorageAsync();
        var host = new OutboxTestHost(provider, directory, owns);
        if (startWorker)
        {
            await host.Worker.StartAsync(CancellationToken.None);
        }

        return host;
    }

    /// <summary>Runs <paramref name="work"/> with a fresh context and saves it (one transaction).</summary>
    public async Task<T> InContextAsync<T>(Func<CrisisDbContext, T> work)
    {
        await using var db = await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        var result = work(db);
        await db.SaveChangesAsync();
        return result;
    }

    public async Task<List<OutboxMessage>> RowsAsync()
    {
        await using var db = await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        return await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    public async Task<CardMessage?> CardAsync(string cardId)
    {
        await using var db = await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        return await db.Set<CardMessage>().AsNoTracking().SingleOrDefaultAsync(c => c.CardId == cardId);
    }

    /// <summary>Waits until no row is pending or being sent.</summary>
    public async Task<List<OutboxMessage>> DrainAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTimeOffset.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            var rows = await RowsAsync();
            if (rows.TrueForAll(r => r.Status is not (OutboxStatus.Pending or OutboxStatus.Sending)))
            {
                return rows;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                var open = rows.Where(r => r.Status is OutboxStatus.Pending or OutboxStatus.Sending).ToList();
                throw new TimeoutException(
                    $"{open.Count} outbox row(s) still open, e.g. #{open[0].Id} {open[0].Status} attempts {open[0].Attempts}: {open[0].LastError}\n{Logs}");
            }

            await Task.Delay(25);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using (var cts = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await Worker.StopAsync(cts.Token);
        }

        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_ownsDirectory)
        {
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
}

/// <summary>Collects log lines of every category (for diagnostics and assertions on event ids).</summary>
internal sealed class LogCollector : ILoggerProvider
{
    public ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    public override string ToString() =>
        string.Join('\n', Entries.Where(e => e.Level >= LogLevel.Warning).TakeLast(20).Select(e => $"{e.Level} {e.EventId.Id}: {e.Message} {e.Exception}"));

    private sealed class Logger(LogCollector owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Debug;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
    }
}
