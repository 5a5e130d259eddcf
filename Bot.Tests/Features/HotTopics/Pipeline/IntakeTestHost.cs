using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics.Pipeline;

/// <summary>
/// Storage (SQLite temp folder, or its own PostgreSQL database) plus a <see cref="HotTopicPipeline"/> on it.
/// <see cref="RestartAsync"/> throws the pipeline away and builds a new one on the same database, like a process restart.
/// </summary>
internal sealed class IntakeTestHost : IAsyncDisposable
{
    private readonly StorageTestSettings _settings = new();
    private readonly string? _postgres;

    private IntakeTestHost(string? postgres, IReadOnlyList<ITopicChangeObserver> observers)
    {
        _postgres = postgres;
        Observers = observers;
        var values = new List<(string, string?)> { ("Products:Path", SamplePaths.Products) };
        if (postgres is not null)
        {
            values.Add(("Storage:Provider", "Postgres"));
            values.Add(("ConnectionStrings:Postgres", postgres));
        }

        Configuration = _settings.Configuration([.. values]);
        Services = new ServiceCollection()
            .AddLogging()
            .AddSingleton<TimeProvider>(Time)
            .AddStorage(Configuration)
            .AddHotTopicsCore(Configuration)
            .BuildServiceProvider();
        Pipeline = NewPipeline();
    }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero));

    public IConfiguration Configuration { get; }

    public ServiceProvider Services { get; }

    public IReadOnlyList<ITopicChangeObserver> Observers { get; }

    public HotTopicPipeline Pipeline { get; private set; }

    public string DataDirectory => _settings.DataDirectory;

    public IDbContextFactory<CrisisDbContext> DbFactory => Services.GetRequiredService<IDbContextFactory<CrisisDbContext>>();

    public static async Task<IntakeTestHost> CreateAsync(bool postgres = false, params ITopicChangeObserver[] observers)
    {
        var connection = postgres ? await PostgresTestServer.CreateDatabaseAsync() : null;
        var host = new IntakeTestHost(connection, observers);
        await host.Services.MigrateStorageAsync();
        return host;
    }

    public HotTopicPipeline NewPipeline() => new(
        Services.GetRequiredService<IntakeDatabase>(), Services.GetRequiredService<ProductCatalog>(), Observers, NullLogger<HotTopicPipeline>.Instance);

    /// <summary>A new pipeline on the same database (the old one is dropped, as in a restart).</summary>
    public async Task<HotTopicPipeline> RestartAsync()
    {
        Pipeline.Dispose();
        Pipeline = NewPipeline();
        await Pipeline.StartAsync();
        return Pipeline;
    }

    public async ValueTask DisposeAsync()
    {
        Pipeline.Dispose();
        await Services.DisposeAsync();
        if (_postgres is not null)
        {
            await PostgresTestServer.DropDatabaseAsync(_postgres);
        }

        _settings.Dispose();
    }
}

/// <summary>Files shipped with the build output that tests use.</summary>
internal static class SamplePaths
{
    public static string Products => Path.Combine(AppContext.BaseDirectory, ProductsOptions.SampleFileName);

    public static string DemoCrisis => Path.Combine(AppContext.BaseDirectory, "Demo", "demo-crisis.jsonl");

    /// <summary>The demo crisis, parsed (1,914 posts over 10 days with spikes).</summary>
    public static IReadOnlyList<SocialPost> DemoPosts(TimeProvider? time = null)
    {
        using var stream = File.OpenRead(DemoCrisis);
        var clock = time ?? new FakeTimeProvider(new DateTimeOffset(2026, 3, 27, 0, 0, 0, TimeSpan.Zero));
        return [.. new JsonPostReader(clock).Read(stream).Select(r => r.Post ?? throw new InvalidOperationException(r.Error!.Message))];
    }
}

/// <summary>Makes posts for tests.</summary>
internal static class Posts
{
    public static readonly DateTimeOffset T0 = new(2026, 3, 24, 9, 0, 0, TimeSpan.Zero);

    public static SocialPost Make(string id, string text, DateTimeOffset at, string source = "twitter", long followers = 100) =>
        new(id, source, text, at, new PostAuthor("@" + id, "User " + id, followers, false), $"https://social.example/{id}");
}

/// <summary>Records every batch an observer sees.</summary>
internal sealed class RecordingObserver : ITopicChangeObserver
{
    public List<TopicChangeBatch> Batches { get; } = [];

    public Func<CrisisDbContext, TopicChangeBatch, Task>? OnBatch { get; set; }

    public async Task OnTopicsChangedAsync(CrisisDbContext db, TopicChangeBatch batch, CancellationToken ct)
    {
        Batches.Add(batch);
        if (OnBatch is not null)
        {
            await OnBatch(db, batch);
        }
    }
}
