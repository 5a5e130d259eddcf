using CrisisBot.Protocol.Activities;

namespace CrisisBot.Tests.Features.Channels;

/// <summary>Teams-shaped activities for the Channels tests (shapes from teams-protocol.md §1 and playground.md §7).</summary>
internal static class ChannelActivities
{
    public const string ServiceUrl = "http://127.0.0.1:56150/_connector";
    public const string TenantId = "72f988bf-0000-0000-0000-000000000001";
    public const string BotId = "28:11111111-2222-3333-4444-555555555555";
    public const string TeamId = "19:team-general@thread.tacv2";
    public const string TeamAadGroupId = "bbbbbbbb-0000-0000-0000-000000000031";
    public const string AlertsChannelId = "19:alerts@thread.tacv2";
    public const string OpsChannelId = "19:ops@thread.tacv2";
    public const string PersonalChatId = "a:1personal-chat-alice";
    public const string GroupChatId = "19:groupchat-1@thread.v2";
    public const string AliceId = "29:1alice";
    public const string AliceAad = "aaaaaaaa-0000-0000-0000-000000000001";
    public const string BobId = "29:1bob";
    public const string BobAad = "aaaaaaaa-0000-0000-0000-000000000002";
    public const string CarolId = "29:1carol";
    public const string CarolAad = "aaaaaaaa-0000-0000-0000-000000000003";

    public static Activity PersonalInstall(string action = "add", string conversationId = PersonalChatId) => new()
    {
        Type = ActivityTypes.InstallationUpdate,
        Action = action,
        Id = "1795384467643",
        ServiceUrl = ServiceUrl,
        ChannelId = "msteams",
        From = new ChannelAccount { Id = AliceId, Name = "Alice Admin", AadObjectId = AliceAad },
        Recipient = new ChannelAccount { Id = BotId, Name = "CrisisBot" },
        Conversation = new ConversationAccount { Id = conversationId, ConversationType = "personal", TenantId = TenantId },
        ChannelData = new TeamsChannelData { Tenant = new TenantInfo { Id = TenantId } },
    };

    public static Activity PersonalBotAdded(string conversationId = PersonalChatId) => new()
    {
        Type = ActivityTypes.ConversationUpdate,
        Id = "1795384467644",
        ServiceUrl = ServiceUrl,
        ChannelId = "msteams",
        From = new ChannelAccount { Id = AliceId, Name = "Alice Admin", AadObjectId = AliceAad },
        Recipient = new ChannelAccount { Id = BotId, Name = "CrisisBot" },
        Conversation = new ConversationAccount { Id = conversationId, ConversationType = "personal", TenantId = TenantId },
        MembersAdded = [new ChannelAccount { Id = AliceId }, new ChannelAccount { Id = BotId }],
        ChannelData = new TeamsChannelData { Tenant = new TenantInfo { Id = TenantId } },
    };

    public static Activity GroupChatInstall(string action = "add") => new()
    {
        Type = ActivityTypes.InstallationUpdate,
        Action = action,
        ServiceUrl = ServiceUrl,
        From = new ChannelAccount { Id = AliceId, AadObjectId = AliceAad },
        Recipient = new ChannelAccount { Id = BotId },
        Conversation = new ConversationAccount { Id = GroupChatId, ConversationType = "groupChat", IsGroup = true, Name = "Ops Group", TenantId = TenantId },
        ChannelData = new TeamsChannelData { Tenant = new TenantInfo { Id = TenantId } },
    };

    /// <summary>installationUpdate for a team; <paramref name="withAadGroupId"/> false mimics payloads that lack it.</summary>
    public static Activity TeamInstall(string action = "add", bool withAadGroupId = true) => new()
    {
        Type = ActivityTypes.InstallationUpdate,
        Action = action,
        ServiceUrl = ServiceUrl,
        ChannelId = "msteams",
        From = new ChannelAccount { Id = AliceId, AadObjectId = AliceAad },
        Recipient = new ChannelAccount { Id = BotId },
        Conversation = new ConversationAccount { Id = TeamId, ConversationType = "channel", IsGroup = true, TenantId = TenantId },
        ChannelData = new TeamsChannelData
        {
            Team = new TeamInfo { Id = TeamId, Name = "Ops Team", AadGroupId = withAadGroupId ? TeamAadGroupId : null },
            Tenant = new TenantInfo { Id = TenantId },
            Settings = new TeamsChannelSettings { SelectedChannel = new ChannelInfo { Id = TeamId } },
        },
    };

    /// <summary>conversationUpdate with a team <c>eventType</c>; <c>conversation.id</c> is the team id, as Teams sends it.</summary>
    public static Activity TeamEvent(string eventType, string? channelId = null, string? channelName = null, string? teamName = "Ops Team",
        IEnumerable<string>? membersAdded = null, IEnumerable<string>? membersRemoved = null) => new()
    {
        Type = ActivityTypes.ConversationUpdate,
        ServiceUrl = ServiceUrl,
        ChannelId = "msteams",
        From = new ChannelAccount { Id = AliceId, AadObjectId = AliceAad },
        Recipient = new ChannelAccount { Id = BotId },
        Conversation = new ConversationAccount { Id = TeamId, ConversationType = "channel", IsGroup = true, TenantId = TenantId },
        MembersAdded = membersAdded?.Select(id => new ChannelAccount { Id = id }).ToList(),
        MembersRemoved = membersRemoved?.Select(id => new ChannelAccount { Id = id }).ToList(),
        ChannelData = new TeamsChannelData
        {
            EventType = eventType,
            Team = new TeamInfo { Id = TeamId, Name = teamName },
            Channel = channelId is null ? null : new ChannelInfo { Id = channelId, Name = channelName },
            Tenant = new TenantInfo { Id = TenantId },
        },
    };

    /// <summary>A channel message that @mentions the bot, in a thread of <paramref name="channelId"/> (no channel name, as Teams does).</summary>
    public static Activity ChannelMessage(string text, string fromId, string? fromAad, string channelId = AlertsChannelId) => new()
    {
        Type = ActivityTypes.Message,
        Id = "1795384604119",
        ServiceUrl = ServiceUrl,
        ChannelId = "msteams",
        From = new ChannelAccount { Id = fromId, Name = fromId[3..], AadObjectId = fromAad },
        Recipient = new ChannelAccount { Id = BotId, Name = "CrisisBot" },
        Conversation = new ConversationAccount { Id = $"{channelId};messageid=1795384604119", ConversationType = "channel", IsGroup = true, TenantId = TenantId },
        Text = $"<at>CrisisBot</at> {text}",
        ChannelData = new TeamsChannelData
        {
            Team = new TeamInfo { Id = TeamId },
            Channel = new ChannelInfo { Id = channelId },
            Tenant = new TenantInfo { Id = TenantId },
        },
    };

    public static Activity PersonalMessage(string text, string fromId = AliceId, string? fromAad = AliceAad) => new()
    {
        Type = ActivityTypes.Message,
        Id = "1795384604120",
        ServiceUrl = ServiceUrl,
        ChannelId = "msteams",
        From = new ChannelAccount { Id = fromId, AadObjectId = fromAad },
        Recipient = new ChannelAccount { Id = BotId, Name = "CrisisBot" },
        Conversation = new ConversationAccount { Id = PersonalChatId, ConversationType = "personal", TenantId = TenantId },
        Text = text,
        ChannelData = new TeamsChannelData { Tenant = new TenantInfo { Id = TenantId } },
    };
}
