using System.Diagnostics;
using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Startup;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>What the card-path warm-up cost.</summary>
/// <param name="Elapsed">Wall time.</param>
/// <param name="Cpu">CPU time of the whole process meanwhile (all threads; includes anything else running).</param>
/// <param name="JitMethods">Methods JIT-compiled meanwhile (process-wide).</param>
public sealed record TopicCardWarmupResult(TimeSpan Elapsed, TimeSpan Cpu, long JitMethods);

/// <summary>
/// Runs the hot-topic card path once in the background after start, so the first real hot topic's card does not pay
/// the JIT and EF query compilation of the whole path (measured in bench/spikecard: most of the first card's latency).
/// Registered with <see cref="BackgroundStart.AddBackgroundWorker"/> like the other background workers, so it runs once
/// <see cref="BackgroundStartGate"/> opens (the first answered request, or <c>Startup:BackgroundDelay</c> after the start)
/// and never delays the start itself. A sample hot topic goes through the publisher (card row), the flusher's per-card
/// step (targets, renderer, sender, outbox row), first with no transaction and nothing saved (the cold part: JIT, query
/// compilation, the first render, holding no write lock), then warm in one transaction that is rolled back (the
/// writes); then the outbox worker runs a send's statements against no row. Private publisher/sender/outbox instances with their own signals and no logging are
/// used, so no worker is woken and no log line mentions the sample. Nothing is stored, nothing is sent.
/// </summary>
public sealed class TopicCardWarmup(
    IServiceProvider services,
    IDbContextFactory<CrisisDbContext> contexts,
    TopicCardTargets targets,
    TopicCardRenderer renderer,
    IExpertAnswers experts,
    ProductCatalog catalog,
    IOptionsMonitor<TopicCardsOptions> options,
    TimeProvider time,
    ILogger<TopicCardWarmup> logger) : BackgroundService
{
    /// <summary>The sample topic's id: far above any real topic id (ids are sequential), and never committed.</summary>
    public const int SampleTopicId = int.MaxValue - 1;

    private readonly TaskCompletionSource<TopicCardWarmupResult?> _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes after the warm-up ran (its cost), or with null when it is off, failed or was cancelled.</summary>
    public Task<TopicCardWarmupResult?> Completion => _completion.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            var o = options.CurrentValue;
            if (!o.WarmUp || !o.FlusherEnabled)
            {
                _completion.TrySetResult(null);
                return;
            }

            await Task.Yield(); // off the caller's thread: the host (or the start gate) is not held while it runs
            stoppingToken.ThrowIfCancellationRequested();
            var result = await WarmUpAsync(stoppingToken);
            TopicCardsLog.WarmedUp(logger, result.Elapsed.TotalMilliseconds, result.Cpu.TotalMilliseconds, result.JitMethods);
            _completion.TrySetResult(result);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            _completion.TrySetResult(null);
        }
        catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or ArgumentException or System.Data.Common.DbException or System.Text.Json.JsonException)
        {
            // Only the first card's speed is at stake: the real path compiles on first use as before.
            TopicCardsLog.WarmUpFailed(logger, ex);
            _completion.TrySetResult(null);
        }
    }

    /// <summary>One warm-up pass (see the class remarks). Stores and sends nothing.</summary>
    public async Task<TopicCardWarmupResult> WarmUpAsync(CancellationToken ct = default)
    {
        var started = Stopwatch.GetTimestamp();
        var cpu = Environment.CpuUsage.TotalTime;
        var jit = System.Runtime.JitInfo.GetCompiledMethodCount();
        var now = time.GetUtcNow();
        using var flushSignal = new TopicCardFlushSignal();
        using var outboxSignal = new OutboxSignal();
        var publisher = new TopicCardPublisher(flushSignal, time, NullLogger<TopicCardPublisher>.Instance);
        var sender = new TopicCardSender(targets, renderer, new Outbox(contexts, outboxSignal, time), options, NullLogger<TopicCardSender>.Instance);
        var key = TopicCardRenderer.ExpertKey(SampleTopicId);
        var statuses = await experts.GetTopicStatusesAsync([key], ct);
        var expert = statuses.GetValueOrDefault(key);

        // 1. The cold part (JIT, EF query compilation, the first render) with no write lock: no transaction and no
        // SaveChanges, so only reads reach the database (SQLite readers never block its one writer); the rows added
        // here are dropped with the context.
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await publisher.OnTopicsChangedAsync(db, SampleBatch(now), ct);
            _ = await TopicCardFlusher.SendCardAsync(db, sender, SampleTopicId, now, expert, ct); // the flusher's query (no row)
            var card = db.Set<TopicCard>().Local.Single(c => c.TopicId == SampleTopicId);
            await sender.SendIfDueAsync(db, card, now, expert, ct);
        }

        // 2. The writes, now warm: the same path in one transaction that is rolled back, so the write lock is held for
        // the statements only (milliseconds), not for the compilation above.
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await publisher.OnTopicsChangedAsync(db, SampleBatch(now), ct);
            await db.SaveChangesAsync(ct);
            await TopicCardFlusher.SendCardAsync(db, sender, SampleTopicId, now, expert, ct);
            await db.SaveChangesAsync(ct);
            await transaction.RollbackAsync(ct);
        }

        if (services.GetService<OutboxWorker>() is { } worker)
        {
            await worker.WarmUpAsync(ct);
        }

        return new TopicCardWarmupResult(
            Stopwatch.GetElapsedTime(started),
            Environment.CpuUsage.TotalTime - cpu,
            System.Runtime.JitInfo.GetCompiledMethodCount() - jit);
    }

    private TopicChangeBatch SampleBatch(DateTimeOffset now)
    {
        var id = new TopicId(SampleTopicId);
        var product = catalog.Products.Count > 0 ? catalog.Products[0].Key : ProductCatalog.TriageKey;
        var snapshot = new TopicSnapshot(id, "sample · warm · up", product, TopicState.Hot, AlarmSeverity.Medium, 12, 0, 1_200,
            now.AddMinutes(-30), now, 1.0, 24.0, MergedInto: null);
        var alarm = new TopicAlarm(id, product, now, AlarmSeverity.Medium, AlarmScope.Topic, AlarmTransition.Onset, 12, 1.0, 1e-6);
        var view = new TopicView(snapshot, [1, 2, 12], [new TopicSamplePost("warm-up", "1", "@sample", "sample post", now, 100, null)], [alarm]);
        return new TopicChangeBatch([view], [alarm], [], now, IsRebuild: false);
    }
}
