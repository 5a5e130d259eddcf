using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CrisisBot.Tests.Endpoints;

public class BotMessagesEndpointTests
{
    [Fact]
    public async Task Post_CardActionInvoke_AnswersHttp200WithInvokeResponseBody()
    {
        using var factory = CrisisBotFactory.LocalMode().WithRoutes(r => r.OnCardAction("test.echo", (turn, action, ct) =>
            Task.FromResult(InvokeResponse.Message($"got {action.Data.GetProperty("n").GetInt32()}"))));

        using var response = await factory.PostActivityAsync(ActivityBuilder.CardAction("test.echo", new { n = 7 }).Build());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(200, body.RootElement.GetProperty("statusCode").GetInt32());
        Assert.Equal(ContentTypes.ActivityMessage, body.RootElement.GetProperty("type").GetString());
        Assert.Equal("got 7", body.RootElement.GetProperty("value").GetString());
        Assert.Equal(3, body.RootElement.EnumerateObject().Count());
    }

    [Fact]
    public async Task Post_CardActionReturningCard_AnswersWithCardResponse()
    {
        var card = JsonSerializer.SerializeToElement(new { type = "AdaptiveCard", version = "1.5", body = Array.Empty<object>() });
        using var factory = CrisisBotFactory.LocalMode().WithRoutes(r => r.OnCardAction("test.card", (turn, action, ct) =>
            Task.FromResult(InvokeResponse.Card(card))));

        var result = await factory.InvokeAsync(ActivityBuilder.CardAction("test.card").Build());

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(ContentTypes.AdaptiveCard, result.Type);
        Assert.Equal("AdaptiveCard", result.Value.GetProperty("type").GetString());
    }

    [Fact]
    public async Task Post_UnknownVerb_AnswersFriendlyMessageNot501()
    {
        using var factory = CrisisBotFactory.LocalMode();

        var result = await factory.InvokeAsync(ActivityBuilder.CardAction("no.such.verb").Build());

        Assert.Equal(200, result.StatusCode);
        Assert.Equal(ContentTypes.ActivityMessage, result.Type);
        Assert.Equal(ActivityRouter.UnknownVerbMessage, result.Value.GetString());
    }

    [Fact]
    public async Task Post_CardActionHandlerThrows_AnswersFriendlyMessage()
    {
        using var factory = CrisisBotFactory.LocalMode().WithRoutes(r => r.OnCardAction("test.boom", (turn, action, ct) =>
            throw new InvalidOperationException("boom")));

        using var response = await factory.PostActivityAsync(ActivityBuilder.CardAction("test.boom").Build());
        var result = JsonSerializer.Deserialize<InvokeResponse>(await response.Content.ReadAsStringAsync(), JsonSerializerOptions.Web)!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(200, result.StatusCode);
        Assert.Equal(ActivityRouter.ActionFailedMessage, result.Value.GetString());
    }

    [Fact]
    public async Task Post_ActionWithoutVerb_AnswersBadRequestErrorResponse()
    {
        using var factory = CrisisBotFactory.LocalMode();
        var activity = ActivityBuilder.CardAction("x")
            .WithValue(new { action = new { type = "Action.Execute", data = new { } } }).Build();

        var result = await factory.InvokeAsync(activity);

        Assert.Equal(400, result.StatusCode);
        Assert.Equal(ContentTypes.Error, result.Type);
        Assert.Equal("BadRequest", result.Value.GetProperty("code").GetString());
        Assert.Contains("verb", result.Value.GetProperty("message").GetString(), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Post_UnknownInvokeName_AnswersStatusCode501()
    {
        using var factory = CrisisBotFactory.LocalMode();
        var activity = ActivityBuilder.CardAction("x").WithInvokeName("task/fetch").Build();

        var result = await factory.InvokeAsync(activity);

        Assert.Equal(501, result.StatusCode);
        Assert.Equal(ContentTypes.Error, result.Type);
    }

    [Fact]
    public async Task Post_Message_Answers200BeforeTheHandlerFinishes()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var handled = new ConcurrentQueue<Command>();
        using var factory = CrisisBotFactory.LocalMode().WithRoutes(r => r.OnCommand("slow", async (turn, command, ct) =>
        {
            started.SetResult();
            await gate.Task.WaitAsync(ct);
            handled.Enqueue(command);
            await turn.ReplyAsync(OutgoingActivity.Message("done"), ct);
        }));

        using var response = await factory.PostActivityAsync(ActivityBuilder.Personal("slow  please").Build());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(handled);
        gate.SetResult();
        await factory.WaitForQueuedTurnsAsync();
        var command = Assert.Single(handled);
        Assert.Equal(new Command("slow", "please"), command);
        var sent = Assert.Single(factory.Connector.Sent);
        Assert.Equal(ActivityBuilder.PersonalConversationId, sent.ConversationId);
        Assert.Equal(TestTokenIssuer.ServiceUrl, sent.ServiceUrl);
        Assert.Equal("done", sent.Activity!.Text);
    }

    [Fact]
    public async Task Post_ChannelMention_RepliesIntoTheThread()
    {
        using var factory = CrisisBotFactory.LocalMode().WithRoutes(r => r.OnCommand("threadcheck", (turn, command, ct) =>
            turn.ReplyAsync(OutgoingActivity.Message("ok"), ct)));
        var activity = ActivityBuilder.Channel("threadcheck").Build();

        using var response = await factory.PostActivityAsync(activity);
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(factory.Connector.Sent);
        Assert.Equal("send", sent.Operation);
        Assert.EndsWith(";messageid=1795384604119", sent.ConversationId, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_SubmitFallbackReturningCard_UpdatesTheCardMessage()
    {
        var card = JsonSerializer.SerializeToElement(new { type = "AdaptiveCard", version = "1.5" });
        using var factory = CrisisBotFactory.LocalMode().WithRoutes(r => r.OnCardAction("test.refresh", (turn, action, ct) =>
            Task.FromResult(action.IsSubmitFallback ? InvokeResponse.Card(card) : InvokeResponse.Message("not a fallback"))));

        using var response = await factory.PostActivityAsync(ActivityBuilder.Submit("test.refresh").Build());
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var update = Assert.Single(factory.Connector.Calls);
        Assert.Equal("update", update.Operation);
        Assert.Equal(ActivityBuilder.CardMessageId, update.ActivityId);
        Assert.Equal(ContentTypes.AdaptiveCard, Assert.Single(update.Activity!.Attachments!).ContentType);
    }

    [Theory]
    [InlineData("{not json", "not a valid JSON activity")]
    [InlineData("null", "got null")]
    [InlineData("{\"text\":\"hi\"}", "no type")]
    [InlineData("[1,2]", "not a valid JSON activity")]
    public async Task Post_BadBody_Answers400WithClearMessage(string body, string expected)
    {
        using var factory = CrisisBotFactory.LocalMode();

        using var response = await factory.PostJsonAsync(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains(expected, await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_QueueFull_Answers503WithRetryAfter()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var factory = CrisisBotFactory.LocalMode()
            .WithSetting("Bot:TurnQueueCapacity", "1")
            .WithSetting("Bot:TurnWorkers", "1")
            .WithRoutes(r => r.OnCommand("block", async (turn, command, ct) =>
            {
                started.TrySetResult();
                await gate.Task.WaitAsync(ct);
            }));

        using var first = await factory.PostActivityAsync(ActivityBuilder.Personal("block").Build());
        await started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        using var second = await factory.PostActivityAsync(ActivityBuilder.Personal("block").Build());
        using var third = await factory.PostActivityAsync(ActivityBuilder.Personal("block").Build());
        gate.SetResult();
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.OK, second.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, third.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(5), third.Headers.RetryAfter?.Delta);
    }

    [Fact]
    public async Task Post_MessageHandlerThrows_RetriedThenOneErrorNoticeAndKeepsProcessing()
    {
        var calls = 0;
        using var factory = CrisisBotFactory.LocalMode()
            .WithSetting("Bot:InboundMaxAttempts", "3")
            .WithSetting("Bot:InboundRetryBaseDelay", "00:00:00.020")
            .WithSetting("Bot:InboundPollInterval", "00:00:00.050")
            .WithRoutes(r => r.OnCommand("fail", (turn, command, ct) =>
            {
                Interlocked.Increment(ref calls);
                throw new InvalidOperationException("boom");
            }));

        using var first = await factory.PostActivityAsync(ActivityBuilder.Personal("fail").Build());
        using var second = await factory.PostActivityAsync(ActivityBuilder.Personal("fail").Build());
        await factory.WaitForQueuedTurnsAsync(TimeSpan.FromSeconds(30));

        // Each stored turn runs 3 times (retries with backoff), then is dead-lettered and the user gets one notice.
        Assert.Equal(6, calls);
        Assert.Equal(2, factory.Connector.Sent.Count(c => c.Activity!.Text!.StartsWith("Sorry, something went wrong", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Post_TurnSetupFails_WorkerSurvivesAndHostKeepsRunning()
    {
        using var factory = CrisisBotFactory.LocalMode()
            .WithServices(s => s.AddScoped<ITurnReplies>(_ => throw new InvalidOperationException("no connector")));

        using var first = await factory.PostActivityAsync(ActivityBuilder.Personal("help").Build());
        using var second = await factory.PostActivityAsync(ActivityBuilder.Personal("help").Build());
        await factory.WaitForQueuedTurnsAsync();
        using var third = await factory.PostActivityAsync(ActivityBuilder.Personal("help").Build());
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.False(factory.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping.IsCancellationRequested);
    }

    [Fact]
    public async Task Post_BodyLargerThanLimit_Answers413BeforeAuthentication()
    {
        using var factory = CrisisBotFactory.LocalMode();
        var activity = ActivityBuilder.Personal(new string('x', 1024 * 1024)).Build();

        using var response = await factory.PostActivityAsync(activity);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("larger than", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
