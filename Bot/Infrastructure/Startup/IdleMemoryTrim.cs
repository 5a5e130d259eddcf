using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Startup;

/// <summary>Settings of the idle memory trim (section <c>Memory</c>).</summary>
public sealed class MemoryOptions
{
    public const string SectionName = "Memory";

    /// <summary>
    /// After a burst of HTTP requests, once none has arrived for this long, run one compacting garbage collection that
    /// returns the heap's free memory to the operating system. 0 turns it off. Default 3 s.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "01:00:00", ErrorMessage = "Memory:IdleTrimAfter must be between 00:00:00 and 01:00:00.")]
    public TimeSpan IdleTrimAfter { get; set; } = TimeSpan.FromSeconds(3);
}

/// <summary>
/// Gives memory back when the bot goes quiet. Between bursts (a crisis comes in waves) the garbage collector keeps the
/// memory a burst needed committed, so the process stays at its burst size while idle. Like the JVM's periodic collection
/// for idle applications, this runs one blocking, compacting, aggressive collection (<see cref="GCCollectionMode.Aggressive"/>:
/// it also decommits the free regions), then hands the C library's free heap memory back (<see cref="NativeHeapTrim"/>), once no request has arrived for <see cref="MemoryOptions.IdleTrimAfter"/>, and
/// then not again until after the next request. With the bot's small live heap (15–20 MB) it takes milliseconds; a request
/// that arrives during it waits that long. Background polls (outbox, scheduler) do not count as activity: they allocate
/// little and would otherwise keep an idle bot from ever trimming.
/// </summary>
public sealed class IdleMemoryTrim(TimeProvider time, IOptions<MemoryOptions> options, ILogger<IdleMemoryTrim> logger) : BackgroundService
{
    private long _lastRequest = time.GetTimestamp();
    private long _requestsSinceTrim;

    /// <summary>Collections run so far (for tests and the log).</summary>
    public int Trims { get; private set; }

    /// <summary>Notes a request (called by the middleware at the start of every HTTP request).</summary>
    public void RequestSeen()
    {
        Interlocked.Exchange(ref _lastRequest, time.GetTimestamp());
        Interlocked.Increment(ref _requestsSinceTrim);
    }

    /// <summary>Runs the collection when requests came since the last one and none for <see cref="MemoryOptions.IdleTrimAfter"/>.</summary>
    /// <returns>True when it ran.</returns>
    public bool TrimIfIdle()
    {
        var after = options.Value.IdleTrimAfter;
        if (after <= TimeSpan.Zero || Interlocked.Read(ref _requestsSinceTrim) == 0
            || time.GetElapsedTime(Interlocked.Read(ref _lastRequest)) < after)
        {
            return false;
        }

        var requests = Interlocked.Exchange(ref _requestsSinceTrim, 0);
        var before = Environment.WorkingSet;
        var started = time.GetTimestamp();
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        NativeHeapTrim.TryTrim();
        Trims++;
        StartupLog.IdleTrim(logger, requests, before / 1_048_576.0, Environment.WorkingSet / 1_048_576.0, time.GetElapsedTime(started).TotalMilliseconds);
        return true;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var after = options.Value.IdleTrimAfter;
        if (after <= TimeSpan.Zero)
        {
            return;
        }

        var period = TimeSpan.FromTicks(Math.Clamp(after.Ticks / 3, TimeSpan.TicksPerMillisecond * 200, TimeSpan.TicksPerSecond));
        using var timer = new PeriodicTimer(period, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            TrimIfIdle();
        }
    }
}

public static class IdleMemoryTrimExtensions
{
    /// <summary>Registers <see cref="IdleMemoryTrim"/> and its options (<c>Memory:IdleTrimAfter</c>).</summary>
    public static IServiceCollection AddIdleMemoryTrim(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<MemoryOptions>()
            .Bind(configuration.GetSection(MemoryOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<IdleMemoryTrim>();
        services.AddHostedService(sp => sp.GetRequiredService<IdleMemoryTrim>());
        return services;
    }

    /// <summary>Counts every HTTP request as activity for <see cref="IdleMemoryTrim"/> (two interlocked writes per request).</summary>
    public static WebApplication UseIdleMemoryTrim(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (app.Services.GetService<IdleMemoryTrim>() is not { } trim)
        {
            return app;
        }

        app.Use((context, next) =>
        {
            trim.RequestSeen();
            return next(context);
        });
        return app;
    }
}
