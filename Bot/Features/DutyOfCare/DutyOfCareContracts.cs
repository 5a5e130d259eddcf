namespace CrisisBot.Features.DutyOfCare;

/// <summary>One agent's load; only listed when the operator configured naming (DutyOfCare:NameAgentsInSummary).</summary>
public sealed record AgentLoad(string Name, int AbusiveExposures, int BreakPrompts);

/// <summary>The team's exposure to abusive posts in a period, for the leadership summary.</summary>
/// <param name="AgentsActive">Agents who worked on topics (asked, joined, "I used this") in the period.</param>
/// <param name="AgentsExposed">Of those, agents exposed to at least one abusive post.</param>
/// <param name="AbusiveExposures">Abusive-post exposures, summed over agents.</param>
/// <param name="BreakPrompts">Break-prompt cards sent.</param>
/// <param name="Named">Per-agent rows, heaviest first; empty unless naming is configured.</param>
public sealed record TeamLoad(int AgentsActive, int AgentsExposed, int AbusiveExposures, int BreakPrompts, IReadOnlyList<AgentLoad> Named);

/// <summary>
/// Team load for the summaries. The duty-of-care feature implements it (register with <c>services.Replace</c>); until
/// then <see cref="NoTeamLoad"/> answers null and the summary leaves the section out.
/// </summary>
public interface ITeamLoad
{
    /// <returns>Null when duty of care is not tracking (feature off or no data).</returns>
    Task<TeamLoad?> GetTeamLoadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default);
}

/// <summary>The default until the duty-of-care feature is registered.</summary>
public sealed class NoTeamLoad : ITeamLoad
{
    public Task<TeamLoad?> GetTeamLoadAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default) => Task.FromResult<TeamLoad?>(null);
}
