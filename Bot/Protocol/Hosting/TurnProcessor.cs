using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// Drains <see cref="TurnBacklog"/> with <see cref="BotOptions.TurnWorkers"/> workers. Each turn gets its own DI scope and a
/// cancellation token of its own (timeout + shutdown), never the HTTP request's. With durable inbound turns
/// (<see cref="IInboundTurns"/>) it records each turn's outcome (done; failed → retry later or dead-letter), gives
/// interrupted turns back at shutdown, and a sweeper takes stored turns that are due: those left by a crash (at start and
/// whenever a dead instance's lease runs out) and scheduled retries.
/// </summary>
internal sealed class TurnProcessor(
    TurnBacklog queue,
    ActivityRouter router,
    IInboundTurns inbound,
    IServiceScopeFactory scopeFactory,
    IOptions<BotOptions> options,
    TimeProvider timeProvider,
    ILogger<TurnProcessor> logger) : BackgroundService
{
    internal const string ErrorNotice = "Sorry, something went wrong while handling your message. Please try again in a moment.";

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = Enumerable.Range(0, options.Value.TurnWorkers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken));
        return inbound.IsDurable
            ? Task.WhenAll(workers.Append(Task.Run(() => SweepAsync(stoppingToken), stoppingToken)))
            : Task.WhenAll(workers);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (queue.Pending > 0)
        {
            if (inbound.IsDurable)
            {
                // Still queued (never started): give them back so the next start runs them at once.
                while (queue.Reader.TryRead(out var turn))
                {
                    queue.MarkDequeued();
                    await ReleaseQuietlyAsync(turn);
                    queue.MarkCompleted(turn);
                }

                ProtocolLog.TurnsHandedBack(logger, queue.Pending);
            }
            else
            {
                ProtocolLog.TurnsAbandoned(logger, queue.Pending);
            }
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var turn in queue.Reader.ReadAllAsync(stoppingToken))
            {
                queue.MarkDequeued();
                try
                {
                    await RunAsync(turn, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Never let one turn stop the worker (a faulted BackgroundService stops the host).
                    ProtocolLog.TurnFailed(logger, ex, turn.Activity.Id, turn.Activity.Type);
                }
                finally
                {
                    queue.MarkCompleted(turn);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task RunAsync(QueuedTurn turn, CancellationToken stoppingToken)
    {
        var activity = turn.Activity;
        Exception? failure;
        try
        {
            failure = await ProcessAsync(activity, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            if (turn.InboundId is not null)
            {
                await ReleaseQuietlyAsync(turn);
            }

            throw;
        }

        if (turn.InboundId is not { } id)
        {
            if (failure is not null)
            {
                await TrySendErrorNoticeAsync(activity, stoppingToken);
            }

            return;
        }

        // The outcome is recorded even when the host is stopping: the turn ran, it must not run again.
        using var recordTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(30), timeProvider);
        if (failure is null)
        {
            await inbound.CompleteAsync(id, recordTimeout.Token);
            return;
        }

        var outcome = await inbound.FailAsync(id, Describe(failure), recordTimeout.Token);
        if (outcome.DeadLettered)
        {
            ProtocolLog.TurnDeadLettered(logger, activity.Id, activity.Type, outcome.Attempts, Describe(failure));
            await TrySendErrorNoticeAsync(activity, stoppingToken);
        }
        else if (outcome.NextAttemptAt is not null)
        {
            queue.MarkAwaitingRetry(id);
            ProtocolLog.TurnRetryScheduled(logger, activity.Id, activity.Type, outcome.Attempts, outcome.NextAttemptAt);
        }
    }

    /// <returns>Null when the turn succeeded; the failure otherwise (already logged).</returns>
    private async Task<Exception?> ProcessAsync(Activity activity, CancellationToken stoppingToken)
    {
        var timeoutSeconds = options.Value.TurnTimeoutSeconds;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds), timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        using var logScope = ProtocolLog.ActivityScope(logger, activity.Id, activity.Conversation?.Id);
        try
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var turn = new TurnContext(activity, scope.ServiceProvider.GetRequiredService<ITurnReplies>(), scope.ServiceProvider);
            await router.ProcessAsync(turn, linked.Token);
            return null;
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException ex) when (timeout.IsCancellationRequested)
        {
            ProtocolLog.TurnTimedOut(logger, activity.Id, activity.Type, timeoutSeconds);
            return ex;
        }
        catch (Exception ex)
        {
            ProtocolLog.TurnFailed(logger, ex, activity.Id, activity.Type);
            return ex;
        }
    }

    /// <summary>Takes due stored turns (crash leftovers, retries) into the queue and keeps this instance's leases alive.</summary>
    private async Task SweepAsync(CancellationToken stoppingToken)
    {
        var poll = options.Value.InboundPollInterval;
        var renewEvery = options.Value.InboundLease / 3;
        var lastRenew = timeProvider.GetUtcNow();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var now = timeProvider.GetUtcNow();
                if (now - lastRenew >= renewEvery)
                {
                    await inbound.RenewLeasesAsync(stoppingToken);
                    lastRenew = now;
                }

                var free = queue.FreeCapacity;
                if (free > 0)
                {
                    foreach (var claim in await inbound.ClaimDueAsync(free, queue.Held, stoppingToken))
                    {
                        if (queue.TryReserve())
                        {
                            ProtocolLog.TurnResumed(logger, claim.Activity.Id, claim.Activity.Type, claim.Attempt);
                            queue.EnqueueReserved(new QueuedTurn(claim.Id, claim.Activity, claim.Attempt));
                        }
                        else
                        {
                            await inbound.ReleaseAsync(claim.Id, stoppingToken);
                        }
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                ProtocolLog.SweepFailed(logger, ex);
            }

            try
            {
                await Task.Delay(poll, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task ReleaseQuietlyAsync(QueuedTurn turn)
    {
        if (turn.InboundId is not { } id)
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), timeProvider);
            await inbound.ReleaseAsync(id, timeout.Token);
        }
        catch (Exception ex)
        {
            // The lease runs out on its own; the next start (or another instance) takes the turn then.
            ProtocolLog.ReleaseFailed(logger, ex, turn.Activity.Id);
        }
    }

    private static string Describe(Exception ex) => $"{ex.GetType().Name}: {ex.Message}";

    private async Task TrySendErrorNoticeAsync(Activity activity, CancellationToken ct)
    {
        if (!string.Equals(activity.Type, ActivityTypes.Message, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        try
        {
            await using var scope = scopeFactory.CreateAsyncScope();
            var replies = scope.ServiceProvider.GetRequiredService<ITurnReplies>();
            await replies.ReplyAsync(activity, OutgoingActivity.Message(ErrorNotice), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ProtocolLog.ErrorNoticeFailed(logger, ex, activity.Id);
        }
    }
}
