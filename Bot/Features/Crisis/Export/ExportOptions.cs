namespace CrisisBot.Features.Crisis.Export;

/// <summary>Configuration section <c>Export</c>.</summary>
public sealed class ExportOptions
{
    public const string SectionName = "Export";

    /// <summary>
    /// Admin keys for <c>GET /api/crisis/{id}/export</c> (<c>Authorization: Bearer &lt;key&gt;</c> or <c>X-Api-Key</c>). A read-API
    /// key (<c>Api:Keys</c>) that is not listed here gets 403. Empty: the endpoint answers 503. Local mode does not skip it.
    /// <value>none</value>
    /// </summary>
    public IList<string> Keys { get; } = [];
}
