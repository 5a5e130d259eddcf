using CrisisBot.Features.Crisis.Export;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.DutyOfCare;

/// <summary>
/// duty-of-care.jsonl/.csv in the crisis export: per agent, engagements, abusive exposures (all, and those attributed to
/// this crisis), break prompts and their answers in the window. Agents are "agent 1", "agent 2"… unless
/// <c>DutyOfCare:NameAgentsInSummary</c> is on.
/// </summary>
internal sealed class CareExportSection(IOptionsMonitor<DutyOfCareOptions> options) : IExportSection
{
    public int Order => 800;

    public async Task WriteAsync(CrisisExportContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        var (from, to, crisisId) = (context.Window.From, context.Window.To, context.Window.CrisisId);
        var db = context.Db;
        var engagements = await db.Set<CareEngagement>().AsNoTracking().Where(e => e.At >= from && e.At < to)
            .Select(e => new { e.AgentId, e.Name, e.Id }).ToListAsync(ct);
        var exposures = await db.Set<CareExposure>().AsNoTracking().Where(e => e.At >= from && e.At < to)
            .Select(e => new { e.AgentId, e.CrisisId }).ToListAsync(ct);
        var prompts = await db.Set<CarePrompt>().AsNoTracking().Where(p => p.SentAt >= from && p.SentAt < to)
            .Select(p => new { p.AgentId, p.Name, p.Answer }).ToListAsync(ct);
        var agents = engagements.Select(e => e.AgentId).Concat(exposures.Select(e => e.AgentId)).Concat(prompts.Select(p => p.AgentId))
            .Distinct(StringComparer.Ordinal).ToList();
        var names = engagements.GroupBy(e => e.AgentId, StringComparer.Ordinal).ToDictionary(g => g.Key, g => g.MaxBy(e => e.Id)!.Name, StringComparer.Ordinal);
        foreach (var p in prompts)
        {
            names.TryAdd(p.AgentId, p.Name);
        }

        var rows = agents
            .Select(a => new
            {
                AgentId = a,
                Engagements = engagements.Count(e => e.AgentId == a),
                Exposures = exposures.Count(e => e.AgentId == a),
                CrisisExposures = exposures.Count(e => e.AgentId == a && e.CrisisId == crisisId),
                Prompts = prompts.Count(p => p.AgentId == a),
                Breaks = prompts.Count(p => p.AgentId == a && p.Answer == CareAnswer.TakingBreak),
                Support = prompts.Count(p => p.AgentId == a && p.Answer == CareAnswer.AskedForSupport),
                NotNow = prompts.Count(p => p.AgentId == a && p.Answer == CareAnswer.NotNow),
            })
            .OrderByDescending(r => r.Exposures).ThenBy(r => r.AgentId, StringComparer.Ordinal)
            .ToList();
        var named = options.CurrentValue.NameAgentsInSummary;
        var table = rows.Select((r, i) => new object?[]
        {
            named ? names.GetValueOrDefault(r.AgentId, r.AgentId) : $"agent {i + 1}",
            r.Engagements, r.Exposures, r.CrisisExposures, r.Prompts, r.Breaks, r.Support, r.NotNow,
        }).ToList();
        await context.WriteRowsAsync(
            "duty-of-care",
            ["agent", "engagements", "abusiveExposures", "abusiveExposuresInThisCrisis", "breakPrompts", "breaksTaken", "supportRequested", "notNow"],
            "CareEngagements, CareExposures, CarePrompts in the window, per agent" + (named ? "" : " (anonymised)"),
            _ => Rows(table),
            ct);
    }

    private static async IAsyncEnumerable<object?[]> Rows(IEnumerable<object?[]> rows)
    {
        foreach (var row in rows)
        {
            yield return row;
        }

        await Task.CompletedTask;
    }
}
