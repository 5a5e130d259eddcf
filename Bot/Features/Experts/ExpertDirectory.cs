using System.Collections.Concurrent;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Experts;

/// <summary>
/// Matches Teams users against products.yaml people (Entra object ids or UPNs) and turns those ids into mentionable
/// <see cref="Person"/>s. UPNs are checked through the Connector's member record (cached per user), and every person seen
/// is remembered in <see cref="ExpertPerson"/>, so cards can show names and list Teams user ids in refresh.userIds.
/// </summary>
public sealed class ExpertDirectory(IConnectorClient connector, TimeProvider time, ILogger<ExpertDirectory> logger)
{
    private readonly ConcurrentDictionary<string, string> _upns = new(StringComparer.Ordinal);

    /// <summary>True when the sender is one of <paramref name="listed"/> (object id, Teams id, or UPN via the member record).</summary>
    public async Task<bool> IsListedAsync(Activity activity, IEnumerable<string> listed, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var ids = listed.Where(x => !string.IsNullOrWhiteSpace(x)).Select(x => x.Trim()).ToList();
        if (ids.Count == 0)
        {
            return false;
        }

        var actor = ExpertActor.From(activity);
        if (Matches(ids, actor.AadObjectId) || Matches(ids, actor.UserId))
        {
            return true;
        }

        if (!ids.Any(AdminPolicy.LooksLikeUpn))
        {
            return false;
        }

        var upn = await UpnAsync(activity, ct);
        return Matches(ids, upn);
    }

    /// <summary>Remembers the sender (Teams id ↔ object id ↔ UPN ↔ name) in <paramref name="db"/> (not saved).</summary>
    public async Task RememberAsync(CrisisDbContext db, Activity activity, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        var actor = ExpertActor.From(activity);
        if (!actor.UserId.StartsWith("29:", StringComparison.Ordinal))
        {
            return;
        }

        _upns.TryGetValue(actor.UserId, out var upn);
        upn = upn?.ToLowerInvariant();
        var aad = actor.AadObjectId?.ToLowerInvariant();
        var person = await db.Set<ExpertPerson>().FindAsync([actor.UserId], ct);
        if (person is null)
        {
            db.Add(new ExpertPerson { UserId = actor.UserId, AadObjectId = aad, Upn = upn, Name = actor.Name, SeenAt = time.GetUtcNow() });
            return;
        }

        person.Name = actor.Name;
        person.AadObjectId = aad ?? person.AadObjectId;
        person.Upn = upn ?? person.Upn;
        person.SeenAt = time.GetUtcNow();
    }

    /// <summary>The people behind products.yaml ids: known names and Teams ids, or the raw id (mentionable by object id or UPN).</summary>
    public async Task<IReadOnlyList<Person>> ResolveAsync(CrisisDbContext db, IReadOnlyList<string> ids, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(ids);
        if (ids.Count == 0)
        {
            return [];
        }

        // Object ids and UPNs are stored lower-case (RememberAsync), so the lookup is a plain IN on both providers.
        var lowered = ids.Select(i => i.ToLowerInvariant()).ToList();
        var known = await db.Set<ExpertPerson>().AsNoTracking()
            .Where(p => (p.AadObjectId != null && lowered.Contains(p.AadObjectId)) || (p.Upn != null && lowered.Contains(p.Upn)))
            .OrderByDescending(p => p.SeenAt)
            .ToListAsync(ct);
        return ids.Select(id =>
        {
            var person = known.FirstOrDefault(p => string.Equals(p.AadObjectId, id, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Upn, id, StringComparison.OrdinalIgnoreCase));
            return person is null ? new Person(id, DisplayName(id)) : new Person(person.UserId, person.Name);
        }).ToList();
    }

    /// <summary>A readable name for an id nobody has seen yet: the UPN's local part, or "owner".</summary>
    internal static string DisplayName(string id)
    {
        var at = id.IndexOf('@', StringComparison.Ordinal);
        return at > 0 ? id[..at] : id;
    }

    private static bool Matches(List<string> ids, string? value) =>
        !string.IsNullOrWhiteSpace(value) && ids.Any(i => string.Equals(i, value.Trim(), StringComparison.OrdinalIgnoreCase));

    private async Task<string?> UpnAsync(Activity activity, CancellationToken ct)
    {
        var userId = activity.From?.Id;
        if (string.IsNullOrEmpty(userId))
        {
            return null;
        }

        if (_upns.TryGetValue(userId, out var cached))
        {
            return cached;
        }

        var conversationId = activity.Conversation?.Id;
        if (string.IsNullOrEmpty(conversationId) || string.IsNullOrEmpty(activity.ServiceUrl))
        {
            return null;
        }

        try
        {
            var member = await connector.GetMemberAsync(activity.ServiceUrl, ConversationKinds.BaseId(conversationId), userId, ct);
            if (!string.IsNullOrWhiteSpace(member.UserPrincipalName))
            {
                _upns[userId] = member.UserPrincipalName;
            }

            return member.UserPrincipalName;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            ExpertsLog.MemberLookupFailed(logger, userId, ex);
            return null;
        }
    }
}
