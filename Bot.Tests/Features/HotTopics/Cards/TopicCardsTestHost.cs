using CrisisBot.Tests.Cli;
using System.Text.Json;
using CrisisBot.Features.Channels;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Connector;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.Infrastructure.Outbox;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics.Cards;

/// <summary>
/// Storage, outbox (worker stopped: rows stay pending for inspection), Channels and the topic-cards feature as in
/// Program.cs, on a temporary SQLite file with a fake clock. The flusher is driven by hand (<see cref="FlushAsync"/>).
/// </summary>
internal sealed class TopicCardsTestHost : IAsyncDisposable
{
    public const string ServiceUrl = "https://smba.trafficmanager.net/emea/";
    public const string Tenant = "72f988bf-0000-0000-0000-0000000c0ffe";
    public const string ProductChannel = "19:mail-parcels@thread.tacv2";
    public const string CrisisChannel = "19:crisis-room@thread.tacv2";
    public const string AgentsChannel = "19:agents@thread.tacv2";
    public const string YamlChannel = "19:travel-money-yaml@thread.tacv2";
    public const string OwnerAad = "0b0b0b0b-0000-4000-8000-000000000001";
    public const string DeputyAad = "0b0b0b0b-0000-4000-8000-000000000002";
    public const string AdminAad = "0b0b0b0b-0000-4000-8000-0000000000ad";
    public static readonly DateTimeOffset Start = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    public const string ProductsYaml = """
        products:
          - key: mail-parcels
            displayName: Mail and parcels
            keywords: [parcel, delivery]
            phrases: ["lost parcel"]
            owners: [0b0b0b0b-0000-4000-8000-000000000001]
            deputies: [0b0b0b0b-0000-4000-8000-000000000002]
            approvers: [0b0b0b0b-0000-4000-8000-000000000003]
            slaMinutes: { normal: 60, crisis: 15 }
          - key: travel-money
            displayName: Travel money
            keywords: [currency]
            phrases: ["travel money"]
            owners: [0b0b0b0b-0000-4000-8000-000000000004]
            deputies: []
            approvers: [0b0b0b0b-0000-4000-8000-000000000003]
            slaMinutes: { normal: 60, crisis: 15 }
            channel: "19:travel-money-yaml@thread.tacv2"
          - key: credit-card
            displayName: Credit card
            keywords: [credit]
            phrases: ["credit card"]
            owners: [0b0b0b0b-0000-4000-8000-000000000005]
            deputies: []
            approvers: [0b0b0b0b-0000-4000-8000-000000000003]
            slaMinutes: { normal: 60, crisis: 15 }
        """;

    private readonly ServiceProvider _services;

    private TopicCardsTestHost(ServiceProvider services, string directory, FakeTimeProvider time, SwitchableCrisis crisis)
    {
        _services = services;
        DataDirectory = directory;
        Time = time;
        Crisis = crisis;
    }

    public string DataDirectory { get; }

    public FakeTimeProvider Time { get; }

    public SwitchableCrisis Crisis { get; }

    public LogCollector Logs => _services.GetRequiredService<LogCollector>();

    public TopicCardPublisher Publisher => _services.GetRequiredService<TopicCardPublisher>();

    public TopicCardFlusher Flusher => _services.GetRequiredService<TopicCardFlusher>();

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    /// <summary>Writes the test products file into <paramref name="directory"/> and returns its path.</summary>
    public static string WriteProducts(string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, "products.yaml");
        File.WriteAllText(path, ProductsYaml);
        return path;
    }

    /// <param name="directory">An existing data directory (a restart); null for a fresh one.</param>
    /// <param name="time">The clock to keep across a restart.</param>
    /// <param name="configure">Extra registrations after the features (e.g. a fake IExpertAnswers).</param>
    public static async Task<TopicCardsTestHost> StartAsync(string? directory = null, FakeTimeProvider? time = null, IDictionary<string, string?>? settings = null, Action<IServiceCollection>? configure = null)
    {
        directory ??= Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        var values = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = directory,
            ["Bot:LocalMode"] = "true",
            ["Bot:Admins:0"] = AdminAad,
            ["Products:Path"] = WriteProducts(directory),
            ["TopicCards:FlusherEnabled"] = "false",
            ["TopicCards:DefaultServiceUrl"] = ServiceUrl,
            ["TopicCards:DefaultTenantId"] = Tenant,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            values[key] = value;
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();
        var logs = new LogCollector();
        time ??= new FakeTimeProvider(Start);
        var crisis = new SwitchableCrisis();
        var connector = new RecordingConnectorClient();
        var collection = new ServiceCollection();
        collection
            .AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs))
            .AddSingleton(logs)
            .AddSingleton<IConfiguration>(configuration)
            .AddSingleton<TimeProvider>(time)
            .AddSingleton<IConnectorClient>(connector)
            .AddSingleton<ICrisisState>(crisis)
            .AddStorage(configuration)
            .AddOutbox(configuration)
            .AddKeyedSingleton<IConnectorClient>(OutboxServiceCollectionExtensions.ConnectorKey, connector)
            .AddChannelsFeature(configuration)
            .AddTopicCardsFeature(configuration);
        configure?.Invoke(collection);
        var services = collection.BuildServiceProvider(new ServiceProviderOptions { ValidateOnBuild = true, ValidateScopes = true });
        await services.MigrateStorageAsync();
        return new TopicCardsTestHost(services, directory, time, crisis);
    }

    /// <summary>Runs the publisher in a transaction as the ingest pipeline does, then saves.</summary>
    public async Task ApplyAsync(TopicChangeBatch batch)
    {
        await using var db = await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        await using var tx = await db.Database.BeginTransactionAsync();
        await Publisher.OnTopicsChangedAsync(db, batch, CancellationToken.None);
        await db.SaveChangesAsync();
        await tx.CommitAsync();
    }

    public Task<int> FlushAsync() => Flusher.FlushAsync();

    public Task LinkAsync(ChannelRole role, string channelId, string productKey = "") =>
        Get<ChannelStore>().LinkAsync(
            new ChannelBindingKey(role, productKey),
            new ChannelTarget(channelId, "Channel", "19:team@thread.tacv2", "Team", ServiceUrl, Tenant),
            new ChannelActor(AdminAad, "Admin"));

    public async Task<List<OutboxMessage>> OutboxAsync()
    {
        await using var db = await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        return await db.Set<OutboxMessage>().AsNoTracking().OrderBy(m => m.Id).ToListAsync();
    }

    public async Task<TopicCard?> CardAsync(int topicId)
    {
        await using var db = await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        return await db.Set<TopicCard>().AsNoTracking().SingleOrDefaultAsync(c => c.TopicId == topicId);
    }

    public async Task<List<AuditEntry>> AuditAsync()
    {
        await using var db = await Get<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        return await db.AuditEntries.AsNoTracking().OrderBy(e => e.Id).ToListAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }

    /// <summary>Deletes the data directory (after the last host on it is disposed).</summary>
    public static void Delete(string directory) => TempDirectory.DeleteBestEffort(directory);
}

/// <summary>A crisis state the test switches on and off.</summary>
internal sealed class SwitchableCrisis : ICrisisState
{
    public ActiveCrisis? Active { get; set; }

    public Task<ActiveCrisis?> GetActiveAsync(CancellationToken ct = default) => Task.FromResult(Active);
}

/// <summary>Builds topic views, alarms and batches like the ingest pipeline's.</summary>
internal static class TopicBatches
{
    public static readonly DateTimeOffset EventTime = new(2026, 3, 9, 13, 50, 0, TimeSpan.Zero);

    public static TopicView View(int id, TopicState state, AlarmSeverity severity, int posts, string product = "mail-parcels", int? mergedInto = null, string title = "lost · parcel · tracking") =>
        new(
            new TopicSnapshot(new TopicId(id), title, product, state, severity, posts, 0, 1_000L * posts,
                EventTime.AddHours(-3), EventTime.AddMinutes(posts % 60), 2.0, posts, mergedInto is { } m ? new TopicId(m) : null),
            [1, 2, posts],
            [new TopicSamplePost("twitter", $"p{posts}", "@jane", $"Where is my parcel? Post number {posts}", EventTime, 1200, null)],
            []);

    public static TopicAlarm Alarm(int id, AlarmTransition transition, AlarmSeverity severity, string product = "mail-parcels") =>
        new(new TopicId(id), product, EventTime, severity, AlarmScope.Topic, transition, 12, 1.5, 1e-5);

    public static TopicChangeBatch Batch(IReadOnlyList<TopicView> views, IReadOnlyList<TopicAlarm>? alarms = null, IReadOnlyList<TopicMerge>? merges = null, bool rebuild = false) =>
        new(views, alarms ?? [], merges ?? [], EventTime, rebuild);

    /// <summary>The batch where topic <paramref name="id"/> turns hot (onset).</summary>
    public static TopicChangeBatch Onset(int id, AlarmSeverity severity = AlarmSeverity.Low, string product = "mail-parcels", int posts = 12, string title = "lost · parcel · tracking") =>
        Batch([View(id, TopicState.Hot, severity, posts, product, title: title)], [Alarm(id, AlarmTransition.Onset, severity, product)]);

    /// <summary>A later batch: more posts, same state.</summary>
    public static TopicChangeBatch More(int id, int posts, AlarmSeverity severity = AlarmSeverity.Low, TopicState state = TopicState.Hot, string product = "mail-parcels") =>
        Batch([View(id, state, severity, posts, product)]);

    /// <summary>The card JSON of an outbox row's activity.</summary>
    public static JsonElement CardOf(OutboxMessage row)
    {
        using var doc = JsonDocument.Parse(row.Payload);
        return doc.RootElement.GetProperty("attachments")[0].GetProperty("content").Clone();
    }

    public static string TextOf(OutboxMessage row) => row.Payload;
}
