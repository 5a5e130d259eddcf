using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// Drains <see cref="TurnBacklog"/> with <see cref="BotOptions.TurnWorkers"/> workers. Each turn gets its own DI scope and a
/// cancellation token of its own (timeout + shutdown), never the HTTP request's.
/// </summary>
internal sealed class TurnProcessor(
    TurnBacklog queue,
    ActivityRouter router,
    IServiceScopeFactory scopeFactory,
    IOptions<BotOptions> options,
    TimeProvider timeProvider,
    ILogger<TurnProcessor> logger) : BackgroundService
{
    private const string ErrorNotice = "Sorry, something went wrong while handling your message. Please try again in a moment.";

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.Value.TurnWorkers).Select(_ => Task.Run(() => WorkAsync(stoppingToken), stoppingToken)));

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (queue.Pending > 0)
        {
            ProtocolLog.TurnsAbandoned(logger, queue.Pending);
        }
    }

    private async Task WorkAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var activity in queue.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await ProcessAsync(activity, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
                {
                    // Never let one turn stop the worker (a faulted BackgroundService stops the host).
                    ProtocolLog.TurnFailed(logger, ex, activity.Id, activity.Type);
                }
                finally
                {
                    queue.MarkCompleted();
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    private async Task ProcessAsync(Activity activity, CancellationToken stoppingToken)
    {
        var timeoutSeconds = options.Value.TurnTimeoutSeconds;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds), timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        await using var scope = scopeFactory.CreateAsyncScope();
        var turn = new TurnContext(activity, scope.ServiceProvider.GetRequiredService<ITurnReplies>(), scope.ServiceProvider);
        using var logScope = logger.BeginScope(new Dictionary<string, object?>
        {
            ["ActivityId"] = activity.Id,
            ["ConversationId"] = activity.Conversation?.Id,
        });
        try
        {
            await router.ProcessAsync(turn, linked.Token);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            ProtocolLog.TurnTimedOut(logger, activity.Id, activity.Type, timeoutSeconds);
        }
        catch (Exception ex)
        {
            ProtocolLog.TurnFailed(logger, ex, activity.Id, activity.Type);
            await TrySendErrorNoticeAsync(turn, stoppingToken);
        }
    }

    private async Task TrySendErrorNoticeAsync(TurnContext turn, CancellationToken ct)
    {
        if (!string.Equals(turn.Activity.Type, ActivityTypes.Message, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        try
        {
            await turn.ReplyAsync(OutgoingActivity.Message(ErrorNotice), ct);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ProtocolLog.ErrorNoticeFailed(logger, ex, turn.Activity.Id);
        }
    }
}
