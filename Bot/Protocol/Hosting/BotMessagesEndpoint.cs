using System.Text.Json;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Auth;
using CrisisBot.Protocol.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// <c>POST /api/messages</c>: read, authenticate, route. Invokes are answered in the response
/// (<c>{statusCode,type,value}</c>, always HTTP 200); everything else is queued and acknowledged with 200 at once.
/// </summary>
internal static class BotMessagesEndpoint
{
    /// <summary>Teams activities are far smaller (messages are capped around 100 KB); the body is read before authentication.</summary>
    public const long MaxBodyBytes = 1024 * 1024;

    public static async Task<IResult> HandleAsync(HttpRequest request, BotMessagesDispatcher dispatcher)
    {
        if (request.ContentLength > MaxBodyBytes)
        {
            return dispatcher.TooLarge(request.ContentLength.Value);
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxBodyBytes;
        }

        Activity? activity;
        try
        {
            activity = await JsonSerializer.DeserializeAsync(request.Body, ProtocolJsonContext.Default.Activity, request.HttpContext.RequestAborted);
        }
        catch (JsonException ex)
        {
            return dispatcher.BadRequest($"The request body is not a valid JSON activity: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return dispatcher.TooLarge(null);
        }

        if (activity is null)
        {
            return dispatcher.BadRequest("The request body must be a JSON activity object, got null.");
        }

        if (string.IsNullOrWhiteSpace(activity.Type))
        {
            return dispatcher.BadRequest("The activity has no type.");
        }

        return await dispatcher.DispatchAsync(activity, request.Headers.Authorization.ToString(), request.HttpContext.RequestServices,
            request.HttpContext.RequestAborted);
    }
}

/// <summary>Authenticates an activity, then answers an invoke synchronously or queues the turn.</summary>
internal sealed class BotMessagesDispatcher(
    BotAuthenticator authenticator,
    ActivityRouter router,
    TurnBacklog queue,
    IOptions<BotOptions> options,
    TimeProvider timeProvider,
    IHostApplicationLifetime lifetime,
    ILogger<BotMessagesDispatcher> logger)
{
    /// <summary>Seconds a sender should wait before retrying when the queue is full.</summary>
    public const int RetryAfterSeconds = 5;

    public IResult BadRequest(string reason)
    {
        ProtocolLog.BadRequest(logger, reason);
        return Results.Problem(detail: reason, statusCode: StatusCodes.Status400BadRequest, title: "Invalid activity");
    }

    public IResult TooLarge(long? length)
    {
        var reason = $"The request body{(length is null ? "" : $" ({length} bytes)")} is larger than {BotMessagesEndpoint.MaxBodyBytes} bytes.";
        ProtocolLog.BadRequest(logger, reason);
        return Results.Problem(detail: reason, statusCode: StatusCodes.Status413PayloadTooLarge, title: "Activity too large");
    }

    public async Task<IResult> DispatchAsync(Activity activity, string? authorization, IServiceProvider requestServices, CancellationToken requestAborted)
    {
        var auth = await authenticator.AuthenticateAsync(authorization, activity, requestAborted);
        if (!auth.Succeeded)
        {
            return Results.StatusCode(auth.StatusCode);
        }

        if (string.Equals(activity.Type, ActivityTypes.Invoke, StringComparison.OrdinalIgnoreCase))
        {
            // The handler's state transition must not be cut short by a client disconnect: own timeout + shutdown only.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(options.Value.InvokeTimeoutSeconds), timeProvider);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, lifetime.ApplicationStopping);
            using var logScope = logger.BeginScope(new Dictionary<string, object?>
            {
                ["ActivityId"] = activity.Id,
                ["ConversationId"] = activity.Conversation?.Id,
            });
            var turn = new TurnContext(activity, requestServices.GetRequiredService<ITurnReplies>(), requestServices);
            var response = await router.InvokeAsync(turn, linked.Token);
            return Results.Json(response, ProtocolJsonContext.Default.InvokeResponse, statusCode: StatusCodes.Status200OK);
        }

        if (!queue.TryEnqueue(activity))
        {
            ProtocolLog.QueueFull(logger, queue.Capacity, activity.Id, activity.Type);
            return new QueueFullResult();
        }

        return Results.Ok();
    }

    private sealed class QueueFullResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
    }
}
