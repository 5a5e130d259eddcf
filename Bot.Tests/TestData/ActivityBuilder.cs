using System.Text.Json;
using CrisisBot.Protocol;
using CrisisBot.Protocol.Activities;
using CrisisBot.Tests.Infrastructure;

namespace CrisisBot.Tests.TestData;

/// <summary>
/// Fluent builder for realistic Teams activities. Start with <see cref="Personal"/>, <see cref="Channel"/>,
/// <see cref="GroupChat"/>, <see cref="CardAction"/>, <see cref="Submit"/>, <see cref="ConversationUpdate"/> or
/// <see cref="InstallationUpdate"/>, adjust with the <c>With…</c> methods, then <see cref="Build"/>. Defaults match
/// <see cref="TestTokenIssuer"/> (bot id, tenant, serviceUrl) so built activities pass authentication.
/// </summary>
public sealed class ActivityBuilder
{
    public const string BotId = "28:" + TestTokenIssuer.AppId;
    public const string BotName = "CrisisBot";
    public const string UserId = "29:1a2b3c4d-user-mri";
    public const string UserName = "Alice Agent";
    public const string UserAadObjectId = "3f2504e0-4f89-41d3-9a0c-0305e82c3301";
    public const string PersonalConversationId = "a:1personalConversationId";
    public const string TeamId = "19:team-general@thread.tacv2";
    public const string TeamAadGroupId = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";
    public const string ChannelId = "19:channel-care@thread.tacv2";
    public const string GroupChatId = "19:groupchat@thread.v2";
    public const string CardMessageId = "1795384467643";

    private static int s_nextId = 1_700_000_000;

    private readonly Activity _activity;

    private ActivityBuilder(string type, string conversationType, string conversationId)
    {
        _activity = new Activity
        {
            Type = type,
            Id = Interlocked.Increment(ref s_nextId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            Timestamp = new DateTimeOffset(2026, 11, 22, 10, 15, 30, TimeSpan.Zero),
            ServiceUrl = TestTokenIssuer.ServiceUrl,
            ChannelId = "msteams",
            From = new ChannelAccount { Id = UserId, Name = UserName, AadObjectId = UserAadObjectId },
            Recipient = new ChannelAccount { Id = BotId, Name = BotName },
            Conversation = new ConversationAccount
            {
                Id = conversationId,
                ConversationType = conversationType,
                TenantId = TestTokenIssuer.TenantId,
                IsGroup = conversationType == "personal" ? null : true,
            },
            Locale = "en-US",
            ChannelData = new TeamsChannelData { Tenant = new TenantInfo { Id = TestTokenIssuer.TenantId } },
        };
    }

    /// <summary>A 1:1 message from the user to the bot.</summary>
    public static ActivityBuilder Personal(string text) =>
        new ActivityBuilder(ActivityTypes.Message, "personal", PersonalConversationId).WithText(text);

    /// <summary>A channel message (a new post or a reply in the thread), by default @mentioning the bot first.</summary>
    public static ActivityBuilder Channel(string text, bool mentionBot = true)
    {
        var builder = new ActivityBuilder(ActivityTypes.Message, "channel", $"{ChannelId};messageid=1795384604119").InTeam();
        return mentionBot ? builder.WithBotMention(text) : builder.WithText(text);
    }

    /// <summary>A group-chat message, by default @mentioning the bot.</summary>
    public static ActivityBuilder GroupChat(string text, bool mentionBot = true)
    {
        var builder = new ActivityBuilder(ActivityTypes.Message, "groupChat", GroupChatId);
        return mentionBot ? builder.WithBotMention(text) : builder.WithText(text);
    }

    /// <summary>An <c>adaptiveCard/action</c> invoke (Action.Execute) with <paramref name="verb"/> and <paramref name="data"/>.</summary>
    public static ActivityBuilder CardAction(string verb, object? data = null, string conversationType = "personal")
    {
        var builder = new ActivityBuilder(ActivityTypes.Invoke, conversationType,
            conversationType == "personal" ? PersonalConversationId : $"{ChannelId};messageid=1795384604119");
        builder._activity.Id = $"f:{Guid.NewGuid()}";
        builder._activity.Name = InvokeNames.AdaptiveCardAction;
        builder._activity.ReplyToId = CardMessageId;
        var action = new Dictionary<string, object?> { ["type"] = "Action.Execute", ["verb"] = verb, ["data"] = data ?? new { } };
        return builder.WithValue(new Dictionary<string, object?> { ["action"] = action, ["trigger"] = "manual" });
    }

    /// <summary>An Action.Submit fallback: a message without text whose <c>value</c> holds the verb and the data.</summary>
    public static ActivityBuilder Submit(string verb, IReadOnlyDictionary<string, object?>? data = null)
    {
        var value = new Dictionary<string, object?>(data ?? new Dictionary<string, object?>()) { ["verb"] = verb };
        var builder = new ActivityBuilder(ActivityTypes.Message, "personal", PersonalConversationId);
        builder._activity.ReplyToId = CardMessageId;
        return builder.WithValue(value);
    }

    /// <summary>A conversationUpdate in a team, e.g. <c>teamMemberAdded</c> (bot added) or <c>channelCreated</c>.</summary>
    public static ActivityBuilder ConversationUpdate(string eventType)
    {
        var builder = new ActivityBuilder(ActivityTypes.ConversationUpdate, "channel", TeamId).InTeam();
        builder._activity.ChannelData!.EventType = eventType;
        if (eventType == "teamMemberAdded")
        {
            builder._activity.MembersAdded = [new ChannelAccount { Id = BotId }];
        }

        return builder;
    }

    /// <summary>An installationUpdate in a team with <c>action</c> add or remove.</summary>
    public static ActivityBuilder InstallationUpdate(string action = "add")
    {
        var builder = new ActivityBuilder(ActivityTypes.InstallationUpdate, "channel", TeamId).InTeam();
        builder._activity.Action = action;
        builder._activity.ChannelData!.Settings = new TeamsChannelSettings { SelectedChannel = new ChannelInfo { Id = ChannelId } };
        return builder;
    }

    public ActivityBuilder WithText(string? text)
    {
        _activity.Text = text;
        _activity.TextFormat = text is null ? null : "plain";
        return this;
    }

    /// <summary>Text starting with <c>&lt;at&gt;BotName&lt;/at&gt;</c> plus the matching mention entity.</summary>
    public ActivityBuilder WithBotMention(string text)
    {
        var mention = $"<at>{_activity.Recipient!.Name}</at>";
        WithText($"{mention} {text}");
        (_activity.Entities ??= []).Add(new Entity
        {
            Type = "mention",
            Text = mention,
            Mentioned = new ChannelAccount { Id = _activity.Recipient.Id, Name = _activity.Recipient.Name },
        });
        return this;
    }

    public ActivityBuilder WithValue(object value)
    {
        _activity.Value = value is JsonElement element ? element : JsonSerializer.SerializeToElement(value);
        return this;
    }

    public ActivityBuilder WithId(string id)
    {
        _activity.Id = id;
        return this;
    }

    public ActivityBuilder WithServiceUrl(string? serviceUrl)
    {
        _activity.ServiceUrl = serviceUrl;
        return this;
    }

    public ActivityBuilder WithChannelId(string channelId)
    {
        _activity.ChannelId = channelId;
        return this;
    }

    /// <summary>Sets the tenant in both <c>channelData.tenant.id</c> and <c>conversation.tenantId</c>.</summary>
    public ActivityBuilder WithTenant(string tenantId)
    {
        _activity.ChannelData!.Tenant = new TenantInfo { Id = tenantId };
        _activity.Conversation!.TenantId = tenantId;
        return this;
    }

    public ActivityBuilder WithReplyToId(string? replyToId)
    {
        _activity.ReplyToId = replyToId;
        return this;
    }

    public ActivityBuilder WithConversationId(string conversationId)
    {
        _activity.Conversation!.Id = conversationId;
        return this;
    }

    public ActivityBuilder WithFrom(string id, string name, string? aadObjectId = null)
    {
        _activity.From = new ChannelAccount { Id = id, Name = name, AadObjectId = aadObjectId };
        return this;
    }

    public ActivityBuilder WithRecipient(string id, string name)
    {
        _activity.Recipient = new ChannelAccount { Id = id, Name = name };
        return this;
    }

    public ActivityBuilder WithInvokeName(string name)
    {
        _activity.Name = name;
        return this;
    }

    public Activity Build() => _activity;

    public string ToJson() => JsonSerializer.Serialize(_activity, ProtocolJsonContext.Default.Activity);

    private ActivityBuilder InTeam()
    {
        _activity.ChannelData!.Team = new TeamInfo { Id = TeamId, Name = "Customer Care", AadGroupId = TeamAadGroupId };
        _activity.ChannelData.Channel = new ChannelInfo { Id = ChannelId, Name = "Care" };
        return this;
    }
}
