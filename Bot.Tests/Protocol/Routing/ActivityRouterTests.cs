using System.Text.Json;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;
using Microsoft.Extensions.Logging.Abstractions;

namespace CrisisBot.Tests.Protocol.Routing;

public class ActivityRouterTests
{
    private static readonly JsonElement Card = JsonSerializer.SerializeToElement(new { type = "AdaptiveCard", version = "1.5" });

    private readonly RecordingTurnReplies _replies = new();

    [Fact]
    public void Build_DuplicateVerbAcrossFeatures_ThrowsNamingTheKey()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Build(
            r => r.OnCardAction("help.refresh", Ok),
            r => r.OnCardAction("help.refresh", Ok)));

        Assert.Contains("card verb 'help.refresh'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DuplicateCommandDifferingInCase_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => Build(r => r.OnCommand("Status", NoOp).OnCommand("status", NoOp)));

        Assert.Contains("command 'status'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Build_DuplicateActivityInvokeOrUnknownHandler_Throws()
    {
        Assert.Contains("activity type 'conversationUpdate'", Assert.Throws<InvalidOperationException>(() =>
            Build(r => r.OnActivity("conversationUpdate", Activity).OnActivity("conversationUpdate", Activity))).Message, StringComparison.Ordinal);
        Assert.Contains("invoke 'task/fetch'", Assert.Throws<InvalidOperationException>(() =>
            Build(r => r.OnInvoke("task/fetch", Invoke).OnInvoke("task/fetch", Invoke))).Message, StringComparison.Ordinal);
        Assert.Contains("unknown-command", Assert.Throws<InvalidOperationException>(() =>
            Build(r => r.OnUnknownCommand(NoOp).OnUnknownCommand(NoOp))).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OnInvoke_AdaptiveCardAction_IsRefusedBecauseItRoutesByVerb() =>
        Assert.Throws<ArgumentException>(() => Build(r => r.OnInvoke(InvokeNames.AdaptiveCardAction, Invoke)));

    [Fact]
    public void OnActivity_Invoke_IsRefused() => Assert.Throws<ArgumentException>(() => Build(r => r.OnActivity("invoke", Activity)));

    [Fact]
    public void OnCommand_TwoWords_IsRefused() => Assert.Throws<ArgumentException>(() => Build(r => r.OnCommand("link agents", NoOp)));

    [Fact]
    public void OnCardAction_AfterBuild_Throws()
    {
        var router = Build(r => r.OnCardAction("a", Ok));

        Assert.Throws<InvalidOperationException>(() => router.OnCardAction("b", Ok));
    }

    [Fact]
    public void RouteKeys_AfterBuild_ListsEveryRegistration()
    {
        var router = Build(r => r.OnCardAction("a.b", Ok).OnCommand("Help", NoOp).OnActivity("installationUpdate", Activity).OnUnknownCommand(NoOp));

        Assert.Equal(["activity:installationUpdate", "verb:a.b", "command:Help", "unknown-command"], router.RouteKeys);
    }

    [Fact]
    public async Task InvokeAsync_UnknownVerb_ReturnsFriendlyMessage()
    {
        var router = Build(r => r.OnCardAction("known", Ok));

        var response = await router.InvokeAsync(_replies.TurnFor(ActivityBuilder.CardAction("gone.verb").Build()));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(ContentTypes.ActivityMessage, response.Type);
        Assert.Equal(ActivityRouter.UnknownVerbMessage, response.Value.GetString());
    }

    [Fact]
    public async Task InvokeAsync_KnownVerb_PassesVerbDataAndTrigger()
    {
        CardAction? seen = null;
        var router = Build(r => r.OnCardAction("topic.approve", (turn, action, ct) =>
        {
            seen = action;
            return Task.FromResult(InvokeResponse.Card(Card));
        }));

        var response = await router.InvokeAsync(_replies.TurnFor(ActivityBuilder.CardAction("topic.approve", new { topicId = "T-42", comment = "ok" }).Build()));

        Assert.Equal(ContentTypes.AdaptiveCard, response.Type);
        Assert.NotNull(seen);
        Assert.Equal("topic.approve", seen.Verb);
        Assert.False(seen.IsSubmitFallback);
        Assert.Equal("manual", seen.Trigger);
        Assert.Equal("T-42", seen.Data.GetProperty("topicId").GetString());
        Assert.Equal("ok", seen.Data.GetProperty("comment").GetString());
    }

    [Theory]
    [InlineData("{}", "no action")]
    [InlineData("{\"action\":{\"type\":\"Action.Submit\",\"verb\":\"a\"}}", "must be Action.Execute")]
    [InlineData("{\"action\":{\"type\":\"Action.Execute\"}}", "no verb")]
    [InlineData("{\"action\":{\"type\":\"Action.Execute\",\"verb\":\"  \"}}", "no verb")]
    [InlineData("\"text\"", "no value object")]
    public async Task InvokeAsync_MalformedAction_Returns400Error(string value, string expected)
    {
        var router = Build(r => r.OnCardAction("a", Ok));
        var activity = ActivityBuilder.CardAction("a").WithValue(JsonDocument.Parse(value).RootElement.Clone()).Build();

        var response = await router.InvokeAsync(_replies.TurnFor(activity));

        Assert.Equal(400, response.StatusCode);
        Assert.Equal(ContentTypes.Error, response.Type);
        Assert.Contains(expected, response.Value.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task InvokeAsync_ActionWithoutData_GetsEmptyObject()
    {
        CardAction? seen = null;
        var router = Build(r => r.OnCardAction("a", (turn, action, ct) =>
        {
            seen = action;
            return Ok(turn, action, ct);
        }));
        var activity = ActivityBuilder.CardAction("a").WithValue(new { action = new { type = "Action.Execute", verb = "a" } }).Build();

        await router.InvokeAsync(_replies.TurnFor(activity));

        Assert.Equal(JsonValueKind.Object, seen!.Data.ValueKind);
        Assert.Null(seen.Trigger);
    }

    [Fact]
    public async Task InvokeAsync_HandlerThrows_ReturnsFriendlyMessage()
    {
        var router = Build(r => r.OnCardAction("a", (turn, action, ct) => throw new InvalidOperationException("db down")));

        var response = await router.InvokeAsync(_replies.TurnFor(ActivityBuilder.CardAction("a").Build()));

        Assert.Equal(200, response.StatusCode);
        Assert.Equal(ActivityRouter.ActionFailedMessage, response.Value.GetString());
    }

    [Fact]
    public async Task InvokeAsync_OtherInvokeRegistered_CallsItAndUnknownGets501()
    {
        var router = Build(r => r.OnInvoke("task/fetch", (turn, ct) => Task.FromResult(InvokeResponse.Message("task"))));

        var known = await router.InvokeAsync(_replies.TurnFor(ActivityBuilder.CardAction("x").WithInvokeName("task/fetch").Build()));
        var unknown = await router.InvokeAsync(_replies.TurnFor(ActivityBuilder.CardAction("x").WithInvokeName("composeExtension/query").Build()));

        Assert.Equal("task", known.Value.GetString());
        Assert.Equal(501, unknown.StatusCode);
    }

    [Fact]
    public async Task ProcessAsync_SubmitFallback_RoutesToTheVerbAndUpdatesTheCard()
    {
        CardAction? seen = null;
        var router = Build(r => r.OnCardAction("status.refresh", (turn, action, ct) =>
        {
            seen = action;
            return Task.FromResult(InvokeResponse.Card(Card));
        }));
        var activity = ActivityBuilder.Submit("status.refresh", new Dictionary<string, object?> { ["comment"] = "typed" }).Build();

        await router.ProcessAsync(_replies.TurnFor(activity));

        Assert.NotNull(seen);
        Assert.True(seen.IsSubmitFallback);
        Assert.Equal("typed", seen.Data.GetProperty("comment").GetString());
        var (replyToId, update) = Assert.Single(_replies.Updates);
        Assert.Equal(ActivityBuilder.CardMessageId, replyToId);
        Assert.Equal(ContentTypes.AdaptiveCard, Assert.Single(update.Attachments!).ContentType);
        Assert.Empty(_replies.Replies);
    }

    [Fact]
    public async Task ProcessAsync_SubmitFallbackWithMessageResult_RepliesWithTheText()
    {
        var router = Build(r => r.OnCardAction("a", (turn, action, ct) => Task.FromResult(InvokeResponse.Message("Saved."))));

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Submit("a").Build()));

        Assert.Equal("Saved.", Assert.Single(_replies.Replies).Text);
        Assert.Empty(_replies.Updates);
    }

    [Fact]
    public async Task ProcessAsync_SubmitFallbackUnknownVerb_RepliesFriendlyMessage()
    {
        var router = Build();

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Submit("old.verb").Build()));

        Assert.Equal(ActivityRouter.UnknownVerbMessage, Assert.Single(_replies.Replies).Text);
    }

    [Fact]
    public async Task ProcessAsync_SubmitFallbackError_RepliesWithTheErrorMessage()
    {
        var router = Build(r => r.OnCardAction("a", (turn, action, ct) =>
            Task.FromResult(InvokeResponse.Error(400, "BadRequest", "The answer is empty."))));

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Submit("a").Build()));

        Assert.Equal("The answer is empty.", Assert.Single(_replies.Replies).Text);
    }

    [Fact]
    public async Task ProcessAsync_PersonalText_RoutesToCommandCaseInsensitive()
    {
        Command? seen = null;
        var router = Build(r => r.OnCommand("link", (turn, command, ct) =>
        {
            seen = command;
            return Task.CompletedTask;
        }));

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Personal("LINK  Agents\u00a0now").Build()));

        Assert.Equal(new Command("link", "Agents now"), seen);
    }

    [Fact]
    public async Task ProcessAsync_ChannelMention_RoutesWithMentionStripped()
    {
        Command? seen = null;
        var router = Build(r => r.OnCommand("status", (turn, command, ct) =>
        {
            seen = command;
            return Task.CompletedTask;
        }));

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Channel("status").Build()));

        Assert.Equal(new Command("status", ""), seen);
    }

    [Fact]
    public async Task ProcessAsync_ChannelMessageWithoutMention_IsIgnored()
    {
        var calls = 0;
        var router = Build(r => r.OnCommand("status", (turn, command, ct) =>
        {
            calls++;
            return Task.CompletedTask;
        }).OnUnknownCommand((turn, command, ct) =>
        {
            calls++;
            return Task.CompletedTask;
        }));

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Channel("status", mentionBot: false).Build()));
        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.GroupChat("status", mentionBot: false).Build()));

        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task ProcessAsync_UnknownCommandAndMentionOnly_GoToUnknownHandler()
    {
        var seen = new List<Command>();
        var router = Build(r => r.OnCommand("help", NoOp).OnUnknownCommand((turn, command, ct) =>
        {
            seen.Add(command);
            return Task.CompletedTask;
        }));

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Personal("frobnicate the widget").Build()));
        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Channel("").Build()));
        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Personal("   ").Build()));

        Assert.Equal([new Command("frobnicate", "the widget"), new Command("", ""), new Command("", "")], seen);
    }

    [Fact]
    public async Task ProcessAsync_MessageWithNeitherTextNorVerb_IsIgnored()
    {
        var calls = 0;
        var router = Build(r => r.OnUnknownCommand((turn, command, ct) =>
        {
            calls++;
            return Task.CompletedTask;
        }));

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Personal("x").WithText(null).Build()));
        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.Personal("x").WithText(null).WithValue(new { comment = "no verb" }).Build()));

        Assert.Equal(0, calls);
    }

    [Fact]
    public async Task ProcessAsync_OtherActivityType_GoesToItsHandlerOrIsIgnored()
    {
        var seen = new List<string?>();
        var router = Build(r => r.OnActivity("installationUpdate", (turn, ct) =>
        {
            seen.Add(turn.Activity.Action);
            return Task.CompletedTask;
        }));

        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.InstallationUpdate("remove").Build()));
        await router.ProcessAsync(_replies.TurnFor(ActivityBuilder.ConversationUpdate("channelCreated").Build()));

        Assert.Equal(["remove"], seen);
    }

    [Fact]
    public async Task ProcessAsync_Invoke_IsRefused()
    {
        var router = Build();

        await Assert.ThrowsAsync<InvalidOperationException>(() => router.ProcessAsync(_replies.TurnFor(ActivityBuilder.CardAction("a").Build())));
    }

    private static ActivityRouter Build(params Action<IRouteBuilder>[] registrations) =>
        ActivityRouter.Build(registrations.Select(r => (IBotRoutes)new Routes(r)), NullLogger<ActivityRouter>.Instance);

    private static Task<InvokeResponse> Ok(TurnContext turn, CardAction action, CancellationToken ct) =>
        Task.FromResult(InvokeResponse.Message("ok"));

    private static Task NoOp(TurnContext turn, Command command, CancellationToken ct) => Task.CompletedTask;

    private static Task Activity(TurnContext turn, CancellationToken ct) => Task.CompletedTask;

    private static Task<InvokeResponse> Invoke(TurnContext turn, CancellationToken ct) => Task.FromResult(InvokeResponse.Message("x"));

    private sealed class Routes(Action<IRouteBuilder> register) : IBotRoutes
    {
        public void Register(IRouteBuilder routes) => register(routes);
    }
}
