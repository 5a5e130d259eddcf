using CrisisBot.Tests.Cli;
using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Features.Channels;
using CrisisBot.Features.Experts;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Features.Channels;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using RecordingTurnReplies = CrisisBot.Tests.Features.Channels.RecordingTurnReplies;

namespace CrisisBot.Tests.Features.Experts;

/// <summary>A person in the expert-loop tests.</summary>
internal sealed record TestUser(string Id, string Name, string Aad, string? Upn = null);

/// <summary>
/// The expert loop wired as in Program.cs (storage, outbox with its worker, channels, experts) on a temporary SQLite file
/// or a PostgreSQL database, with a recording Connector, a fake clock and the real scheduler, fired by
/// <see cref="FireDueTimersAsync"/>. Turns run straight against the registered routes.
/// </summary>
internal sealed class ExpertTestHost : IAsyncDisposable
{
    public const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    public const string Tenant = "72f988bf-0000-0000-0000-0000000c0ffe";
    public const string ProductChannel = "19:ti-experts@thread.tacv2";
    public const string ApproversChannel = "19:approvers@thread.tacv2";
    public const string LeadershipChannel = "19:leadership@thread.tacv2";
    public const string AgentsThread = "19:agents@thread.tacv2;messageid=1700000000001";

    public static readonly TestUser Bob = new("29:1bob-agent", "Bob Agent", "aaaaaaaa-0000-4000-8000-000000000002");
    public static readonly TestUser Frank = new("29:1frank-agent", "Frank Agent", "aaaaaaaa-0000-4000-8000-000000000006");
    public static readonly TestUser Carol = new("29:1carol-expert", "Carol Expert", "aaaaaaaa-0000-4000-8000-000000000003");
    public static readonly TestUser Dave = new("29:1dave-deputy", "Dave Deputy", "aaaaaaaa-0000-4000-8000-000000000007", "dave@contoso.test");
    public static readonly TestUser Dan = new("29:1dan-approver", "Dan Approver", "aaaaaaaa-0000-4000-8000-000000000004");
    public static readonly TestUser Erin = new("29:1erin-legal", "Erin Legal", "aaaaaaaa-0000-4000-8000-000000000005");
    public static readonly TestUser Mallory = new("29:1mallory", "Mallory Stranger", "aaaaaaaa-0000-4000-8000-000000000009");

    public static readonly string ProductsYaml = $$"""
        products:
          - key: travel-insurance
            displayName: Travel Insurance
            keywords: [insurance, claim]
            owners: [{{Carol.Aad}}]
            deputies: [dave@contoso.test]
            approvers: [{{Dan.Aad}}, {{Erin.Aad}}]
            approvalSteps:
              - { name: Brand, approvers: [{{Dan.Aad}}] }
              - { name: Legal, approvers: [{{Erin.Aad}}] }
            slaMinutes: { normal: 60, crisis: 20 }
          - key: credit-card
            displayName: Credit Card
            keywords: [card]
            owners: [{{Carol.Aad}}]
            approvalSteps:
              - { name: Brand, approvers: [{{Dan.Aad}}] }
              - { name: Compliance, approvers: [{{Dan.Aad}}, {{Erin.Aad}}] }
            slaMinutes: { normal: 60, crisis: 20 }
          - key: mail
            displayName: Mail
            keywords: [parcel]
            owners: [{{Carol.Aad}}]
            deputies: []
            approvers: []
            slaMinutes: { normal: 30, crisis: 10 }
        """;

    private readonly ServiceProvider _services;
    private bool _workerStarted;

    private ExpertTestHost(ServiceProvider services, string directory, string? postgres, RecordingConnectorClient connector, MemberDirectoryConnector members)
    {
        _services = services;
        DataDirectory = directory;
        Postgres = postgres;
        Connector = connector;
        Members = members;
    }

    public string DataDirectory { get; }

    public string? Postgres { get; }

    public RecordingConnectorClient Connector { get; }

    public MemberDirectoryConnector Members { get; }


    public FakeTimeProvider Time => (FakeTimeProvider)_services.GetRequiredService<TimeProvider>();

    public RecordingTurnReplies Replies { get; } = new();

    public IServiceProvider Services => _services;

    public RouteTable Routes { get; private set; } = new();

    public static Task<ExpertTestHost> StartAsync(string? postgres = null, Action<IServiceCollection>? configure = null) =>
        StartOnAsync(Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N")), postgres, configure, link: true);

    /// <summary>A host on an existing data directory (a restart); <paramref name="link"/> binds the channels (first start only).</summary>
    public static async Task<ExpertTestHost> StartOnAsync(string directory, string? postgres, Action<IServiceCollection>? configure, bool link, DateTimeOffset? now = null)
    {
        Directory.CreateDirectory(directory);
        var products = Path.Combine(directory, "products.yaml");
        await File.WriteAllTextAsync(products, ProductsYaml);
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = postgres is null ? "Sqlite" : "Postgres",
            ["Storage:DataDirectory"] = directory,
            ["ConnectionStrings:Postgres"] = postgres,
            ["Bot:LocalMode"] = "true",
            ["Products:Path"] = products,
            ["Outbox:PollInterval"] = "00:00:00.050",

            // The test clock stands still, so Teams' per-thread windows never slide: a burst of 8 cards to one channel
            // would wait forever. These tests are about the expert loop; the limits have their own tests.
            ["Delivery:RateLimits:PerThreadPer1Second"] = "1000",
            ["Delivery:RateLimits:PerThreadPer2Seconds"] = "1000",
            ["Delivery:RateLimits:PerThreadPer30Seconds"] = "1000",
            ["Delivery:RateLimits:PerThreadPerHour"] = "10000",
            ["Delivery:RateLimits:TenantPerSecond"] = "1000",
        };
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var connector = new RecordingConnectorClient();
        var members = new MemberDirectoryConnector(connector);
        members.Members[Dave.Id] = new TeamsChannelAccount(Dave.Id, Dave.Name, Dave.Aad, Dave.Aad, null, null, null, Dave.Upn, null, Tenant);
        var services = new ServiceCollection()
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Warning))
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(new FakeTimeProvider(now ?? new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero)))
            .AddSingleton<IConnectorClient>(members)
            .AddStorage(configuration)
            .AddOutbox(configuration)
            .AddKeyedSingleton<IConnectorClient>(OutboxServiceCollectionExtensions.ConnectorKey, members)
            .AddScheduling()
            .AddChannelsFeature(configuration)
            .AddExpertsFeature(configuration);
        configure?.Invoke(services);

        var provider = services.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await provider.MigrateStorageAsync();
        var host = new ExpertTestHost(provider, directory, postgres, connector, members);
        foreach (var routes in provider.GetServices<IBotRoutes>())
        {
            routes.Register(host.Routes);
        }

        if (link)
        {
            await host.LinkAsync(new ChannelBindingKey(ChannelRole.Product, "travel-insurance"), ProductChannel);
            await host.LinkAsync(new ChannelBindingKey(ChannelRole.Product, "mail"), ProductChannel);
            await host.LinkAsync(new ChannelBindingKey(ChannelRole.Product, "credit-card"), ProductChannel);
            await host.LinkAsync(new ChannelBindingKey(ChannelRole.Approvers, ""), ApproversChannel);
        }

        return host;
    }

    public Task LinkAsync(ChannelBindingKey key, string channelId) =>
        _services.GetRequiredService<ChannelStore>().LinkAsync(key, new ChannelTarget(channelId, channelId, "19:team@thread.tacv2", "Care", ServiceUrl, Tenant), new ChannelActor("admin", "Admin"));

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public async Task<CrisisDbContext> DbAsync() => await _services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();

    // ───────── activities ─────────

    /// <summary>A command typed by <paramref name="user"/>: in personal chat, or (with <paramref name="conversationId"/>) in a channel thread.</summary>
    public async Task CommandAsync(TestUser user, string text, string? conversationId = null)
    {
        var builder = conversationId is null ? ActivityBuilder.Personal(text) : ActivityBuilder.Channel(text).WithConversationId(conversationId);
        var activity = As(builder, user).Build();
        await Routes.RunCommandAsync(new TurnContext(activity, Replies, _services), text);
    }

    /// <summary>Sends a card verb as <paramref name="user"/>; <paramref name="data"/> is a data record, <paramref name="inputs"/> the form values.</summary>
    public Task<InvokeResponse> InvokeAsync<T>(TestUser user, string verb, T data, IReadOnlyDictionary<string, object?>? inputs = null, string? conversationId = null)
        where T : class
    {
        var merged = System.Text.Json.Nodes.JsonNode.Parse(CardJson.Data(data).GetRawText())!.AsObject();
        foreach (var (key, value) in inputs ?? new Dictionary<string, object?>())
        {
            merged[key] = JsonSerializer.SerializeToNode(value);
        }

        var element = JsonSerializer.SerializeToElement(merged);
        var builder = ActivityBuilder.CardAction(verb, element, conversationId is null ? "personal" : "channel");
        if (conversationId is not null)
        {
            builder = builder.WithConversationId(conversationId);
        }

        var activity = As(builder, user).Build();
        var handler = Routes.Verbs[verb];
        return handler(new TurnContext(activity, Replies, _services), new CardAction(verb, element, IsSubmitFallback: false), CancellationToken.None);
    }

    private static ActivityBuilder As(ActivityBuilder builder, TestUser user) =>
        builder.WithFrom(user.Id, user.Name, user.Aad).WithServiceUrl(ServiceUrl).WithTenant(Tenant);

    // ───────── outbox and timers ─────────

    /// <summary>Runs the outbox worker until nothing is pending; returns every row, or throws after 20 s.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> DeliverAsync()
    {
        var worker = _services.GetRequiredService<OutboxWorker>();
        if (!_workerStarted)
        {
            _workerStarted = true;
            await worker.StartAsync(CancellationToken.None);
        }

        _services.GetRequiredService<OutboxSignal>().Notify();
        var deadline = DateTimeOffset.UtcNow.AddSeconds(20);
        while (true)
        {
            await using var db = await DbAsync();
            var rows = await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.Id).ToListAsync();
            if (rows.TrueForAll(r => r.Status is not (OutboxStatus.Pending or OutboxStatus.Sending)))
            {
                return rows;
            }

            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException("The outbox did not drain in 20 s: " + string.Join("; ", rows
                    .Where(r => r.Status is OutboxStatus.Pending or OutboxStatus.Sending)
                    .Select(r => $"#{r.Id} {r.Kind} to {r.ConversationKey} {r.Status}, attempts {r.Attempts}, next attempt {r.NextAttemptAt:HH:mm:ss.fff}, "
                                 + $"lease {r.LeaseOwner ?? "none"} until {r.LeaseUntil:HH:mm:ss.fff}, last error {r.LastError ?? "none"}"))
                    + $" (fake clock {Time.GetUtcNow():HH:mm:ss.fff}, worker holds {worker.Held})");
            }

            _services.GetRequiredService<OutboxSignal>().Notify();
            await Task.Delay(20);
        }
    }

    /// <summary>One pass of the real scheduler at the fake clock's time; returns how many timers fired.</summary>
    public async Task<int> FireDueTimersAsync()
    {
        var before = await TimerRowsAsync();
        await _services.GetRequiredService<SchedulerWorker>().RunDueAsync(CancellationToken.None);
        var after = await TimerRowsAsync();
        return before.Count(b => b.DueAt <= Time.GetUtcNow() && !after.Any(a => a.Kind == b.Kind && a.Key == b.Key && a.DueAt == b.DueAt));
    }

    /// <summary>The stored timers (ScheduledTimers), soonest first.</summary>
    public async Task<IReadOnlyList<DurableTimer>> TimerRowsAsync()
    {
        await using var db = await DbAsync();
        var rows = await db.Set<ScheduledTimer>().AsNoTracking().ToListAsync();
        return [.. rows.Select(t => new DurableTimer(t.Kind, t.Key, t.DueAt, t.Payload)).OrderBy(t => t.DueAt)];
    }

    /// <summary>Cards sent (new posts, replies, updates) whose JSON contains <paramref name="text"/>.</summary>
    public IReadOnlyList<RecordedCall> CallsWith(string text) =>
        Connector.Calls.Where(c => c.Activity is not null && JsonSerializer.Serialize(c.Activity, CrisisBot.Protocol.ProtocolJsonContext.Default.OutgoingActivity).Contains(text, StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        if (_workerStarted)
        {
            await _services.GetRequiredService<OutboxWorker>().StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Deletes the data directory (after the last host on it is disposed).</summary>
    public static void DeleteDirectory(string directory) => TempDirectory.DeleteBestEffort(directory);
}
