namespace CrisisBot.Protocol.Connector;

/// <summary>
/// Which Connector service URLs the bot may talk to (and send its token to). teams-protocol.md §3.1: https and a
/// Teams/Bot Framework host; loopback (http or https) only in local mode, where the Agents Playground's Connector lives.
/// </summary>
public static class ServiceUrlPolicy
{
    /// <summary>Default for <c>Bot:AllowedServiceUrlHosts</c>. An entry starting with <c>*.</c> matches any subdomain.</summary>
    public static readonly IReadOnlyList<string> DefaultHosts =
    [
        "smba.trafficmanager.net",
        "smba.infra.gcc.teams.microsoft.com",
        "smba.infra.gov.teams.microsoft.us",
        "smba.infra.dod.teams.microsoft.us",
        "*.botframework.com",
    ];

    public static bool IsAllowed(string? serviceUrl, IReadOnlyCollection<string> allowedHosts, bool localMode) =>
        Uri.TryCreate(serviceUrl, UriKind.Absolute, out var uri) && IsAllowed(uri, allowedHosts, localMode);

    /// <summary>
    /// True when <paramref name="uri"/> may receive the bot's requests: no user info ever; loopback http(s) only in local
    /// mode; otherwise https and a host in <paramref name="allowedHosts"/> (exact, or <c>*.</c> for any subdomain).
    /// </summary>
    public static bool IsAllowed(Uri uri, IReadOnlyCollection<string> allowedHosts, bool localMode)
    {
        ArgumentNullException.ThrowIfNull(uri);
        ArgumentNullException.ThrowIfNull(allowedHosts);
        if (!uri.IsAbsoluteUri || !string.IsNullOrEmpty(uri.UserInfo))
        {
            return false;
        }

        if (localMode && uri.IsLoopback && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps))
        {
            return true;
        }

        if (uri.Scheme != Uri.UriSchemeHttps)
        {
            return false;
        }

        var host = uri.IdnHost;
        foreach (var allowed in allowedHosts)
        {
            if (allowed.StartsWith("*.", StringComparison.Ordinal))
            {
                var suffix = allowed[1..];
                if (host.EndsWith(suffix, StringComparison.OrdinalIgnoreCase) && host.Length > suffix.Length)
                {
                    return true;
                }
            }
            else if (string.Equals(host, allowed, StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }
        }

        return false;
    }
}
