using CrisisBot.Features.Channels;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.Summaries;
using CrisisBot.Infrastructure.Graph;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Cli;
using CrisisBot.Tests.Features.Channels;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.Infrastructure.Graph;
using CrisisBot.Tests.TestData;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RecordingTurnReplies = CrisisBot.Tests.Features.Channels.RecordingTurnReplies;

namespace CrisisBot.Tests.Features.Summaries;

/// <summary>
/// Channels + crisis + summaries as in Program.cs on a temporary SQLite file, with a fake clock, a recording Connector and,
/// optionally, Graph pointed at a <see cref="FakeGraphServer"/>. Handlers run directly through the route table.
/// </summary>
internal sealed class SummaryTestHost : IAsyncDisposable
{
    public const string AdminAadObjectId = "AAAAAAAA-0000-0000-0000-000000000001";
    public const string LeadAadObjectId = "BBBBBBBB-0000-0000-0000-000000000002";
    public const string LeadershipChannel = ActivityBuilder.ChannelId;
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;

    private SummaryTestHost(ServiceProvider services, string directory)
    {
        _services = services;
        DataDirectory = directory;
        Routes = new RouteTable();
        foreach (var routes in services.GetServices<IBotRoutes>())
        {
            routes.Register(Routes);
        }
    }

    public string DataDirectory { get; }

    public RouteTable Routes { get; }

    public RecordingTurnReplies Replies { get; } = new();

    public FakeTimeProvider Time => (FakeTimeProvider)_services.GetRequiredService<TimeProvider>();

    public RecordingLoggerProvider Logs { get; private init; } = null!;

    public static async Task<SummaryTestHost> StartAsync(
        FakeGraphServer? graph = null, DateTimeOffset? now = null, Dictionary<string, string?>? extra = null, Action<IServiceCollection>? services = null)
    {
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = directory,
            ["Bot:LocalMode"] = "true",
            ["Bot:Admins:0"] = AdminAadObjectId,
            ["Crisis:Leads:0"] = LeadAadObjectId,
        };
        if (graph is not null)
        {
            foreach (var (key, value) in TeamsGraphClientTests.Settings(graph))
            {
                settings[key] = value;
            }
        }

        foreach (var (key, value) in extra ?? [])
        {
            settings[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var connector = new RecordingConnectorClient();
        var logs = new RecordingLoggerProvider();
        var collection = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Information).AddProvider(logs))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(new FakeTimeProvider(now ?? Start))
            .AddSingleton<IConnectorClient>(connector)
            .AddStorage(configuration)
            .AddOutbox(configuration)
            .AddKeyedSingleton<IConnectorClient>(OutboxServiceCollectionExtensions.ConnectorKey, connector)
            .AddScheduling()
            .AddChannelsFeature(configuration)
            .AddCrisisFeature(configuration);
        services?.Invoke(collection);
        collection.AddSummariesFeature(configuration);
        if (graph is not null)
        {
            collection.AddHttpClient(TeamsGraphClient.AuthHttpClientName).ConfigurePrimaryHttpMessageHandler(graph.AuthRedirectHandler);
        }

        var provider = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.MigrateStorageAsync();
        return new SummaryTestHost(provider, directory) { Logs = logs };
    }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public TurnContext Turn(Activity activity) => new(activity, Replies, _services);

    public static Activity InChannel(string text, string name = "Lena Lead", string aad = LeadAadObjectId) =>
        ActivityBuilder.Channel(text).WithFrom("29:" + name.Split(' ')[0].ToLowerInvariant(), name, aad).Build();

    public static Activity InPersonalChat(string text, string name = "Lena Lead", string aad = LeadAadObjectId) =>
        ActivityBuilder.Personal(text).WithFrom("29:" + name.Split(' ')[0].ToLowerInvariant(), name, aad).Build();

    public Task RunAsync(Activity activity) => Routes.RunCommandAsync(Turn(activity), StripMention(activity.Text!));

    /// <summary>Runs a card verb as a person (Teams id, name, Entra object id).</summary>
    public Task<InvokeResponse> InvokeAsync(string verb, object data, string teamsId, string name, string aad)
    {
        var activity = ActivityBuilder.CardAction(verb, data, "channel").WithFrom(teamsId, name, aad).Build();
        var element = System.Text.Json.JsonSerializer.SerializeToElement(data);
        return Routes.Verbs[verb](Turn(activity), new CardAction(verb, element, false), CancellationToken.None);
    }

    public Task LinkLeadershipChannelAsync(string channelId = LeadershipChannel) =>
        Get<ChannelStore>().LinkAsync(new ChannelBindingKey(ChannelRole.Leadership, ""),
            new ChannelTarget(channelId, "Leadership", ActivityBuilder.TeamId, "Customer Care", TestTokenIssuer.ServiceUrl, TestTokenIssuer.TenantId),
            new ChannelActor(AdminAadObjectId, "Carol Admin"));

    public Task LinkCrisisChannelAsync(string channelId = "19:war-room@thread.tacv2") =>
        Get<ChannelStore>().LinkAsync(new ChannelBindingKey(ChannelRole.Crisis, ""),
            new ChannelTarget(channelId, "War room", ActivityBuilder.TeamId, "Customer Care", TestTokenIssuer.ServiceUrl, TestTokenIssuer.TenantId),
            new ChannelActor(AdminAadObjectId, "Carol Admin"));

    public async Task<CrisisDbContext> ContextAsync() => await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();

    public async Task<List<T>> RowsAsync<T>()
        where T : class
    {
        await using var db = await ContextAsync();
        return await db.Set<T>().AsNoTracking().ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        TempDirectory.DeleteBestEffort(DataDirectory);
    }

    private static string StripMention(string text) =>
        text.StartsWith("<at>", StringComparison.Ordinal) ? text[(text.IndexOf("</at>", StringComparison.Ordinal) + 5)..].Trim() : text;
}

/// <summary>Keeps every log entry (level, event id, message) for assertions.</summary>
internal sealed class RecordingLoggerProvider : ILoggerProvider
{
    public System.Collections.Concurrent.ConcurrentQueue<LogEntry> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this);

    public void Dispose()
    {
    }

    private sealed class Logger(RecordingLoggerProvider owner) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner.Entries.Enqueue(new LogEntry(logLevel, eventId, formatter(state, exception), exception));
    }
}
