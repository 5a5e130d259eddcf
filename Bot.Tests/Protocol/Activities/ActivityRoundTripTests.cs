using System.Text.Json;
using CrisisBot.Protocol;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Infrastructure;

namespace CrisisBot.Tests.Protocol.Activities;

public class ActivityRoundTripTests
{
    public static TheoryData<string> PayloadFiles => new(Directory.GetFiles(PayloadDirectory, "*.json").Select(Path.GetFileName).Order()!);

    private static string PayloadDirectory => Path.Combine(AppContext.BaseDirectory, "TestData", "Activities");

    public static string ReadPayload(string file) => File.ReadAllText(Path.Combine(PayloadDirectory, file));

    [Fact]
    public void PayloadFiles_AllEightScenarios_ArePresent() =>
        Assert.Equal(
            ["action-submit-message.json", "channel-message-mention.json", "conversation-update-channel-created.json",
             "conversation-update-team-member-added.json", "installation-update-add.json", "installation-update-remove.json",
             "invoke-adaptive-card-action.json", "personal-message.json"],
            Directory.GetFiles(PayloadDirectory, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(PayloadFiles))]
    public void Deserialize_ThenSerialize_IsSemanticallyEqual(string file)
    {
        var json = ReadPayload(file);

        var activity = JsonSerializer.Deserialize(json, ProtocolJsonContext.Default.Activity)!;
        var roundTripped = JsonSerializer.Serialize(activity, ProtocolJsonContext.Default.Activity);

        using var expected = JsonDocument.Parse(json);
        using var actual = JsonDocument.Parse(roundTripped);
        Assert.Null(JsonSemantic.FirstDifference(expected.RootElement, actual.RootElement));
    }

    [Fact]
    public void Deserialize_UnknownFields_LandInExtensionData()
    {
        var activity = Read("channel-message-mention.json");

        Assert.True(activity.ChannelData!.Extra!.ContainsKey("teamsChannelId"));
        Assert.Equal("Windows", activity.Entities![1].Extra!["platform"].GetString());
        Assert.Equal("text/html", activity.Attachments![0].ContentType);
    }

    [Fact]
    public void Deserialize_ChannelMention_ReadsTypedFields()
    {
        var activity = Read("channel-message-mention.json");

        Assert.Equal(ActivityTypes.Message, activity.Type);
        Assert.Equal("channel", activity.Conversation!.ConversationType);
        Assert.Equal("28:6f1c2a3b-4d5e-4f60-8a7b-9c0d1e2f3a4b", activity.Entities![0].Mentioned!.Id);
        Assert.Equal("0b1c2d3e-4f50-4a61-b723-c4d5e6f7a8b9", activity.ChannelData!.Tenant!.Id);
        Assert.Equal(new Command("status", ""), TextCommandParser.Parse(activity));
        Assert.Equal(new DateTimeOffset(2026, 11, 22, 10, 16, 1, 461, TimeSpan.Zero), activity.Timestamp);
    }

    [Fact]
    public void Deserialize_Invoke_ParsesTheCardAction()
    {
        var activity = Read("invoke-adaptive-card-action.json");

        var action = CardActionParser.ParseInvoke(activity, out var error);

        Assert.Null(error);
        Assert.Equal(InvokeNames.AdaptiveCardAction, activity.Name);
        Assert.Equal("status.refresh", action!.Verb);
        Assert.Equal("T-42", action.Data.GetProperty("topicId").GetString());
        Assert.Equal(3, action.Data.GetProperty("count").GetInt32());
        Assert.Equal("1763806590001", activity.ReplyToId);
    }

    [Fact]
    public void Deserialize_ActionSubmit_IsASubmitFallback()
    {
        var action = CardActionParser.ParseSubmit(Read("action-submit-message.json"));

        Assert.NotNull(action);
        Assert.True(action.IsSubmitFallback);
        Assert.Equal("status.refresh", action.Verb);
        Assert.Equal("Submitted from an old client", action.Data.GetProperty("comment").GetString());
    }

    [Theory]
    [InlineData("conversation-update-team-member-added.json", "teamMemberAdded")]
    [InlineData("conversation-update-channel-created.json", "channelCreated")]
    public void Deserialize_ConversationUpdate_ReadsEventAndTeam(string file, string eventType)
    {
        var activity = Read(file);

        Assert.Equal(ActivityTypes.ConversationUpdate, activity.Type);
        Assert.Equal(eventType, activity.ChannelData!.EventType);
        Assert.Equal("7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d", activity.ChannelData.Team!.AadGroupId);
    }

    [Theory]
    [InlineData("installation-update-add.json", "add")]
    [InlineData("installation-update-remove.json", "remove")]
    public void Deserialize_InstallationUpdate_ReadsAction(string file, string action)
    {
        var activity = Read(file);

        Assert.Equal(ActivityTypes.InstallationUpdate, activity.Type);
        Assert.Equal(action, activity.Action);
    }

    [Fact]
    public void Serialize_OutgoingCardMessage_UsesCamelCaseAndOmitsNulls()
    {
        var card = JsonSerializer.SerializeToElement(new { type = "AdaptiveCard", version = "1.5" });

        var json = JsonSerializer.Serialize(OutgoingActivity.WithCard(card, "summary"), ProtocolJsonContext.Default.OutgoingActivity);

        Assert.Equal(
            """{"type":"message","summary":"summary","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","content":{"type":"AdaptiveCard","version":"1.5"}}]}""",
            json);
    }

    private static Activity Read(string file) => JsonSerializer.Deserialize(ReadPayload(file), ProtocolJsonContext.Default.Activity)!;
}
