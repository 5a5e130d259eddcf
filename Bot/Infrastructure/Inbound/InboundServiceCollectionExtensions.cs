using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Inbound;

public static class InboundServiceCollectionExtensions
{
    /// <summary>Durable inbound turns: stored before the 200, re-run after a crash, retried, dead-lettered (README "Inbound activities").</summary>
    public static IServiceCollection AddInbound(this IServiceCollection services)
    {
        services.Replace(ServiceDescriptor.Singleton<IInboundTurns, DurableInboundTurns>());
        services.TryAddSingleton<InboundAdmin>();
        services.TryAddSingleton<InboundRetentionJob>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRecurringJob, InboundRetentionJob>(sp => sp.GetRequiredService<InboundRetentionJob>()));
        return services;
    }
}

/// <summary>Counts and the dead-letter list of stored inbound turns, for the <c>outbox</c> command.</summary>
public sealed class InboundAdmin(IDbContextFactory<CrisisDbContext> contexts)
{
    public async Task<(int Pending, int Dead)> CountAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var byStatus = await db.Set<InboundTurn>().AsNoTracking()
            .Where(t => t.Status != InboundTurnStatus.Done)
            .GroupBy(t => t.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(InboundTurnStatus status) => byStatus.FirstOrDefault(s => s.Status == status)?.Count ?? 0;
        return (Of(InboundTurnStatus.Pending), Of(InboundTurnStatus.Dead));
    }

    /// <summary>The most recent dead-lettered activities, newest first.</summary>
    public async Task<IReadOnlyList<InboundTurn>> LastDeadAsync(int take = 5, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<InboundTurn>().AsNoTracking()
            .Where(t => t.Status == InboundTurnStatus.Dead).OrderByDescending(t => t.Id).Take(take).ToListAsync(ct);
    }
}

/// <summary>Deletes finished inbound turns older than <see cref="BotOptions.InboundRetention"/> (dead ones are kept), with
/// the outbox clean-up's schedule (<c>Retention:Cron</c>), once across instances.</summary>
public sealed class InboundRetentionJob(
    IDbContextFactory<CrisisDbContext> contexts, IOptions<RetentionOptions> retention, IOptions<BotOptions> bot, TimeProvider time) : IRecurringJob
{
    public string Name => "inbound.retention";

    public string? Cron => string.IsNullOrWhiteSpace(retention.Value.Cron) ? null : retention.Value.Cron;

    public TimeZoneInfo TimeZone => TimeZoneInfo.Utc;

    public Task RunAsync(DateTimeOffset occurrence, CancellationToken ct) => DeleteOldRowsAsync(ct);

    /// <summary>Deletes the old finished rows; returns how many.</summary>
    public async Task<int> DeleteOldRowsAsync(CancellationToken ct)
    {
        var cutoff = time.GetUtcNow() - bot.Value.InboundRetention;
        var total = 0;
        while (true)
        {
            await using var db = await contexts.CreateDbContextAsync(ct);
            var rows = db.Set<InboundTurn>();
            var ids = await rows.AsNoTracking()
                .Where(t => t.Status == InboundTurnStatus.Done && t.ReceivedAt < cutoff)
                .OrderBy(t => t.Id).Select(t => t.Id).Take(retention.Value.BatchSize).ToListAsync(ct);
            if (ids.Count == 0)
            {
                return total;
            }

            total += await rows.Where(t => ids.Contains(t.Id) && t.Status == InboundTurnStatus.Done).ExecuteDeleteAsync(ct);
        }
    }
}
