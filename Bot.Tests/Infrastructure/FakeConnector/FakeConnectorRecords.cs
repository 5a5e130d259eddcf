using System.Text.Json;

namespace CrisisBot.Tests.Infrastructure.FakeConnector;

/// <summary>Connector operations the fake knows.</summary>
public static class FakeOperations
{
    public const string CreateConversation = "CreateConversation";
    public const string SendToConversation = "SendToConversation";
    public const string ReplyToActivity = "ReplyToActivity";
    public const string UpdateActivity = "UpdateActivity";
    public const string DeleteActivity = "DeleteActivity";
    public const string GetMembers = "GetConversationMembers";
    public const string GetPagedMembers = "GetConversationPagedMembers";
    public const string GetMember = "GetConversationMember";
    public const string GetTeamDetails = "GetTeamDetails";
    public const string GetTeamChannels = "GetTeamChannels";
    public const string Unknown = "Unknown";

    internal static bool IsRead(string operation) => operation is GetMembers or GetPagedMembers or GetMember or GetTeamDetails or GetTeamChannels;
}

/// <summary>
/// One request as the fake saw it. <see cref="Status"/> 0 means no answer was given (a hang that the client abandoned).
/// <see cref="Fault"/> names an injected fault; <see cref="LimitViolated"/> is true when the request was over a limit.
/// </summary>
public sealed record FakeRequest(
    long Sequence,
    DateTimeOffset At,
    string Method,
    string Path,
    string Operation,
    string? ConversationId,
    string? LimitKey,
    string TenantId,
    string? Body,
    string? Authorization,
    int Status,
    FaultKind? Fault,
    bool LimitViolated);

/// <summary>A message the fake holds: created by a new post, a send or a reply; later updates change <see cref="Activity"/>.</summary>
public sealed record FakeMessage(
    string ActivityId,
    string ConversationId,
    string ChannelId,
    string ThreadId,
    string Operation,
    string? Marker,
    string TenantId,
    JsonElement Activity,
    int UpdateCount,
    bool Deleted,
    DateTimeOffset CreatedAt,
    DateTimeOffset? UpdatedAt);

/// <summary>One accepted update (PUT) of a message.</summary>
public sealed record FakeUpdate(DateTimeOffset At, string ActivityId, string ConversationId, string? Marker, JsonElement Activity);

/// <summary>A request that would have exceeded a limit: scope <c>thread</c>, <c>read</c> or <c>tenant</c>.</summary>
public sealed record FakeViolation(DateTimeOffset At, string Scope, string Key, int Limit, TimeSpan Window, string Method, string Path);

/// <summary>A roster entry (the Connector's TeamsChannelAccount).</summary>
public sealed record FakeMember(string Id, string Name, string? AadObjectId = null, string? Email = null, string? UserPrincipalName = null);
