namespace CrisisBot.Infrastructure.Graph;

/// <summary>The <see cref="ITeamsGraph"/> used when <c>Graph:*</c> is not configured: every call fails with a clear message.</summary>
public sealed class NotConfiguredTeamsGraph : ITeamsGraph
{
    public bool IsConfigured => false;

    public string? TeamId => null;

    public Task<GraphResult<GraphChannel>> CreateChannelAsync(string teamAadGroupId, string displayName, string description, CancellationToken ct = default) =>
        Task.FromResult(GraphResult.Failed<GraphChannel>(NotConfigured("crisis channel creation")));

    public Task<GraphResult<GraphMailSent>> SendMailAsync(string sender, GraphMail mail, CancellationToken ct = default) =>
        Task.FromResult(GraphResult.Failed<GraphMailSent>(NotConfigured("the e-mail copy of the leadership summary", "Mail.Send")));

    /// <summary>The failure for a feature that needs Graph, e.g. "crisis channel creation needs Graph".</summary>
    public static GraphFailure NotConfigured(string feature, string permission = "Channel.Create") => new(
        GraphFailureKind.NotConfigured,
        $"{feature} needs Microsoft Graph, which is not configured.",
        $"{feature} needs Microsoft Graph: set Graph:TenantId, Graph:ClientId, Graph:ClientSecret (or Graph:CertificatePath)"
        + (permission == "Channel.Create" ? " and Graph:TeamId" : "") + $", and grant the app the {permission} application permission.");
}
