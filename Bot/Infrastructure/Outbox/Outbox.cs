using System.Collections.Concurrent;
using System.Text.Json;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Infrastructure.Outbox;

/// <inheritdoc cref="IOutbox"/>
public sealed class Outbox(IDbContextFactory<CrisisDbContext> contexts, OutboxSignal signal, TimeProvider time) : IOutbox
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource<OutboxDelivery>> _waiters = new();

    public OutboxMessage Enqueue(CrisisDbContext db, OutboxRequest request)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(request);
        var payload = JsonSerializer.Serialize(request.Activity, ProtocolJsonContext.Default.OutgoingActivity);
        var message = OutboxMessage.Create(request, payload, time.GetUtcNow());
        db.Set<OutboxMessage>().Add(message);

        signal.NotifyOnSave(db);
        return message;
    }

    public async Task<OutboxMessage> EnqueueAsync(OutboxRequest request, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var message = Enqueue(db, request);
        await db.SaveChangesAsync(ct);
        return message;
    }

    public async Task<OutboxDelivery?> EnqueueAndWaitAsync(OutboxRequest request, TimeSpan timeout, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var message = Enqueue(db, request);
        var waiter = new TaskCompletionSource<OutboxDelivery>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiters[message.Key] = waiter;
        try
        {
            await db.SaveChangesAsync(ct);
            if (timeout <= TimeSpan.Zero)
            {
                return null;
            }

            return await waiter.Task.WaitAsync(timeout, time, ct);
        }
        catch (TimeoutException)
        {
            return null;
        }
        finally
        {
            _waiters.TryRemove(message.Key, out _);
        }
    }

    /// <summary>Called by the worker when it finished a row (sent or dead).</summary>
    internal void Completed(string key, OutboxDelivery delivery)
    {
        if (_waiters.TryGetValue(key, out var waiter))
        {
            waiter.TrySetResult(delivery);
        }
    }

}
