using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Tests.Infrastructure;

namespace CrisisBot.Tests.Features.Channels;

/// <summary>
/// Wraps <see cref="RecordingConnectorClient"/> with a member directory (for UPN admin checks) and switchable failures
/// for the team lookups and channel posts.
/// </summary>
internal sealed class MemberDirectoryConnector(RecordingConnectorClient inner) : IConnectorClient
{
    public Dictionary<string, TeamsChannelAccount> Members { get; } = new(StringComparer.Ordinal);

    public List<string> MemberLookups { get; } = [];

    public bool FailTeamLookups { get; set; }

    public bool FailCreateConversation { get; set; }

    public Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, OutgoingActivity activity, CancellationToken ct = default) =>
        inner.SendAsync(serviceUrl, conversationId, activity, ct);

    public Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, OutgoingActivity activity, CancellationToken ct = default) =>
        inner.ReplyAsync(serviceUrl, conversationId, replyToId, activity, ct);

    public Task<ResourceResponse> UpdateAsync(string serviceUrl, string conversationId, string activityId, OutgoingActivity activity, CancellationToken ct = default) =>
        inner.UpdateAsync(serviceUrl, conversationId, activityId, activity, ct);

    public Task DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken ct = default) =>
        inner.DeleteAsync(serviceUrl, conversationId, activityId, ct);

    public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct = default) =>
        FailCreateConversation
            ? throw new ConnectorException(System.Net.HttpStatusCode.Forbidden, "BotNotInConversationRoster", "{}", "create conversation")
            : inner.CreateConversationAsync(serviceUrl, parameters, ct);

    public Task<PagedMembersResult> GetPagedMembersAsync(string serviceUrl, string conversationId, int? pageSize = null, string? continuationToken = null, CancellationToken ct = default) =>
        inner.GetPagedMembersAsync(serviceUrl, conversationId, pageSize, continuationToken, ct);

    public Task<TeamsChannelAccount> GetMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken ct = default)
    {
        lock (MemberLookups)
        {
            MemberLookups.Add($"{conversationId}|{memberId}");
        }

        return Members.TryGetValue(memberId, out var member)
            ? Task.FromResult(member)
            : throw new ConnectorException(System.Net.HttpStatusCode.NotFound, "MemberNotFoundInConversation", "{}", "get member");
    }

    public Task<TeamDetails> GetTeamDetailsAsync(string serviceUrl, string teamId, CancellationToken ct = default) =>
        FailTeamLookups
            ? throw new HttpRequestException("connection refused")
            : inner.GetTeamDetailsAsync(serviceUrl, teamId, ct);

    public Task<IReadOnlyList<TeamChannel>> GetTeamChannelsAsync(string serviceUrl, string teamId, CancellationToken ct = default) =>
        FailTeamLookups
            ? throw new ConnectorException(System.Net.HttpStatusCode.BadGateway, null, "upstream", "get team channels")
            : inner.GetTeamChannelsAsync(serviceUrl, teamId, ct);
}
