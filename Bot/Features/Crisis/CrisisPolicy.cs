using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Crisis;

/// <summary>
/// Who may lead: <c>Bot:Admins</c>, <c>Crisis:Leads</c> (object ids or UPNs) and the leads assigned to the active crisis.
/// </summary>
public sealed class CrisisPolicy(IOptionsMonitor<CrisisOptions> options, AdminPolicy admins, IDbContextFactory<CrisisDbContext> contexts)
{
    public async Task<bool> IsLeadAsync(Activity activity, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var aad = activity.From?.AadObjectId;
        var teamsId = activity.From?.Id;
        var leads = options.CurrentValue.Leads.Select(l => l.Trim()).Where(l => l.Length > 0).ToList();
        if (!string.IsNullOrWhiteSpace(aad) && leads.Contains(aad.Trim(), StringComparer.OrdinalIgnoreCase))
        {
            return true;
        }

        await using (var db = await contexts.CreateDbContextAsync(ct))
        {
            var active = await db.Set<CrisisRecord>().AsNoTracking().Where(c => c.ActiveSlot == 1).Select(c => (int?)c.Id).SingleOrDefaultAsync(ct);
            if (active is { } crisisId)
            {
                var roles = await db.Set<CrisisRoleAssignment>().AsNoTracking()
                    .Where(r => r.CrisisId == crisisId && r.Role == CrisisRole.Lead && r.RemovedAt == null).ToListAsync(ct);
                if (roles.Any(r => r.Matches(aad, teamsId)))
                {
                    return true;
                }
            }
        }

        if (leads.Any(AdminPolicy.LooksLikeUpn) && await admins.IsListedAsync(activity, leads, ct))
        {
            return true;
        }

        return await admins.IsAdminAsync(activity, ct);
    }

    /// <summary>The configured leads (for mentions on proposal cards when they are object ids).</summary>
    public IReadOnlyList<string> ConfiguredLeads => [.. options.CurrentValue.Leads.Where(l => !string.IsNullOrWhiteSpace(l))];
}
