using System.Globalization;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Crisis;

/// <summary>
/// The status-update cadence: each due timer <c>crisis:{id}:{n}</c> posts request n (a card with a text input, mentioning
/// the leads) into the crisis channel and schedules request n+1 a cadence later, in the scheduler's transaction. A timer for
/// a stood-down crisis, or an old one (n is not the next request), does nothing.
/// </summary>
public sealed class CrisisCadenceHandler(IOutbox outbox, IDurableTimers timers, CrisisCards cards, TimeProvider time, ILogger<CrisisCadenceHandler> logger) : ITimerHandler
{
    public string Kind => CrisisService.CadenceTimerKind;

    public async Task HandleAsync(CrisisDbContext db, DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(timer);
        var parts = timer.Key.Split(':');
        if (parts.Length != 3 || parts[0] != "crisis"
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var crisisId)
            || !int.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var request))
        {
            throw new FormatException($"Bad crisis cadence timer key '{timer.Key}'.");
        }

        var crisis = await db.Set<CrisisRecord>().SingleOrDefaultAsync(c => c.Id == crisisId, ct);
        if (crisis is null || !crisis.IsActive || request != crisis.StatusRequests + 1)
        {
            return;
        }

        var now = time.GetUtcNow();
        var number = crisis.RequestStatus(now);
        var roles = await db.Set<CrisisRoleAssignment>().AsNoTracking().Where(r => r.CrisisId == crisisId && r.RemovedAt == null).OrderBy(r => r.Id).ToListAsync(ct);
        var previous = await db.Set<CrisisStatusUpdate>().AsNoTracking().Where(u => u.CrisisId == crisisId).OrderByDescending(u => u.Id).FirstOrDefaultAsync(ct);
        var card = cards.StatusRequest(crisis, number, roles, previous);
        outbox.Enqueue(db, OutboxRequest.ChannelPost(crisis.ServiceUrl, crisis.TenantId, crisis.ChannelId,
            OutgoingActivity.WithCard(card, $"Status update due: {crisis.Name}"), $"{crisis.CardId}:status:{number}"));
        timers.Schedule(db, new DurableTimer(Kind, CrisisService.CadenceTimerKey(crisisId, number + 1), crisis.NextStatusRequestAt!.Value, null));
        CrisisLog.StatusRequested(logger, crisisId, number);
    }
}
