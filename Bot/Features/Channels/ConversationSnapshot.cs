namespace CrisisBot.Features.Channels;

/// <summary>
/// What one inbound activity (or a Connector lookup) tells us about a conversation the bot is in. Null fields mean
/// "not known from this source" and never erase what is stored.
/// </summary>
/// <param name="ConversationId">Base conversation id (no <c>;messageid=</c>); for a team channel, the channel id.</param>
/// <param name="Kind">personal, groupChat or channel (<see cref="ConversationKinds"/>).</param>
public sealed record ConversationSnapshot(
    string ConversationId,
    string Kind,
    string ServiceUrl,
    string? TenantId,
    string? BotId = null,
    string? TeamId = null,
    string? TeamAadGroupId = null,
    string? TeamName = null,
    string? ChannelName = null,
    string? ConversationName = null,
    string? UserId = null,
    string? UserAadObjectId = null);
