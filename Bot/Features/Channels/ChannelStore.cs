using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Channels;

/// <summary>
/// Conversation references, channel bindings and their audit trail. Every method uses its own short-lived context,
/// so the store is a stateless singleton and safe for concurrent turns.
/// </summary>
public sealed class ChannelStore(IDbContextFactory<CrisisDbContext> contexts, TimeProvider time)
{
    /// <summary>
    /// Inserts or merges a conversation reference. Idempotent and race-free: a new conversation is inserted with
    /// <c>INSERT … ON CONFLICT ("ConversationId") DO NOTHING</c> (SQLite and PostgreSQL), so two install events at the same
    /// moment (the Playground sends installationUpdate and conversationUpdate together) never hit the unique key: the one
    /// whose insert found the row already there merges into it as an update.
    /// </summary>
    public async Task<UpsertOutcome> UpsertAsync(ConversationSnapshot snapshot, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var existing = await db.Set<ConversationReference>().FindAsync([snapshot.ConversationId], ct);
        if (existing is null)
        {
            if (await InsertIfAbsentAsync(db, ConversationReference.Create(snapshot, now), ct))
            {
                return UpsertOutcome.Created;
            }

            // Another turn inserted it between our read and our insert: merge into its row.
            existing = await db.Set<ConversationReference>().FindAsync([snapshot.ConversationId], ct)
                ?? throw new InvalidOperationException($"Conversation {snapshot.ConversationId} was neither inserted nor found.");
        }

        var outcome = existing.Apply(snapshot, now) ? UpsertOutcome.Reactivated : UpsertOutcome.Updated;
        await db.SaveChangesAsync(ct);
        return outcome;
    }

    /// <summary>
    /// <c>INSERT … ON CONFLICT DO NOTHING</c> of every mapped column of <paramref name="row"/> (values converted as EF
    /// stores them: binary times on SQLite, timestamptz on PostgreSQL). True when this call inserted the row.
    /// </summary>
    internal static async Task<bool> InsertIfAbsentAsync<TRow>(CrisisDbContext db, TRow row, CancellationToken ct)
        where TRow : class
    {
        var entity = db.Model.FindEntityType(typeof(TRow))
            ?? throw new InvalidOperationException($"{typeof(TRow).Name} is not mapped.");
        var table = Microsoft.EntityFrameworkCore.Metadata.StoreObjectIdentifier.Table(entity.GetTableName()!, entity.GetSchema());
        var connection = db.Database.GetDbConnection();
        await using var factory = connection.CreateCommand();
        var columns = new List<string>();
        var parameters = new List<System.Data.Common.DbParameter>();
        foreach (var property in entity.GetProperties())
        {
            var column = property.GetColumnName(table);
            if (column is null)
            {
                continue;
            }

            var value = property.GetGetter().GetClrValue(row);
            if (value is not null && property.GetTypeMapping().Converter is { } converter)
            {
                value = converter.ConvertToProvider(value);
            }

            var parameter = factory.CreateParameter();
            parameter.ParameterName = "p" + parameters.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);
            parameter.Value = value ?? DBNull.Value;
            columns.Add("\"" + column + "\"");
            parameters.Add(parameter);
        }

        var key = string.Join(", ", entity.FindPrimaryKey()!.Properties.Select(p => "\"" + p.GetColumnName(table) + "\""));
        var sql = $"INSERT INTO \"{table.Name}\" ({string.Join(", ", columns)}) VALUES ({string.Join(", ", parameters.Select(p => "@" + p.ParameterName))}) " +
            $"ON CONFLICT ({key}) DO NOTHING";
        return await db.Database.ExecuteSqlRawAsync(sql, parameters, ct) == 1;
    }

    /// <summary>
    /// Atomically marks the welcome as sent for an active conversation that has not been welcomed since it was
    /// (re)installed. Exactly one caller gets true, however many install events race.
    /// </summary>
    public async Task<bool> TryClaimWelcomeAsync(string conversationId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var claimed = await db.Set<ConversationReference>()
            .Where(r => r.ConversationId == conversationId && r.IsActive && r.WelcomedAt == null)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.WelcomedAt, now), ct);
        return claimed == 1;
    }

    /// <summary>Marks one conversation inactive (uninstalled, bot removed, channel deleted).</summary>
    /// <returns>Number of references that changed.</returns>
    public Task<int> DeactivateAsync(string conversationId, CancellationToken ct = default) =>
        DeactivateWhereAsync(r => r.ConversationId == conversationId, ct);

    /// <summary>Marks every channel of a team inactive (uninstalled from the team, bot removed, team deleted).</summary>
    public Task<int> DeactivateTeamAsync(string teamId, CancellationToken ct = default) =>
        DeactivateWhereAsync(r => r.TeamId == teamId || r.ConversationId == teamId, ct);

    /// <summary>Renames a channel in its reference and in any binding pointing at it.</summary>
    /// <returns>False when the channel is unknown.</returns>
    public async Task<bool> RenameChannelAsync(string channelId, string name, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var reference = await db.Set<ConversationReference>().FindAsync([channelId], ct);
        reference?.RenameChannel(name, now);
        await db.Set<ChannelBinding>().Where(b => b.ChannelId == channelId)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.ChannelName, name), ct);
        await db.SaveChangesAsync(ct);
        return reference is not null;
    }

    /// <summary>Renames a team on all its channel references and bindings.</summary>
    /// <returns>Number of references renamed.</returns>
    public async Task<int> RenameTeamAsync(string teamId, string name, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var references = await db.Set<ConversationReference>().Where(r => r.TeamId == teamId).ToListAsync(ct);
        foreach (var reference in references)
        {
            reference.RenameTeam(name, now);
        }

        await db.Set<ChannelBinding>().Where(b => b.TeamId == teamId)
            .ExecuteUpdateAsync(s => s.SetProperty(b => b.TeamName, name), ct);
        await db.SaveChangesAsync(ct);
        return references.Count;
    }

    public async Task<ConversationReference?> FindAsync(string conversationId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<ConversationReference>().AsNoTracking().SingleOrDefaultAsync(r => r.ConversationId == conversationId, ct);
    }

    /// <summary>All references of a team's channels.</summary>
    public async Task<IReadOnlyList<ConversationReference>> ListTeamAsync(string teamId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<ConversationReference>().AsNoTracking()
            .Where(r => r.TeamId == teamId).OrderBy(r => r.ConversationId).ToListAsync(ct);
    }

    /// <summary>Every binding, ordered by role then product key.</summary>
    public async Task<IReadOnlyList<ChannelBinding>> GetBindingsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var bindings = await db.Set<ChannelBinding>().AsNoTracking().ToListAsync(ct);
        return [.. bindings.OrderBy(b => b.Role).ThenBy(b => b.ProductKey, StringComparer.Ordinal)];
    }

    public async Task<ChannelBinding?> FindBindingAsync(ChannelBindingKey key, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<ChannelBinding>().AsNoTracking()
            .SingleOrDefaultAsync(b => b.Role == key.Role && b.ProductKey == key.ProductKey, ct);
    }

    /// <summary>
    /// Links <paramref name="key"/> to <paramref name="target"/>, moving it when it pointed elsewhere, and writes the
    /// audit entry in the same transaction. Linking to the channel it already points at changes nothing.
    /// </summary>
    public Task<LinkResult> LinkAsync(ChannelBindingKey key, ChannelTarget target, ChannelActor actor, CancellationToken ct = default) =>
        LinkAsync(key, target, actor, null, ct);

    /// <summary>
    /// Like <see cref="LinkAsync(ChannelBindingKey, ChannelTarget, ChannelActor, CancellationToken)"/>; when the binding
    /// changes, <paramref name="inTransaction"/> runs on the same context before the save (e.g. to enqueue the announcement
    /// post in the outbox), so its rows commit with the binding or not at all.
    /// </summary>
    /// <remarks>
    /// An upsert that never hits the key: one transaction that starts with <c>INSERT … ON CONFLICT ("Role", "ProductKey")
    /// DO NOTHING</c> (SQLite takes the write lock there, PostgreSQL waits for a concurrent insert of the key). When the
    /// key already exists, the row is read (locked <c>FOR UPDATE</c> on PostgreSQL) and moved. So two links of the same
    /// key at the same moment never fail or log an error: they are applied one after the other and the last one wins
    /// (its audit entry names the first as "previously").
    /// </remarks>
    public async Task<LinkResult> LinkAsync(
        ChannelBindingKey key, ChannelTarget target, ChannelActor actor, Action<CrisisDbContext, LinkResult>? inTransaction, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var binding = ChannelBinding.Create(key, target, actor, now);
        ChannelTarget? previous = null;
        string action;
        if (await InsertIfAbsentAsync(db, binding, ct))
        {
            db.Attach(binding);
            action = "channel.link";
        }
        else
        {
            if (db.Database.IsNpgsql())
            {
                await db.Database.ExecuteSqlInterpolatedAsync(
                    $"SELECT 1 FROM \"ChannelBindings\" WHERE \"Role\" = {key.Role.ToString()} AND \"ProductKey\" = {key.ProductKey} FOR UPDATE", ct);
            }

            binding = await db.Set<ChannelBinding>().SingleAsync(b => b.Role == key.Role && b.ProductKey == key.ProductKey, ct);
            if (string.Equals(binding.ChannelId, target.ChannelId, StringComparison.Ordinal))
            {
                return new LinkResult(binding, null, AlreadyLinkedHere: true);
            }

            previous = new ChannelTarget(binding.ChannelId, binding.ChannelName, binding.TeamId, binding.TeamName, binding.ServiceUrl, binding.TenantId);
            binding.MoveTo(target, actor, now);
            action = "channel.relink";
        }

        var details = $"to {Describe(target)}" + (previous is null ? "" : $", previously {Describe(previous)}");
        db.Add(AuditEntry.Create(now, action, actor.Id, actor.Name, key.Subject, details));
        var result = new LinkResult(binding, previous, AlreadyLinkedHere: false);
        inTransaction?.Invoke(db, result);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        return result;
    }

    /// <summary>Removes a binding and audits it.</summary>
    /// <returns>The removed binding, or null when nothing was linked for <paramref name="key"/>.</returns>
    public async Task<ChannelBinding?> UnlinkAsync(ChannelBindingKey key, ChannelActor actor, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var binding = await db.Set<ChannelBinding>().SingleOrDefaultAsync(b => b.Role == key.Role && b.ProductKey == key.ProductKey, ct);
        if (binding is null)
        {
            return null;
        }

        db.Remove(binding);
        var target = new ChannelTarget(binding.ChannelId, binding.ChannelName, binding.TeamId, binding.TeamName, binding.ServiceUrl, binding.TenantId);
        db.Add(AuditEntry.Create(time.GetUtcNow(), "channel.unlink", actor.Id, actor.Name, key.Subject, $"from {Describe(target)}"));
        await db.SaveChangesAsync(ct);
        return binding;
    }

    /// <summary>Active installs by kind, plus the number of bindings.</summary>
    public async Task<InstallCounts> CountAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var active = db.Set<ConversationReference>().AsNoTracking().Where(r => r.IsActive);
        var byKind = await active.GroupBy(r => r.Kind).Select(g => new { Kind = g.Key, Count = g.Count() }).ToListAsync(ct);
        var teams = await active.Where(r => r.Kind == ConversationKinds.Channel && r.TeamId != null).Select(r => r.TeamId).Distinct().CountAsync(ct);
        var bindings = await db.Set<ChannelBinding>().CountAsync(ct);
        int Of(string kind) => byKind.FirstOrDefault(k => k.Kind == kind)?.Count ?? 0;
        return new InstallCounts(Of(ConversationKinds.Personal), Of(ConversationKinds.GroupChat), teams, Of(ConversationKinds.Channel), bindings);
    }

    /// <summary>The audit trail, newest first.</summary>
    public async Task<IReadOnlyList<AuditEntry>> GetAuditAsync(int take = 100, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.AuditEntries.AsNoTracking().OrderByDescending(e => e.Id).Take(take).ToListAsync(ct);
    }

    private async Task<int> DeactivateWhereAsync(System.Linq.Expressions.Expression<Func<ConversationReference, bool>> predicate, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var now = time.GetUtcNow();
        var references = await db.Set<ConversationReference>().Where(predicate).Where(r => r.IsActive).ToListAsync(ct);
        foreach (var reference in references)
        {
            reference.Deactivate(now);
        }

        await db.SaveChangesAsync(ct);
        return references.Count;
    }

    private static string Describe(ChannelTarget target) =>
        $"channel {target.ChannelName ?? "?"} ({target.ChannelId}) in team {target.TeamName ?? "?"} ({target.TeamId})";
}
