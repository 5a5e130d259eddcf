using CrisisBot.Infrastructure.Storage;
using Cronos;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Scheduling;

/// <summary>
/// Fires due <see cref="DurableTimer"/>s and runs <see cref="IRecurringJob"/> occurrences, once across all instances that
/// share the database. Driven by the injected <see cref="TimeProvider"/>.
/// </summary>
/// <remarks>
/// <para>
/// Timers: a pass leases due rows (<c>UPDATE … SET LeaseOwner = me, LeaseUntil = now + lease WHERE Id IN (candidates) AND
/// due AND lease free</c>, then read back by owner, as the outbox does). Each leased timer fires in one transaction that
/// first deletes its row <c>WHERE Id AND LeaseOwner = me AND Version = v</c> and then runs the handler and saves its
/// changes: if the delete hits nothing (rescheduled, cancelled, or reclaimed by another instance after our lease expired)
/// nothing is committed, and two instances can never both commit a fire (the delete locks the row). A handler throw rolls
/// everything back and the row is retried with exponential backoff. A kind without a handler is logged as an error and
/// kept (looked at again after <see cref="SchedulerOptions.UnhandledKindRetry"/>). A crash mid-fire commits nothing: the
/// lease expires and another pass fires it.
/// </para>
/// <para>
/// Recurring jobs: one <see cref="RecurringJobState"/> row per job name holds the last completed occurrence. The due
/// occurrence is the latest cron occurrence (Cronos, in the job's time zone, so daylight-saving gaps and overlaps run
/// once) after it and not after now; missed ones in between are skipped and logged. An instance claims it with an
/// optimistic <c>UPDATE … WHERE Name AND LastOccurrence AND LeaseOwner/LeaseUntil as read</c>, renews the lease every
/// third of <see cref="SchedulerOptions.LeaseDuration"/> while the job runs, and records the occurrence as done when it
/// returns. A job is not transactional: if an instance stalls longer than the lease, another may run the same occurrence
/// (the first one's token is cancelled when it notices).
/// </para>
/// </remarks>
public sealed class SchedulerWorker : BackgroundService
{
    private readonly IDbContextFactory<CrisisDbContext> _contexts;
    private readonly Dictionary<string, ITimerHandler> _handlers;
    private readonly List<(IRecurringJob Job, CronExpression Cron)> _jobs = [];
    private readonly Dictionary<string, Task> _running = new(StringComparer.Ordinal);
    private readonly Lock _gate = new();
    private readonly SchedulerSignal _signal;
    private readonly SchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<SchedulerWorker> _logger;
    private CancellationToken _stopping = CancellationToken.None;

    public SchedulerWorker(
        IDbContextFactory<CrisisDbContext> contexts,
        IEnumerable<ITimerHandler> handlers,
        IEnumerable<IRecurringJob> jobs,
        SchedulerSignal signal,
        IOptions<SchedulerOptions> options,
        TimeProvider time,
        ILogger<SchedulerWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(options);
        _contexts = contexts;
        _signal = signal;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _handlers = new Dictionary<string, ITimerHandler>(StringComparer.Ordinal);
        foreach (var handler in handlers)
        {
            if (!_handlers.TryAdd(handler.Kind, handler))
            {
                throw new InvalidOperationException(
                    $"Two timer handlers for kind '{handler.Kind}': {_handlers[handler.Kind].GetType().Name} and {handler.GetType().Name}.");
            }
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var job in jobs)
        {
            if (string.IsNullOrWhiteSpace(job.Name) || job.Name.Length > 200)
            {
                throw new InvalidOperationException($"Recurring job {job.GetType().Name} needs a name of 1 to 200 characters.");
            }

            if (!names.Add(job.Name))
            {
                throw new InvalidOperationException($"Two recurring jobs named '{job.Name}'.");
            }

            if (job.Cron is null)
            {
                SchedulingLog.JobDisabled(logger, job.Name);
                continue;
            }

            _jobs.Add((job, ParseCron(job.Name, job.Cron)));
        }

        Owner = string.IsNullOrWhiteSpace(_options.InstanceId)
            ? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}"
            : _options.InstanceId;
    }

    /// <summary>The lease owner name of this instance.</summary>
    public string Owner { get; }

    /// <summary>Parses a 5-field cron expression; a bad one throws naming the job.</summary>
    public static CronExpression ParseCron(string jobName, string cron)
    {
        try
        {
            return CronExpression.Parse(cron, CronFormat.Standard);
        }
        catch (CronFormatException ex)
        {
            throw new InvalidOperationException($"Recurring job '{jobName}': cron '{cron}' is invalid: {ex.Message}", ex);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.Enabled)
        {
            return;
        }

        _stopping = stoppingToken;
        await Task.Yield();
        SchedulingLog.Started(_logger, Owner, _handlers.Count, _jobs.Count);
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    wait = await RunDueAsync(stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    SchedulingLog.PassFailed(_logger, ex);
                    wait = _options.PollInterval;
                }

                await _signal.WaitAsync(wait, _time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            Task[] running;
            lock (_gate)
            {
                running = [.. _running.Values];
            }

            await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(5), _time, CancellationToken.None));
        }
    }

    /// <summary>
    /// One pass: fires every due timer, starts due job occurrences (in the background) and returns how long to sleep at most.
    /// </summary>
    public async Task<TimeSpan> RunDueAsync(CancellationToken ct)
    {
        while (await FireBatchAsync(ct) >= _options.BatchSize)
        {
            // A full batch: there may be more due.
        }

        var wake = _options.PollInterval;
        foreach (var (job, cron) in _jobs)
        {
            var next = await StartJobIfDueAsync(job, cron, ct);
            if (next is { } at && at - _time.GetUtcNow() < wake)
            {
                wake = at - _time.GetUtcNow();
            }
        }

        var now = _time.GetUtcNow();
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var nextTimer = await db.Set<ScheduledTimer>().AsNoTracking()
            .Where(t => t.LeaseUntil == null || t.LeaseUntil < now)
            .OrderBy(t => t.NextAttemptAt)
            .Select(t => (DateTimeOffset?)t.NextAttemptAt)
            .FirstOrDefaultAsync(ct);
        if (nextTimer is { } due && due - now < wake)
        {
            wake = due - now;
        }

        return wake < TimeSpan.Zero ? TimeSpan.Zero : wake;
    }

    /// <summary>Waits until the job occurrences this instance started have finished (tests, shutdown).</summary>
    public async Task WhenJobsIdleAsync()
    {
        Task[] running;
        lock (_gate)
        {
            running = [.. _running.Values];
        }

        await Task.WhenAll(running);
    }

    private async Task<int> FireBatchAsync(CancellationToken ct)
    {
        var claimed = await ClaimTimersAsync(ct);
        foreach (var row in claimed)
        {
            await FireAsync(row, ct);
        }

        return claimed.Count;
    }

    private async Task<List<ScheduledTimer>> ClaimTimersAsync(CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var rows = db.Set<ScheduledTimer>();
        var ids = await rows.AsNoTracking()
            .Where(t => t.NextAttemptAt <= now && (t.LeaseUntil == null || t.LeaseUntil < now))
            .OrderBy(t => t.NextAttemptAt).ThenBy(t => t.Id)
            .Select(t => t.Id)
            .Take(_options.BatchSize)
            .ToListAsync(ct);
        if (ids.Count == 0)
        {
            return [];
        }

        var until = now + _options.LeaseDuration;
        await rows.Where(t => ids.Contains(t.Id) && t.NextAttemptAt <= now && (t.LeaseUntil == null || t.LeaseUntil < now))
            .ExecuteUpdateAsync(s => s.SetProperty(t => t.LeaseOwner, Owner).SetProperty(t => t.LeaseUntil, until), ct);
        return await rows.AsNoTracking()
            .Where(t => ids.Contains(t.Id) && t.LeaseOwner == Owner && t.LeaseUntil == until)
            .OrderBy(t => t.NextAttemptAt).ThenBy(t => t.Id)
            .ToListAsync(ct);
    }

    private async Task FireAsync(ScheduledTimer row, CancellationToken ct)
    {
        if (!_handlers.TryGetValue(row.Kind, out var handler))
        {
            var later = _time.GetUtcNow() + _options.UnhandledKindRetry;
            SchedulingLog.NoHandler(_logger, row.Kind, row.Key, later);
            await ReleaseAsync(row, later, $"no handler is registered for timer kind '{row.Kind}'", ct);
            return;
        }

        try
        {
            await using var db = await _contexts.CreateDbContextAsync(ct);
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var deleted = await db.Set<ScheduledTimer>()
                .Where(t => t.Id == row.Id && t.LeaseOwner == Owner && t.Version == row.Version)
                .ExecuteDeleteAsync(ct);
            if (deleted == 0)
            {
                await transaction.RollbackAsync(ct);
                SchedulingLog.TimerLost(_logger, row.Kind, row.Key);
                return;
            }

            await handler.HandleAsync(db, row.ToTimer(), ct);
            await db.SaveChangesAsync(ct);
            await transaction.CommitAsync(ct);
            SchedulingLog.TimerFired(_logger, row.Kind, row.Key, row.DueAt);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            var attempt = row.Attempts + 1;
            var next = _time.GetUtcNow() + Backoff(attempt);
            SchedulingLog.TimerFailed(_logger, row.Kind, row.Key, attempt, next, ex);
            await ReleaseAsync(row, next, Truncate($"{ex.GetType().Name}: {ex.Message}"), ct);
        }
    }

    private async Task ReleaseAsync(ScheduledTimer row, DateTimeOffset nextAttemptAt, string error, CancellationToken ct)
    {
        await using var db = await _contexts.CreateDbContextAsync(ct);
        await db.Set<ScheduledTimer>()
            .Where(t => t.Id == row.Id && t.LeaseOwner == Owner && t.Version == row.Version)
            .ExecuteUpdateAsync(s => s
                .SetProperty(t => t.Attempts, t => t.Attempts + 1)
                .SetProperty(t => t.NextAttemptAt, nextAttemptAt)
                .SetProperty(t => t.LastError, error)
                .SetProperty(t => t.LeaseOwner, (string?)null)
                .SetProperty(t => t.LeaseUntil, (DateTimeOffset?)null), ct);
    }

    /// <summary>Claims and starts the job's due occurrence if any; returns when the job should be looked at again (null: unknown).</summary>
    private async Task<DateTimeOffset?> StartJobIfDueAsync(IRecurringJob job, CronExpression cron, CancellationToken ct)
    {
        lock (_gate)
        {
            if (_running.TryGetValue(job.Name, out var task) && !task.IsCompleted)
            {
                return null;
            }
        }

        var now = _time.GetUtcNow();
        await using var db = await _contexts.CreateDbContextAsync(ct);
        var jobs = db.Set<RecurringJobState>();
        var state = await jobs.AsNoTracking().SingleOrDefaultAsync(j => j.Name == job.Name, ct);
        if (state is null)
        {
            // First sight of this job: occurrences count from now (nothing from before it existed is "missed").
            jobs.Add(RecurringJobState.Create(job.Name, now));
            try
            {
                await db.SaveChangesAsync(ct);
            }
            catch (DbUpdateException)
            {
                // Another instance created it first.
            }

            return cron.GetNextOccurrence(now, job.TimeZone)?.ToUniversalTime();
        }

        if (state.LeaseUntil is { } leased && leased >= now)
        {
            return leased;
        }

        var due = LatestOccurrence(cron, state.LastOccurrence, now, job.TimeZone, out var missed);
        if (due is null)
        {
            return cron.GetNextOccurrence(state.LastOccurrence, job.TimeZone)?.ToUniversalTime();
        }

        var sameOccurrence = state.RunningOccurrence == due;
        if (sameOccurrence && state.RetryAt is { } retryAt && retryAt > now)
        {
            return retryAt;
        }

        var attempts = sameOccurrence ? state.Attempts : 0;
        var until = now + _options.LeaseDuration;
        var claimed = await jobs
            .Where(j => j.Name == job.Name && j.LastOccurrence == state.LastOccurrence
                        && j.LeaseOwner == state.LeaseOwner && j.LeaseUntil == state.LeaseUntil && j.RunningOccurrence == state.RunningOccurrence)
            .ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LeaseOwner, Owner)
                .SetProperty(j => j.LeaseUntil, until)
                .SetProperty(j => j.RunningOccurrence, due)
                .SetProperty(j => j.Attempts, attempts), ct);
        if (claimed == 0)
        {
            return null;
        }

        if (missed > 0)
        {
            SchedulingLog.JobSkipped(_logger, job.Name, missed, due.Value);
        }

        var run = Task.Run(() => RunJobAsync(job, due.Value, attempts + 1), CancellationToken.None);
        lock (_gate)
        {
            _running[job.Name] = run;
        }

        return null;
    }

    /// <summary>The latest occurrence in (<paramref name="after"/>, <paramref name="now"/>], and how many earlier ones it skips.</summary>
    internal static DateTimeOffset? LatestOccurrence(CronExpression cron, DateTimeOffset after, DateTimeOffset now, TimeZoneInfo zone, out int skipped)
    {
        skipped = 0;
        DateTimeOffset? latest = null;
        foreach (var occurrence in cron.GetOccurrences(after, now, zone, fromInclusive: false, toInclusive: true))
        {
            if (latest is not null)
            {
                skipped++;
            }

            latest = occurrence.ToUniversalTime();
        }

        return latest;
    }

    private async Task RunJobAsync(IRecurringJob job, DateTimeOffset occurrence, int attempt)
    {
        using var lost = CancellationTokenSource.CreateLinkedTokenSource(_stopping);
        using var heartbeatStop = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(job, occurrence, lost, heartbeatStop.Token);
        Exception? failure = null;
        SchedulingLog.JobStarting(_logger, job.Name, occurrence, attempt);
        try
        {
            await job.RunAsync(occurrence, lost.Token);
        }
        catch (Exception ex)
        {
            failure = ex;
        }
        finally
        {
            await heartbeatStop.CancelAsync();
            await heartbeat;
        }

        if (lost.IsCancellationRequested)
        {
            // Stopping or lease lost: leave the row; the lease expires and the occurrence runs again.
            return;
        }

        try
        {
            await FinishJobAsync(job.Name, occurrence, attempt, failure);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or TimeoutException)
        {
            SchedulingLog.PassFailed(_logger, ex);
        }
    }

    private async Task FinishJobAsync(string name, DateTimeOffset occurrence, int attempt, Exception? failure)
    {
        var now = _time.GetUtcNow();
        await using var db = await _contexts.CreateDbContextAsync(CancellationToken.None);
        var mine = db.Set<RecurringJobState>().Where(j => j.Name == name && j.LeaseOwner == Owner && j.RunningOccurrence == occurrence);
        if (failure is null)
        {
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LastOccurrence, occurrence)
                .SetProperty(j => j.RunningOccurrence, (DateTimeOffset?)null)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(j => j.Attempts, 0)
                .SetProperty(j => j.RetryAt, (DateTimeOffset?)null)
                .SetProperty(j => j.LastError, (string?)null)
                .SetProperty(j => j.LastCompletedAt, now));
            SchedulingLog.JobDone(_logger, name, occurrence);
            return;
        }

        var error = Truncate($"{failure.GetType().Name}: {failure.Message}");
        if (attempt >= _options.JobMaxAttempts)
        {
            await mine.ExecuteUpdateAsync(s => s
                .SetProperty(j => j.LastOccurrence, occurrence)
                .SetProperty(j => j.RunningOccurrence, (DateTimeOffset?)null)
                .SetProperty(j => j.LeaseOwner, (string?)null)
                .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
                .SetProperty(j => j.Attempts, attempt)
                .SetProperty(j => j.RetryAt, (DateTimeOffset?)null)
                .SetProperty(j => j.LastError, error));
            SchedulingLog.JobGaveUp(_logger, name, occurrence, attempt, failure);
            return;
        }

        var retryAt = now + Backoff(attempt);
        await mine.ExecuteUpdateAsync(s => s
            .SetProperty(j => j.LeaseOwner, (string?)null)
            .SetProperty(j => j.LeaseUntil, (DateTimeOffset?)null)
            .SetProperty(j => j.Attempts, attempt)
            .SetProperty(j => j.RetryAt, retryAt)
            .SetProperty(j => j.LastError, error));
        SchedulingLog.JobFailed(_logger, name, occurrence, attempt, retryAt, failure);
        _signal.Notify();
    }

    private async Task HeartbeatAsync(IRecurringJob job, DateTimeOffset occurrence, CancellationTokenSource lost, CancellationToken stop)
    {
        var every = _options.LeaseDuration / 3;
        try
        {
            while (true)
            {
                await Task.Delay(every, _time, stop);
                var until = _time.GetUtcNow() + _options.LeaseDuration;
                await using var db = await _contexts.CreateDbContextAsync(stop);
                var renewed = await db.Set<RecurringJobState>()
                    .Where(j => j.Name == job.Name && j.LeaseOwner == Owner && j.RunningOccurrence == occurrence)
                    .ExecuteUpdateAsync(s => s.SetProperty(j => j.LeaseUntil, until), stop);
                if (renewed == 0)
                {
                    SchedulingLog.JobLeaseLost(_logger, job.Name, occurrence);
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The job finished.
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or TimeoutException)
        {
            // Could not renew (database unavailable): keep running; the lease may expire and another instance may take over.
            SchedulingLog.PassFailed(_logger, ex);
        }
    }

    private TimeSpan Backoff(int attempt)
    {
        var exponent = Math.Clamp(attempt - 1, 0, 30);
        var raw = Math.Min(_options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), _options.RetryMaxDelay.TotalMilliseconds);
#pragma warning disable CA5394 // Jitter, not security.
        var factor = 0.8 + (0.4 * Random.Shared.NextDouble());
#pragma warning restore CA5394
        return TimeSpan.FromMilliseconds(Math.Min(raw * factor, _options.RetryMaxDelay.TotalMilliseconds));
    }

    private static string Truncate(string value, int max = 1900) => value.Length <= max ? value : value[..max] + "…";
}
