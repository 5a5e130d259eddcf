using CrisisBot.Protocol.Activities;

namespace CrisisBot.Protocol.Connector;

/// <summary>
/// Bot Connector REST client (teams-protocol.md §4). <c>serviceUrl</c> is the one stored with the conversation
/// reference. Ids are URL-escaped by the implementation. Failures throw <see cref="ConnectorException"/>.
/// A serviceUrl whose host may not receive the bot's token is refused before sending
/// (<see cref="ConnectorRequestRefusedException"/>); network errors that outlast the retries surface as
/// <see cref="HttpRequestException"/> or Polly's <c>TimeoutRejectedException</c>.
/// </summary>
public interface IConnectorClient
{
    /// <summary>POST v3/conversations/{id}/activities. In a channel thread id (<c>…;messageid=n</c>) this replies in the thread.</summary>
    Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, OutgoingActivity activity, CancellationToken ct = default);

    /// <summary>POST v3/conversations/{id}/activities/{replyToId}.</summary>
    Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, OutgoingActivity activity, CancellationToken ct = default);

    /// <summary>PUT v3/conversations/{id}/activities/{activityId}: full replacement.</summary>
    Task<ResourceResponse> UpdateAsync(string serviceUrl, string conversationId, string activityId, OutgoingActivity activity, CancellationToken ct = default);

    /// <summary>DELETE v3/conversations/{id}/activities/{activityId}.</summary>
    Task DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken ct = default);

    /// <summary>POST v3/conversations: a new post in a channel (isGroup + channelData.channel.id + activity) or a 1:1 chat.</summary>
    Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct = default);

    /// <summary>GET v3/conversations/{id}/pagedmembers.</summary>
    Task<PagedMembersResult> GetPagedMembersAsync(string serviceUrl, string conversationId, int? pageSize = null, string? continuationToken = null, CancellationToken ct = default);

    /// <summary>GET v3/conversations/{id}/members/{memberId}.</summary>
    Task<TeamsChannelAccount> GetMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken ct = default);

    /// <summary>GET v3/teams/{teamId}.</summary>
    Task<TeamDetails> GetTeamDetailsAsync(string serviceUrl, string teamId, CancellationToken ct = default);

    /// <summary>GET v3/teams/{teamId}/conversations (an object with a <c>conversations</c> array).</summary>
    Task<IReadOnlyList<TeamChannel>> GetTeamChannelsAsync(string serviceUrl, string teamId, CancellationToken ct = default);
}

public sealed record ResourceResponse(string? Id);

public sealed record ConversationResourceResponse(string? Id, string? ActivityId, string? ServiceUrl);

public sealed record ConversationParameters
{
    public bool IsGroup { get; init; }
    public string? TenantId { get; init; }
    public string? TopicName { get; init; }
    public IReadOnlyList<MentionedAccount>? Members { get; init; }
    public OutgoingActivity? Activity { get; init; }
    public System.Text.Json.JsonElement? ChannelData { get; init; }

    /// <summary>A new post (thread) in a Teams channel.</summary>
    public static ConversationParameters ChannelPost(string channelId, string tenantId, OutgoingActivity activity) => new()
    {
        IsGroup = true,
        TenantId = tenantId,
        Activity = activity,
        ChannelData = System.Text.Json.JsonSerializer.SerializeToElement(
            new ChannelPostChannelData(new ChannelRef(channelId), new TenantRef(tenantId)), ProtocolJsonContext.Default.ChannelPostChannelData),
    };
}

public sealed record ChannelPostChannelData(ChannelRef Channel, TenantRef Tenant);

public sealed record ChannelRef(string Id);

public sealed record TenantRef(string Id);

public sealed record TeamsChannelAccount(
    string? Id, string? Name, string? AadObjectId, string? ObjectId, string? GivenName, string? Surname,
    string? Email, string? UserPrincipalName, string? UserRole, string? TenantId);

public sealed record PagedMembersResult(IReadOnlyList<TeamsChannelAccount> Members, string? ContinuationToken);

public sealed record TeamDetails(string? Id, string? Name, string? AadGroupId, string? TenantId, string? Type, int? ChannelCount, int? MemberCount);

public sealed record TeamChannel(string? Id, string? Name, string? ChannelType);

public sealed record TeamChannelList(IReadOnlyList<TeamChannel>? Conversations);

/// <summary>A failed Connector call: HTTP status, error code when the body has one, and the raw body.</summary>
public sealed class ConnectorException(System.Net.HttpStatusCode statusCode, string? errorCode, string body, string operation)
    : Exception($"Connector {operation} failed with {(int)statusCode} {statusCode}{(errorCode is null ? "" : $" ({errorCode})")}: {Truncate(body)}")
{
    public System.Net.HttpStatusCode StatusCode { get; } = statusCode;
    public string? ErrorCode { get; } = errorCode;
    public string Body { get; } = body;
    public string Operation { get; } = operation;

    private static string Truncate(string s) => s.Length <= 500 ? s : s[..500] + "…";
}
