using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Features.Crisis;

/// <summary>
/// Which outbox rows belong to a crisis's record (the export's <c>deliveries-outbox</c>): every row created while it was
/// active (declaration ≤ created &lt; stand-down, or any later row while it still is), and every row of its own cards
/// (<c>crisis:&lt;id&gt;</c> and <c>crisis:&lt;id&gt;:…</c>: the crisis card and its updates, status-update requests, the
/// stand-down report, which is enqueued just after the stand-down time). The retention job keeps these rows
/// (<see cref="CrisisOutboxHold"/>), so an export made any time later still has them.
/// </summary>
public static class CrisisOutboxRule
{
    /// <summary>The card ids of every crisis start with this (<see cref="CrisisRecord.CardIdFor"/>).</summary>
    public const string CardIdPrefix = "crisis:";

    /// <summary>The rule as SQL on <c>OutboxMessages</c>, with <c>@from</c>/<c>@to</c> and <c>@crisisCard</c>/<c>@crisisCardChildren</c> (<see cref="Parameters"/>).</summary>
    public static readonly string Sql = $"{CrisisPostRule.InPeriod("\"CreatedAt\"")} OR {OwnCards}";

    /// <summary>The row (of <c>OutboxMessages</c> or <c>CardMessages</c>) belongs to one of the crisis's own cards.</summary>
    public const string OwnCards = "\"CardId\" = @crisisCard OR \"CardId\" LIKE @crisisCardChildren";

    /// <summary>The rule in words (export manifest).</summary>
    public const string Description =
        "every outbox row created while the crisis was active and every row of its own cards (crisis card and updates, status-update requests, stand-down report); these rows are exempt from Retention:OutboxAge, so the file is complete whenever the export runs";

    /// <summary>The card parameters of <see cref="Sql"/> for crisis <paramref name="crisisId"/>.</summary>
    public static Dictionary<string, object> Parameters(int crisisId)
    {
        var card = CrisisRecord.CardIdFor(crisisId);
        return new Dictionary<string, object>(StringComparer.Ordinal) { ["crisisCard"] = card, ["crisisCardChildren"] = card + ":%" };
    }
}

/// <summary>
/// Keeps every crisis's outbox rows (<see cref="CrisisOutboxRule"/>, for all crises at once: rows created while any crisis
/// was active and rows of any crisis card) out of the outbox retention, for as long as the crisis exists.
/// </summary>
internal sealed class CrisisOutboxHold : IOutboxRetentionHold
{
    public IQueryable<OutboxMessage> Release(CrisisDbContext db, IQueryable<OutboxMessage> candidates)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(candidates);
        var crises = db.Set<CrisisRecord>();
        return candidates.Where(m =>
            (m.CardId == null || !m.CardId.StartsWith(CrisisOutboxRule.CardIdPrefix))
            && !crises.Any(c => m.CreatedAt >= c.DeclaredAt && (c.StoodDownAt == null || m.CreatedAt <= c.StoodDownAt)));
    }
}
