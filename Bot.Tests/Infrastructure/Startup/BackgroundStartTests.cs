using System.Net;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Startup;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Startup;

public sealed class BackgroundStartTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static BackgroundStartGate Gate(TimeProvider? time = null, ILogger<BackgroundStartGate>? logger = null) =>
        new(time ?? new FakeTimeProvider(), logger ?? NullLogger<BackgroundStartGate>.Instance);

    [Fact]
    public void Open_CalledTwice_OpensOnceAndLogsEvent1951Once()
    {
        var logger = new ListLogger<BackgroundStartGate>();
        var gate = Gate(logger: logger);

        Assert.False(gate.IsOpen);
        Assert.True(gate.Open("first request answered (/healthz)"));
        Assert.False(gate.Open("Startup:BackgroundDelay elapsed"));

        Assert.True(gate.IsOpen);
        var entry = Assert.Single(logger.Entries);
        Assert.Equal(1951, entry.EventId.Id);
        Assert.Contains("first request answered (/healthz)", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timer_DelayElapsesAfterApplicationStarted_OpensTheGate()
    {
        var time = new FakeTimeProvider();
        var gate = Gate(time);
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var timer = new BackgroundStartTimer(gate, lifetime, Options.Create(new StartupOptions { BackgroundDelay = TimeSpan.FromSeconds(2) }), time);
        await timer.StartAsync(CancellationToken.None);

        time.Advance(TimeSpan.FromSeconds(5)); // before ApplicationStarted: the delay has not begun
        Assert.False(gate.IsOpen);
        lifetime.NotifyStarted();
        time.Advance(TimeSpan.FromMilliseconds(1_999));
        Assert.False(gate.IsOpen);
        time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.True(gate.IsOpen);
    }

    [Fact]
    public async Task Timer_ZeroDelay_OpensTheGateWhenTheApplicationStarted()
    {
        var gate = Gate();
        var lifetime = new ApplicationLifetime(NullLogger<ApplicationLifetime>.Instance);
        using var timer = new BackgroundStartTimer(gate, lifetime, Options.Create(new StartupOptions { BackgroundDelay = TimeSpan.Zero }), new FakeTimeProvider());
        await timer.StartAsync(CancellationToken.None);
        Assert.False(gate.IsOpen);

        lifetime.NotifyStarted();

        Assert.True(gate.IsOpen);
    }

    [Fact]
    public async Task Timer_NoHostLifetime_OpensTheGateWhenItStarts()
    {
        var gate = Gate();
        using var timer = new BackgroundStartTimer(gate, null, Options.Create(new StartupOptions()), new FakeTimeProvider());

        await timer.StartAsync(CancellationToken.None);

        Assert.True(gate.IsOpen);
    }

    [Fact]
    public async Task DeferredService_GateClosed_StartsTheWorkerOnlyWhenItOpens()
    {
        var gate = Gate();
        var worker = new ProbeWorker();
        using var deferred = new DeferredBackgroundService(worker, gate);

        await deferred.StartAsync(CancellationToken.None);
        Assert.False(worker.Started.Task.IsCompleted);
        gate.Open("test");
        var token = await worker.Started.Task.WaitAsync(Patience);

        Assert.False(token.IsCancellationRequested);
        await deferred.StopAsync(CancellationToken.None);
        Assert.True(token.IsCancellationRequested);
        Assert.True(worker.Stopped);
    }

    [Fact]
    public async Task DeferredService_StoppedBeforeTheGateOpens_NeverStartsTheWorker()
    {
        var gate = Gate();
        var worker = new ProbeWorker();
        using var deferred = new DeferredBackgroundService(worker, gate);
        await deferred.StartAsync(CancellationToken.None);

        await deferred.StopAsync(CancellationToken.None);
        gate.Open("test");

        Assert.False(worker.Started.Task.IsCompleted);
        Assert.False(worker.Stopped);
    }

    [Fact]
    public async Task DeferredService_WorkerFails_FailsWithTheWorkersException()
    {
        var gate = Gate();
        using var deferred = new DeferredBackgroundService(new FailingWorker(), gate);
        await deferred.StartAsync(CancellationToken.None);

        gate.Open("test");

        // The host watches a BackgroundService's ExecuteTask: a failed worker still stops the host as it did on its own.
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => deferred.ExecuteTask!.WaitAsync(Patience));
        Assert.Equal("worker failed", ex.Message);
    }

    [Fact]
    public void AddBackgroundWorker_TwoWorkers_OneGateAndOneTimer()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddBackgroundWorker(_ => new ProbeWorker());
        services.AddBackgroundWorker(_ => new ProbeWorker());

        Assert.Single(services, d => d.ServiceType == typeof(BackgroundStartGate));
        Assert.Equal(3, services.Count(d => d.ServiceType == typeof(IHostedService))); // two workers and the gate's timer
    }

    [Fact]
    public void StartupOptions_DelayOutOfRange_FailsValidationNamingTheKey()
    {
        var services = new ServiceCollection().AddLogging();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Startup:BackgroundDelay"] = "00:10:00" }).Build());
        services.AddBackgroundWorker(_ => new ProbeWorker());
        using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<StartupOptions>>().Value);
        Assert.Contains("Startup:BackgroundDelay", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Host_BeforeTheFirstRequest_WorkersWaitAndTheFirstHealthzStartsThem()
    {
        using var factory = CrisisBotFactory.LocalMode().WithSetting("Startup:BackgroundDelay", "00:05:00");
        using var client = factory.CreateClient(); // starts the host
        var gate = factory.Services.GetRequiredService<BackgroundStartGate>();
        var outbox = factory.Services.GetRequiredService<OutboxWorker>();
        var scheduler = factory.Services.GetRequiredService<SchedulerWorker>();
        var flusher = factory.Services.GetRequiredService<TopicCardFlusher>();

        Assert.False(gate.IsOpen);
        Assert.Null(outbox.ExecuteTask);
        Assert.Null(scheduler.ExecuteTask);
        Assert.Null(flusher.ExecuteTask);

        using var response = await client.GetAsync(new Uri("/healthz", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await gate.WaitAsync(CancellationToken.None).WaitAsync(Patience);
        await WaitUntilAsync(() => outbox.ExecuteTask is not null && scheduler.ExecuteTask is not null && flusher.ExecuteTask is not null);

        Assert.False(outbox.ExecuteTask!.IsCompleted); // running, not failed
        Assert.False(scheduler.ExecuteTask!.IsCompleted);
    }

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!condition())
        {
            await Task.Delay(10, timeout.Token);
        }
    }

    private sealed class ProbeWorker : BackgroundService
    {
        public TaskCompletionSource<CancellationToken> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Stopped { get; private set; }

        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            Started.TrySetResult(stoppingToken);
            try
            {
                await Task.Delay(Timeout.Infinite, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                Stopped = true;
            }
        }
    }

    private sealed class FailingWorker : BackgroundService
    {
        protected override async Task ExecuteAsync(CancellationToken stoppingToken)
        {
            await Task.Yield();
            throw new InvalidOperationException("worker failed");
        }
    }
}
