using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Storage;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>Counts, the dead-letter list and requeueing, for the <c>outbox</c> command and <c>/healthz</c>.</summary>
public sealed class OutboxAdmin(IDbContextFactory<CrisisDbContext> contexts, OutboxSignal signal, TimeProvider time)
{
    public async Task<OutboxCounts> CountAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var byStatus = await db.Set<OutboxMessage>().AsNoTracking()
            .GroupBy(m => m.Status).Select(g => new { Status = g.Key, Count = g.Count() }).ToListAsync(ct);
        int Of(OutboxStatus status) => byStatus.FirstOrDefault(s => s.Status == status)?.Count ?? 0;
        return new OutboxCounts(Of(OutboxStatus.Pending), Of(OutboxStatus.Sending), Of(OutboxStatus.Sent), Of(OutboxStatus.Dead), Of(OutboxStatus.Superseded));
    }

    /// <summary>Number of dead rows (for health).</summary>
    /// <remarks>
    /// One SQL command, not a LINQ query: <c>/healthz</c> calls this on every probe, and the first LINQ query of the process
    /// pays EF Core's query compilation (a few hundred ms of CPU) that the first health probe after a start should not
    /// wait for. Table, column and the stored form of <see cref="OutboxStatus.Dead"/> come from the model.
    /// </remarks>
    public async Task<int> CountDeadAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var entity = db.Model.FindEntityType(typeof(OutboxMessage)) ?? throw new InvalidOperationException("OutboxMessage is not in the model.");
        var table = entity.GetTableMappings().First().Table;
        var status = entity.FindProperty(nameof(OutboxMessage.Status)) ?? throw new InvalidOperationException("OutboxMessage.Status is not mapped.");
        var column = status.GetTableColumnMappings().First().Column.Name;
        var dead = status.GetTypeMapping().Converter?.ConvertToProvider(OutboxStatus.Dead) ?? OutboxStatus.Dead;
        var sql = db.GetService<ISqlGenerationHelper>();

        var connection = db.Database.GetDbConnection();
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            await using var command = connection.CreateCommand();
#pragma warning disable CA2100 // identifiers from the model, the value is a parameter
            command.CommandText = $"SELECT COUNT(*) FROM {sql.DelimitIdentifier(table.Name, table.Schema)} WHERE {sql.DelimitIdentifier(column)} = @dead";
#pragma warning restore CA2100
            var parameter = command.CreateParameter();
            parameter.ParameterName = "@dead";
            parameter.Value = dead;
            command.Parameters.Add(parameter);
            return Convert.ToInt32(await command.ExecuteScalarAsync(ct), System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            await db.Database.CloseConnectionAsync();
        }
    }

    /// <summary>The most recent dead rows, newest first.</summary>
    public async Task<IReadOnlyList<OutboxMessage>> LastDeadAsync(int take = 10, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => m.Status == OutboxStatus.Dead).OrderByDescending(m => m.Id).Take(take).ToListAsync(ct);
    }

    /// <summary>Requeues a dead row (attempts reset) and audits it in the same transaction.</summary>
    public async Task<RequeueResult> RequeueAsync(long id, string actorId, string? actorName, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var status = await db.Set<OutboxMessage>().Where(m => m.Id == id).Select(m => (OutboxStatus?)m.Status).SingleOrDefaultAsync(ct);
        if (status is null)
        {
            return RequeueResult.NotFound;
        }

        if (status != OutboxStatus.Dead)
        {
            return RequeueResult.NotDead;
        }

        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var changed = await db.Set<OutboxMessage>().Where(m => m.Id == id && m.Status == OutboxStatus.Dead)
            .ExecuteUpdateAsync(s => s
                .SetProperty(m => m.Status, OutboxStatus.Pending)
                .SetProperty(m => m.Attempts, 0)
                .SetProperty(m => m.NextAttemptAt, now)
                .SetProperty(m => m.LastError, m => "requeued after: " + m.LastError), ct);
        if (changed == 0)
        {
            return RequeueResult.NotDead;
        }

        db.Add(AuditEntry.Create(now, "outbox.retry", actorId, actorName, $"outbox:{id}", "dead row requeued"));
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        signal.Notify();
        return RequeueResult.Requeued;
    }
}

/// <summary>Rows per status.</summary>
public sealed record OutboxCounts(int Pending, int Sending, int Sent, int Dead, int Superseded);

public enum RequeueResult
{
    Requeued = 0,
    NotFound = 1,
    NotDead = 2,
}
