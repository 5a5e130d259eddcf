using CrisisBot.Features.Experts;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>Wakes the flusher when an ingest batch with card changes commits (many notifications collapse into one).</summary>
public sealed class TopicCardFlushSignal : CrisisBot.Infrastructure.WakeSignal;

/// <summary>
/// The one sender of topic cards: finds cards with a pending rendering (state in the database, so a restart resumes),
/// and hands each to the outbox once it is due (<see cref="TopicCardPolicy.NextSendAt"/>), in its own transaction.
/// </summary>
public sealed class TopicCardFlusher(
    IDbContextFactory<CrisisDbContext> contexts,
    TopicCardSender sender,
    IExpertAnswers experts,
    TopicCardFlushSignal signal,
    IOptionsMonitor<TopicCardsOptions> options,
    TimeProvider time,
    ILogger<TopicCardFlusher> logger) : BackgroundService
{
    private int _loopPasses;

    /// <summary>Passes the background loop has finished (tests wait for the first one before they commit).</summary>
    internal int LoopPasses => Volatile.Read(ref _loopPasses);

    /// <summary>One pass: sends every due card. Returns how many cards were handed to the outbox.</summary>
    public async Task<int> FlushAsync(CancellationToken ct = default)
    {
        var now = time.GetUtcNow();
        var interval = options.CurrentValue.UpdateInterval;
        List<int> due;
        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var pending = await db.Set<TopicCard>().AsNoTracking().Where(c => c.RenderVersion > c.SentVersion && c.Spike > 0).ToListAsync(ct);
            due = [.. pending.Where(c => TopicCardPolicy.NextSendAt(c, interval, now) <= now).OrderBy(c => c.TopicId).Select(c => c.TopicId)];
        }

        if (due.Count == 0)
        {
            return 0;
        }

        // One batched status query for all due cards ("approved answer available", waiting agents), not one per card.
        var statuses = await experts.GetTopicStatusesAsync([.. due.Select(TopicCardRenderer.ExpertKey)], ct);
        var sent = 0;
        foreach (var id in due)
        {
            try
            {
                await using var db = await contexts.CreateDbContextAsync(ct);
                if (await SendCardAsync(db, sender, id, now, statuses.GetValueOrDefault(TopicCardRenderer.ExpertKey(id)), ct))
                {
                    await db.SaveChangesAsync(ct);
                    sent++;
                }
            }
            catch (Exception ex) when (ex is DbUpdateException or InvalidOperationException or ArgumentException)
            {
                // E.g. another instance posted the same card first (unique card id): its transaction won, ours rolled back.
                TopicCardsLog.FlushFailed(logger, id, ex);
            }
        }

        return sent;
    }

    /// <summary>
    /// Loads one card into <paramref name="db"/> and lets <paramref name="sender"/> hand it to the outbox if due (rows added,
    /// not saved). The flusher's per-card step; <see cref="TopicCardWarmup"/> runs the same code in a rolled-back transaction.
    /// </summary>
    internal static async Task<bool> SendCardAsync(CrisisDbContext db, TopicCardSender sender, int topicId, DateTimeOffset now, TopicQuestionStatus? expert, CancellationToken ct)
    {
        var card = await db.Set<TopicCard>().SingleOrDefaultAsync(c => c.TopicId == topicId, ct);
        return card is not null && await sender.SendIfDueAsync(db, card, now, expert, ct);
    }

    /// <summary>The earliest time a pending card becomes due, if any (for tests and diagnostics).</summary>
    public async Task<DateTimeOffset?> NextDueAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var pending = await db.Set<TopicCard>().AsNoTracking().Where(c => c.RenderVersion > c.SentVersion && c.Spike > 0).ToListAsync(ct);
        var now = time.GetUtcNow();
        return pending.Count == 0 ? null : pending.Min(c => TopicCardPolicy.NextSendAt(c, options.CurrentValue.UpdateInterval, now));
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.CurrentValue.FlusherEnabled)
        {
            return;
        }

        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A wake-up comes when an ingest or expert transaction with card changes has committed (WakeSignal), so
                // one pass sees its rows; cards not yet due are found by a later pass (FlushInterval).
                await FlushAsync(stoppingToken);
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                TopicCardsLog.FlusherFailed(logger, ex);
            }

            Interlocked.Increment(ref _loopPasses);
            try
            {
                await signal.WaitAsync(options.CurrentValue.FlushInterval, time, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }
}
