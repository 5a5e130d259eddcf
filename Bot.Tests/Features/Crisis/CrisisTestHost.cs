using CrisisBot.Tests.Cli;
using CrisisBot.Features.Channels;
using CrisisBot.Features.Crisis;
using CrisisBot.Infrastructure.Graph;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Features.Channels;
using RecordingTurnReplies = CrisisBot.Tests.Features.Channels.RecordingTurnReplies;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.Infrastructure.Graph;
using CrisisBot.Tests.TestData;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.Crisis;

/// <summary>
/// Channels + crisis features as in Program.cs on a temporary SQLite file, with a fake clock, a recording Connector and,
/// optionally, Graph pointed at a <see cref="FakeGraphServer"/>. Handlers run directly through the route table.
/// </summary>
internal sealed class CrisisTestHost : IAsyncDisposable
{
    public const string AdminAadObjectId = "AAAAAAAA-0000-0000-0000-000000000001";
    public const string LeadAadObjectId = "BBBBBBBB-0000-0000-0000-000000000002";
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    private readonly ServiceProvider _services;
    private readonly bool _deleteOnDispose;

    private CrisisTestHost(ServiceProvider services, string directory, bool deleteOnDispose)
    {
        _services = services;
        DataDirectory = directory;
        _deleteOnDispose = deleteOnDispose;
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

    public ICrisisState State => _services.GetRequiredService<ICrisisState>();

    /// <param name="graph">Graph configured against this fake server; null: no Graph configuration.</param>
    /// <param name="directory">An existing data directory (a restart); null: a new one.</param>
    /// <param name="postgres">A PostgreSQL connection string (the test's own database); null: SQLite in the data directory.</param>
    /// <param name="configure">Extra registrations (e.g. the duty-of-care feature), after the crisis feature's.</param>
    public static async Task<CrisisTestHost> StartAsync(
        FakeGraphServer? graph = null, string? directory = null, DateTimeOffset? now = null, Dictionary<string, string?>? extra = null,
        string? postgres = null, Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var restart = directory is not null;
        directory ??= Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["Storage:DataDirectory"] = directory,
            ["ConnectionStrings:Postgres"] = postgres,
            ["Bot:LocalMode"] = "true",
            ["Bot:Admins:0"] = AdminAadObjectId,
            ["Crisis:Leads:0"] = LeadAadObjectId,
            ["Crisis:UpdateCadenceHours"] = "4",
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
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(new FakeTimeProvider(now ?? Start))
            .AddSingleton<IConnectorClient>(connector)
            .AddStorage(configuration)
            .AddOutbox(configuration)
            .AddKeyedSingleton<IConnectorClient>(OutboxServiceCollectionExtensions.ConnectorKey, connector)
            .AddScheduling()
            .AddChannelsFeature(configuration)
            .AddCrisisFeature(configuration);
        configure?.Invoke(services, configuration);
        if (graph is not null)
        {
            services.AddHttpClient(TeamsGraphClient.AuthHttpClientName).ConfigurePrimaryHttpMessageHandler(graph.AuthRedirectHandler);
        }

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.MigrateStorageAsync();
        return new CrisisTestHost(provider, directory, deleteOnDispose: !restart);
    }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public TurnContext Turn(Activity activity) => new(activity, Replies, _services);

    /// <summary>A channel @mention from the admin (Bot:Admins), the configured lead, or anyone else.</summary>
    public static Activity FromAdmin(string text) => ActivityBuilder.Channel(text).WithFrom("29:carol", "Carol Admin", AdminAadObjectId).Build();

    public static Activity FromLead(string text) => ActivityBuilder.Channel(text).WithFrom("29:lena", "Lena Lead", LeadAadObjectId).Build();

    public static Activity FromAgent(string text) => ActivityBuilder.Channel(text).WithFrom("29:sam", "Sam Agent", "CCCCCCCC-0000-0000-0000-000000000003").Build();

    public Task RunAsync(Activity activity) => Routes.RunCommandAsync(Turn(activity), StripMention(activity.Text!));

    /// <summary>Runs a card verb as <paramref name="who"/> (an activity made by FromAdmin/FromLead/FromAgent).</summary>
    public Task<InvokeResponse> InvokeAsync(string verb, object data, Activity who)
    {
        var activity = ActivityBuilder.CardAction(verb, data, "channel").WithFrom(who.From!.Id!, who.From.Name!, who.From.AadObjectId).Build();
        var element = System.Text.Json.JsonSerializer.SerializeToElement(data);
        return Routes.Verbs[verb](Turn(activity), new CardAction(verb, element, false), CancellationToken.None);
    }

    /// <summary>Links the crisis role to a channel as the admin would.</summary>
    public Task LinkCrisisChannelAsync(string channelId = "19:linked-crisis@thread.tacv2") =>
        Get<ChannelStore>().LinkAsync(new ChannelBindingKey(ChannelRole.Crisis, ""),
            new ChannelTarget(channelId, "War room", ActivityBuilder.TeamId, "Customer Care", TestTokenIssuer.ServiceUrl, TestTokenIssuer.TenantId),
            new ChannelActor(AdminAadObjectId, "Carol Admin"));

    public Task LinkLeadershipChannelAsync(string channelId = "19:leadership@thread.tacv2") =>
        Get<ChannelStore>().LinkAsync(new ChannelBindingKey(ChannelRole.Leadership, ""),
            new ChannelTarget(channelId, "Leadership", ActivityBuilder.TeamId, "Customer Care", TestTokenIssuer.ServiceUrl, TestTokenIssuer.TenantId),
            new ChannelActor(AdminAadObjectId, "Carol Admin"));

    public async Task<List<T>> RowsAsync<T>()
        where T : class
    {
        await using var db = await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        return await db.Set<T>().AsNoTracking().ToListAsync();
    }

    /// <summary>Advances the clock and fires due timers, as the scheduler worker would.</summary>
    public async Task AdvanceAsync(TimeSpan by)
    {
        Time.Advance(by);
        await Get<SchedulerWorker>().RunDueAsync(CancellationToken.None);
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
        if (_deleteOnDispose)
        {
            Delete(DataDirectory);
        }
    }

    /// <summary>Deletes the data directory (after the last host on it is disposed).</summary>
    public static void Delete(string directory) => TempDirectory.DeleteBestEffort(directory);

    private static string StripMention(string text) =>
        text.StartsWith("<at>", StringComparison.Ordinal) ? text[(text.IndexOf("</at>", StringComparison.Ordinal) + 5)..].Trim() : text;
}
