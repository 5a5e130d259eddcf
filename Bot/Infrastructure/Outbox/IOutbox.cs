using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// The transactional outbox. Features call <see cref="Enqueue"/> with the <see cref="CrisisDbContext"/> that carries their
/// own state change; one <c>SaveChanges</c> (or the surrounding transaction) then commits both, or neither. The worker is
/// woken when that context saves. Handlers never call the Connector to send.
/// </summary>
public interface IOutbox
{
    /// <summary>Adds the row to <paramref name="db"/> (not saved). Its <see cref="OutboxMessage.Id"/> is set by the save.</summary>
    OutboxMessage Enqueue(CrisisDbContext db, OutboxRequest request);

    /// <summary>Enqueues and commits in a context of its own, for sends that change no other state.</summary>
    Task<OutboxMessage> EnqueueAsync(OutboxRequest request, CancellationToken ct = default);

    /// <summary>
    /// Enqueues and commits like <see cref="EnqueueAsync"/>, then waits until this instance's worker has sent (or
    /// dead-lettered) the row, at most <paramref name="timeout"/>. The row is delivered anyway when the wait ends first.
    /// </summary>
    /// <returns>The outcome, or null when this instance did not finish the row in time.</returns>
    Task<OutboxDelivery?> EnqueueAndWaitAsync(OutboxRequest request, TimeSpan timeout, CancellationToken ct = default);
}

/// <summary>The outcome of a row as seen by the worker that finished it.</summary>
public sealed record OutboxDelivery(long Id, OutboxStatus Status, string? ConversationId, string? ActivityId, string? Error);
