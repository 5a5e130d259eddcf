using CrisisBot.Protocol.Activities;

namespace CrisisBot.Protocol.Auth;

/// <summary>Which validation path a token takes, chosen from its (not yet verified) <c>iss</c>.</summary>
internal enum IssuerKind
{
    Untrusted = 0,
    BotFramework = 1,
    EntraTenant = 2,
}

/// <summary>
/// The pure decisions of inbound authentication (teams-protocol.md §2, Appendix A), kept free of I/O so each rule has
/// its own tests.
/// </summary>
internal static class IssuerRules
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";

    public const string ServiceUrlClaim = "serviceurl";

    public static readonly IReadOnlyList<string> AllowedAlgorithms = ["RS256", "RS384", "RS512"];

    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>The Entra issuers (v1 and v2) of our own tenant.</summary>
    public static IReadOnlyList<string> EntraIssuers(string tenantId) =>
    [
        $"https://sts.windows.net/{tenantId}/",
        $"https://login.microsoftonline.com/{tenantId}/v2.0",
    ];

    /// <summary>Audiences accepted on the Entra path.</summary>
    public static IReadOnlyList<string> EntraAudiences(string appId) => [appId, $"api://{appId}"];

    public static IssuerKind Classify(string? issuer, string? tenantId)
    {
        if (string.IsNullOrEmpty(issuer))
        {
            return IssuerKind.Untrusted;
        }

        if (string.Equals(issuer, BotFrameworkIssuer, StringComparison.Ordinal))
        {
            return IssuerKind.BotFramework;
        }

        if (!string.IsNullOrWhiteSpace(tenantId) &&
            EntraIssuers(tenantId).Any(i => string.Equals(i, issuer, StringComparison.OrdinalIgnoreCase)))
        {
            return IssuerKind.EntraTenant;
        }

        return IssuerKind.Untrusted;
    }

    /// <summary>Only RSA PKCS#1 signatures (RS256/384/512): never <c>none</c>, HMAC or anything a key confusion could use.</summary>
    public static bool IsAllowedAlgorithm(string? algorithm) =>
        algorithm is not null && AllowedAlgorithms.Contains(algorithm, StringComparer.Ordinal);

    /// <summary>The signing key must be endorsed for the activity's channel (<c>msteams</c>).</summary>
    public static bool IsEndorsed(IReadOnlyList<string>? endorsements, string? channelId) =>
        !string.IsNullOrEmpty(channelId) && endorsements is not null &&
        endorsements.Any(e => string.Equals(e, channelId, StringComparison.OrdinalIgnoreCase));

    /// <summary>The token's <c>serviceurl</c> claim equals the activity's serviceUrl: case-insensitive, trailing slash ignored.</summary>
    public static bool ServiceUrlMatches(string? claim, string? activityServiceUrl)
    {
        if (string.IsNullOrWhiteSpace(claim) || string.IsNullOrWhiteSpace(activityServiceUrl))
        {
            return false;
        }

        return string.Equals(claim.Trim().TrimEnd('/'), activityServiceUrl.Trim().TrimEnd('/'), StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>
    /// The activity's tenant: <c>channelData.tenant.id</c>, else <c>conversation.tenantId</c>. Null when absent or when the
    /// two disagree (never guess).
    /// </summary>
    public static string? TenantOf(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var fromChannelData = activity.ChannelData?.Tenant?.Id;
        var fromConversation = activity.Conversation?.TenantId;
        if (!string.IsNullOrEmpty(fromChannelData) && !string.IsNullOrEmpty(fromConversation) &&
            !string.Equals(fromChannelData, fromConversation, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        return string.IsNullOrEmpty(fromChannelData) ? NullIfEmpty(fromConversation) : fromChannelData;
    }

    /// <summary>
    /// The tenant must be on the allow-list. An empty allow-list (possible only in local mode, where no tenant is
    /// configured) allows every tenant.
    /// </summary>
    public static bool IsTenantAllowed(string? tenantId, IReadOnlyCollection<string> allowedTenants)
    {
        ArgumentNullException.ThrowIfNull(allowedTenants);
        if (allowedTenants.Count == 0)
        {
            return true;
        }

        return !string.IsNullOrEmpty(tenantId) && allowedTenants.Contains(tenantId, StringComparer.OrdinalIgnoreCase);
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
