using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Startup;

/// <summary>Start-up settings (section <c>Startup</c>).</summary>
public sealed class StartupOptions
{
    public const string SectionName = "Startup";

    /// <summary>
    /// The latest the background workers (outbox, scheduler, topic-card flusher, hot-topic engine rebuild) start after the
    /// server has started, if no request has been answered before (the first answered request starts them at once).
    /// 0 starts them together with the server. Default 2 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00", ErrorMessage = "Startup:BackgroundDelay must be between 00:00:00 and 00:05:00.")]
    public TimeSpan BackgroundDelay { get; set; } = TimeSpan.FromSeconds(2);
}

/// <summary>
/// Holds the background workers back while the server starts, so on a small machine their first database passes (and the
/// JIT and EF Core query compilation they cause) do not compete with the first requests, typically the first
/// <c>/healthz</c>. Opens at the end of the first answered HTTP request (<see cref="BackgroundStart.UseBackgroundStartAfterFirstRequest"/>),
/// or <see cref="StartupOptions.BackgroundDelay"/> after the application started, whichever comes first. Nothing waits
/// on it but the workers: rows they would send or fire stay in the database meanwhile, and ingest rebuilds the engine
/// itself if a post arrives before the rebuild has run.
/// </summary>
public sealed class BackgroundStartGate(TimeProvider time, ILogger<BackgroundStartGate> logger)
{
    private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly long _created = time.GetTimestamp();

    /// <summary>True once the workers may start.</summary>
    public bool IsOpen => _open.Task.IsCompleted;

    /// <summary>Completes when the workers may start.</summary>
    public Task WaitAsync(CancellationToken ct) => _open.Task.WaitAsync(ct);

    /// <summary>Lets the workers start (the first call only; later calls do nothing).</summary>
    /// <returns>True when this call opened the gate.</returns>
    public bool Open(string reason)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        if (!_open.TrySetResult())
        {
            return false;
        }

        StartupLog.BackgroundStarting(logger, reason, time.GetElapsedTime(_created).TotalMilliseconds);
        return true;
    }
}

/// <summary>
/// Runs a background worker once <see cref="BackgroundStartGate"/> is open. A worker that fails still stops the host, as
/// the worker registered on its own would (its failure is this service's failure).
/// </summary>
internal sealed class DeferredBackgroundService(IHostedService inner, BackgroundStartGate gate) : BackgroundService
{
    private readonly Lock _lock = new();
    private bool _started;

    /// <summary>The worker this service starts.</summary>
    public IHostedService Inner => inner;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await gate.WaitAsync(stoppingToken);
        lock (_lock)
        {
            if (stoppingToken.IsCancellationRequested)
            {
                return;
            }

            _started = true;
        }

        await inner.StartAsync(stoppingToken);
        if (inner is BackgroundService { ExecuteTask: { } running })
        {
            await running.WaitAsync(stoppingToken);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        bool started;
        lock (_lock)
        {
            started = _started;
        }

        if (started)
        {
            await inner.StopAsync(cancellationToken);
        }
    }
}

/// <summary>Opens <see cref="BackgroundStartGate"/> <see cref="StartupOptions.BackgroundDelay"/> after the application started.</summary>
/// <remarks>Without a host lifetime (a bare service provider, as some tests build) the gate opens when this service starts.</remarks>
internal sealed class BackgroundStartTimer(
    BackgroundStartGate gate,
    IHostApplicationLifetime? lifetime,
    IOptions<StartupOptions> options,
    TimeProvider time) : IHostedService, IDisposable
{
    private CancellationTokenRegistration _registration;
    private ITimer? _timer;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.BackgroundDelay;
        if (lifetime is null)
        {
            gate.Open("no host lifetime");
            return Task.CompletedTask;
        }

        _registration = lifetime.ApplicationStarted.Register(() =>
        {
            if (delay <= TimeSpan.Zero)
            {
                gate.Open("Startup:BackgroundDelay is 0");
                return;
            }

            _timer = time.CreateTimer(_ => gate.Open($"no request answered within Startup:BackgroundDelay ({delay.TotalSeconds:0.###} s) of the start"),
                null, delay, Timeout.InfiniteTimeSpan);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _registration.Dispose();
        _timer?.Dispose();
    }
}

public static class BackgroundStart
{
    /// <summary>
    /// Registers a background worker that starts only once <see cref="BackgroundStartGate"/> is open (instead of
    /// <c>AddHostedService</c>); adds the gate, its timer and <see cref="StartupOptions"/> once.
    /// </summary>
    public static IServiceCollection AddBackgroundWorker(this IServiceCollection services, Func<IServiceProvider, IHostedService> worker)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(worker);
        if (!services.Any(d => d.ServiceType == typeof(BackgroundStartGate)))
        {
            services.TryAddSingleton(TimeProvider.System);
            services.AddOptions<StartupOptions>()
                .Configure<IServiceProvider>((options, sp) => sp.GetService<IConfiguration>()?.GetSection(StartupOptions.SectionName).Bind(options))
                .ValidateDataAnnotations()
                .ValidateOnStart();
            services.AddSingleton<BackgroundStartGate>();
            services.AddSingleton<IHostedService>(sp => new BackgroundStartTimer(sp.GetRequiredService<BackgroundStartGate>(),
                sp.GetService<IHostApplicationLifetime>(), sp.GetRequiredService<IOptions<StartupOptions>>(), sp.GetRequiredService<TimeProvider>()));
        }

        services.AddSingleton<IHostedService>(sp => new DeferredBackgroundService(worker(sp), sp.GetRequiredService<BackgroundStartGate>()));
        return services;
    }

    /// <summary>
    /// Opens <see cref="BackgroundStartGate"/> once the first HTTP request (any path, any status) has been answered and its
    /// response sent. Costs one volatile read per request.
    /// </summary>
    public static WebApplication UseBackgroundStartAfterFirstRequest(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<BackgroundStartGate>() is not { } gate)
        {
            return app;
        }

        app.Use((context, next) =>
        {
            if (!gate.IsOpen)
            {
                var path = context.Request.Path.Value;
                context.Response.OnCompleted(() =>
                {
                    gate.Open($"first request answered ({path})");
                    return Task.CompletedTask;
                });
            }

            return next(context);
        });
        return app;
    }
}
