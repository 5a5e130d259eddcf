using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Channels;

/// <summary>Decides whether the sender of an activity is in <c>Bot:Admins</c>.</summary>
public sealed class AdminPolicy(IOptionsMonitor<ChannelsOptions> options, IConnectorClient connector, ILogger<AdminPolicy> logger)
{
    /// <summary>
    /// True when <c>from.aadObjectId</c> is listed (case-insensitive), or when a UPN is listed and the Connector's
    /// member record for <c>from.id</c> carries that <c>userPrincipalName</c> (or a listed object id).
    /// A failed member lookup counts as "not an admin".
    /// </summary>
    public Task<bool> IsAdminAsync(Activity activity, CancellationToken ct = default) =>
        IsListedAsync(activity, options.CurrentValue.Admins, ct);

    /// <summary>
    /// True when the sender is in <paramref name="people"/> (object ids or UPNs), with the same rules as <see cref="IsAdminAsync"/>.
    /// Other features use it for their own lists (e.g. <c>Crisis:Leads</c>).
    /// </summary>
    public async Task<bool> IsListedAsync(Activity activity, IEnumerable<string> people, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(people);
        var admins = people.Select(a => a.Trim()).Where(a => a.Length > 0).ToList();
        if (admins.Count == 0)
        {
            return false;
        }

        if (IsListed(admins, activity.From?.AadObjectId))
        {
            return true;
        }

        var upnListed = admins.Any(LooksLikeUpn);
        var userId = activity.From?.Id;
        var conversationId = activity.Conversation?.Id;
        if (!upnListed || string.IsNullOrEmpty(userId) || string.IsNullOrEmpty(conversationId) || string.IsNullOrEmpty(activity.ServiceUrl))
        {
            return false;
        }

        try
        {
            var member = await connector.GetMemberAsync(activity.ServiceUrl, ConversationKinds.BaseId(conversationId), userId, ct);
            return IsListed(admins, member.UserPrincipalName) || IsListed(admins, member.AadObjectId) || IsListed(admins, member.ObjectId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            ChannelsLog.MemberLookupFailed(logger, userId, ex);
            return false;
        }
    }

    internal static bool LooksLikeUpn(string value)
    {
        var at = value.IndexOf('@', StringComparison.Ordinal);
        return at > 0 && at < value.Length - 1 && at == value.LastIndexOf('@') && !value.Any(char.IsWhiteSpace);
    }

    private static bool IsListed(List<string> admins, string? value) =>
        !string.IsNullOrWhiteSpace(value) && admins.Any(a => string.Equals(a, value.Trim(), StringComparison.OrdinalIgnoreCase));
}
