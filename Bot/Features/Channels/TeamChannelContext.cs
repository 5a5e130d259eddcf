using CrisisBot.Protocol.Activities;

namespace CrisisBot.Features.Channels;

/// <summary>What an activity says about the team and channel it came from.</summary>
/// <param name="ChannelId"><c>channelData.channel.id</c>, else the part of <c>conversation.id</c> before ';'.</param>
/// <param name="ChannelName">Usually null on messages (teams-protocol.md §10.22).</param>
public sealed record TeamChannelContext(
    string TeamId, string? TeamName, string? TeamAadGroupId, string ChannelId, string? ChannelName, string ServiceUrl, string? TenantId, string? BotId)
{
    /// <summary>The team context of a team-channel activity, or null for personal and group chats (or when ids are missing).</summary>
    public static TeamChannelContext? From(Activity activity)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var data = activity.ChannelData;
        var teamId = data?.Team?.Id;
        var conversationId = activity.Conversation?.Id;
        if (string.IsNullOrWhiteSpace(teamId) || string.IsNullOrWhiteSpace(activity.ServiceUrl))
        {
            return null;
        }

        var kind = activity.Conversation?.ConversationType;
        if (kind is not null && !string.Equals(kind, ConversationKinds.Channel, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var channelId = data?.Channel?.Id
            ?? (conversationId is null ? null : ConversationKinds.BaseId(conversationId))
            ?? teamId;
        var channelName = string.Equals(data?.Channel?.Id, channelId, StringComparison.Ordinal) ? data?.Channel?.Name : null;
        return new TeamChannelContext(
            teamId, data?.Team?.Name, data?.Team?.AadGroupId, channelId, channelName, activity.ServiceUrl,
            data?.Tenant?.Id ?? activity.Conversation?.TenantId, activity.Recipient?.Id);
    }

    /// <summary>The display name to store: General has no name in Teams.</summary>
    public static string? ChannelDisplayName(string channelId, string teamId, string? name) =>
        !string.IsNullOrWhiteSpace(name) ? name : string.Equals(channelId, teamId, StringComparison.Ordinal) ? "General" : null;

    public ConversationSnapshot ToSnapshot(string channelId, string? channelName) => new(
        channelId, ConversationKinds.Channel, ServiceUrl, TenantId, BotId, TeamId, TeamAadGroupId, TeamName,
        ChannelDisplayName(channelId, TeamId, channelName));
}
