using System.Collections.Concurrent;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>An in-memory <see cref="IConnectorClient"/> that records every call and answers like Teams would.</summary>
public sealed class RecordingConnectorClient : IConnectorClient
{
    private int _nextId = 1000;

    public ConcurrentQueue<RecordedCall> Calls { get; } = new();

    public List<TeamChannel> TeamChannels { get; } = [];

    public TeamDetails? Team { get; set; }

    public IEnumerable<RecordedCall> Sent => Calls.Where(c => c.Activity is not null);

    private string NextId() => Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);

    public Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, OutgoingActivity activity, CancellationToken ct = default)
    {
        Calls.Enqueue(new RecordedCall("send", serviceUrl, conversationId, null, activity));
        return Task.FromResult(new ResourceResponse(NextId()));
    }

    public Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, OutgoingActivity activity, CancellationToken ct = default)
    {
        Calls.Enqueue(new RecordedCall("reply", serviceUrl, conversationId, replyToId, activity));
        return Task.FromResult(new ResourceResponse(NextId()));
    }

    public Task<ResourceResponse> UpdateAsync(string serviceUrl, string conversationId, string activityId, OutgoingActivity activity, CancellationToken ct = default)
    {
        Calls.Enqueue(new RecordedCall("update", serviceUrl, conversationId, activityId, activity));
        return Task.FromResult(new ResourceResponse(activityId));
    }

    public Task DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken ct = default)
    {
        Calls.Enqueue(new RecordedCall("delete", serviceUrl, conversationId, activityId, null));
        return Task.CompletedTask;
    }

    public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        var channelId = parameters.ChannelData?.GetProperty("channel").GetProperty("id").GetString() ?? "a:1:1chat";
        var activityId = NextId();
        Calls.Enqueue(new RecordedCall("create", serviceUrl, channelId, null, parameters.Activity));
        return Task.FromResult(new ConversationResourceResponse($"{channelId};messageid={activityId}", activityId, null));
    }

    public Task<PagedMembersResult> GetPagedMembersAsync(string serviceUrl, string conversationId, int? pageSize = null, string? continuationToken = null, CancellationToken ct = default) =>
        Task.FromResult(new PagedMembersResult([], null));

    public Task<TeamsChannelAccount> GetMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken ct = default) =>
        Task.FromResult(new TeamsChannelAccount(memberId, null, null, null, null, null, null, null, null, null));

    public Task<TeamDetails> GetTeamDetailsAsync(string serviceUrl, string teamId, CancellationToken ct = default) =>
        Task.FromResult(Team ?? new TeamDetails(teamId, "Team", null, null, "standard", TeamChannels.Count, null));

    public Task<IReadOnlyList<TeamChannel>> GetTeamChannelsAsync(string serviceUrl, string teamId, CancellationToken ct = default)
    {
        Calls.Enqueue(new RecordedCall("channels", serviceUrl, teamId, null, null));
        return Task.FromResult<IReadOnlyList<TeamChannel>>(TeamChannels.ToList());
    }
}

/// <summary>One recorded Connector call. <see cref="ConversationId"/> is the channel id for <c>create</c>.</summary>
public sealed record RecordedCall(string Operation, string ServiceUrl, string ConversationId, string? ActivityId, OutgoingActivity? Activity);
