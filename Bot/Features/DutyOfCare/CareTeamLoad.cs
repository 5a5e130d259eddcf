using System.Globalization;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.DutyOfCare;

/// <summary>
/// <see cref="ITeamLoad"/> from the duty-of-care tables: agents who worked on topics or were exposed in the period, their
/// abusive exposures and break prompts. Names only with <c>DutyOfCare:NameAgentsInSummary=true</c>.
/// </summary>
public sealed class CareTeamLoad(IDbContextFactory<CrisisDbContext> contexts, IOptionsMonitor<DutyOfCareOptions> options) : ITeamLoad
{
    public async Task<TeamLoad?> GetTeamLoadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default)
    {
        var opts = options.CurrentValue;
        if (!opts.Enabled)
        {
            return null;
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var engaged = await db.Set<CareEngagement>().AsNoTracking().Where(e => e.At >= since && e.At < until).Select(e => e.AgentId).Distinct().ToListAsync(ct);
        var exposures = await db.Set<CareExposure>().AsNoTracking().Where(e => e.At >= since && e.At < until)
            .GroupBy(e => e.AgentId).Select(g => new { AgentId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var prompts = await db.Set<CarePrompt>().AsNoTracking().Where(p => p.SentAt >= since && p.SentAt < until)
            .GroupBy(p => p.AgentId).Select(g => new { AgentId = g.Key, Count = g.Count() }).ToListAsync(ct);
        var agents = engaged.Concat(exposures.Select(e => e.AgentId)).Concat(prompts.Select(p => p.AgentId)).ToHashSet(StringComparer.Ordinal);
        var exposed = exposures.ToDictionary(e => e.AgentId, e => e.Count, StringComparer.Ordinal);
        var prompted = prompts.ToDictionary(p => p.AgentId, p => p.Count, StringComparer.Ordinal);
        IReadOnlyList<AgentLoad> named = [];
        if (opts.NameAgentsInSummary && agents.Count > 0)
        {
            var ids = agents.ToList();
            var names = (await db.Set<CareEngagement>().AsNoTracking().Where(e => ids.Contains(e.AgentId))
                    .Select(e => new { e.AgentId, e.Name, e.Id }).ToListAsync(ct))
                .GroupBy(e => e.AgentId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.MaxBy(e => e.Id)!.Name, StringComparer.Ordinal);
            named = [.. agents
                .Select(a => new AgentLoad(names.GetValueOrDefault(a) ?? a, exposed.GetValueOrDefault(a), prompted.GetValueOrDefault(a)))
                .OrderByDescending(a => a.AbusiveExposures).ThenByDescending(a => a.BreakPrompts).ThenBy(a => a.Name, StringComparer.Ordinal)];
        }

        return new TeamLoad(agents.Count, exposed.Count, exposed.Values.Sum(), prompted.Values.Sum(), named);
    }

    /// <summary>One line for cards: totals, then the named agents when configured.</summary>
    public static string Describe(TeamLoad load)
    {
        ArgumentNullException.ThrowIfNull(load);
        if (load.AgentsActive == 0)
        {
            return "no agent activity on topics recorded yet";
        }

        var text = $"{Count(load.AgentsActive, "agent")} on topics, {load.AgentsExposed.ToString(CultureInfo.InvariantCulture)} exposed to " +
                   $"{Count(load.AbusiveExposures, "abusive post")}, {Count(load.BreakPrompts, "break prompt")} sent";
        if (load.Named.Count > 0)
        {
            text += ". " + string.Join(", ", load.Named.Take(8).Select(a => $"{a.Name}: {a.AbusiveExposures.ToString(CultureInfo.InvariantCulture)} abusive, {Count(a.BreakPrompts, "prompt")}"));
        }

        return text;
    }

    private static string Count(int n, string noun) => n.ToString(CultureInfo.InvariantCulture) + " " + noun + (n == 1 ? "" : "s");
}
