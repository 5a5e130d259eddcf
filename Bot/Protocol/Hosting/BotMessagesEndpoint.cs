using System.Text.Json;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Auth;
using CrisisBot.Protocol.Routing;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// <c>POST /api/messages</c>: read, authenticate, route. Invokes are answered in the response
/// (<c>{statusCode,type,value}</c>, always HTTP 200); everything else is stored (<see cref="IInboundTurns"/>), queued and
/// acknowledged with 200 once stored.
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

        return await dispatcher.DispatchAsync(activity, request.Headers.Authorization.ToString(), new RequestServicesOnDemand(request.HttpContext),
            request.HttpContext.RequestAborted);
    }
}

/// <summary>Authenticates an activity, then answers an invoke synchronously or queues the turn.</summary>
internal sealed class BotMessagesDispatcher(
    BotAuthenticator authenticator,
    ActivityRouter router,
    TurnBacklog queue,
    IInboundTurns inbound,
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
            using var logScope = ProtocolLog.ActivityScope(logger, activity.Id, activity.Conversation?.Id);
            // The request's DI scope and ITurnReplies are created only if the handler uses them (help.refresh does not).
            var turn = new TurnContext(activity, requestServices as ITurnReplies ?? requestServices.GetRequiredService<ITurnReplies>(), requestServices);
            var response = await router.InvokeAsync(turn, linked.Token);
            return new InvokeResult(response);
        }

        if (!queue.TryReserve())
        {
            ProtocolLog.QueueFull(logger, queue.Capacity, activity.Id, activity.Type);
            return new RetryLaterResult();
        }

        InboundAdmission admission;
        try
        {
            // Committed before the 200 (durable inbound turns): a crash after the answer loses nothing. Not cut short by a
            // client disconnect: only shutdown stops it (then no 200 is sent and the sender retries).
            admission = await inbound.AdmitAsync(activity, lifetime.ApplicationStopping);
        }
        catch (Exception ex)
        {
            queue.CancelReservation();
            ProtocolLog.AdmitFailed(logger, ex, activity.Id, activity.Type);
            return new RetryLaterResult();
        }

        if (admission.Duplicate)
        {
            queue.CancelReservation();
            ProtocolLog.DuplicateActivity(logger, activity.Id, activity.Type);
            return Accepted;
        }

        queue.EnqueueReserved(new QueuedTurn(admission.Id, activity, 1));
        return Accepted;
    }

    /// <summary>The 200 for a stored activity (no body; no per-request logger lookup, unlike <c>Results.Ok()</c>).</summary>
    private static readonly IResult Accepted = new StatusOnlyResult();

    private sealed class StatusOnlyResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status200OK;
            return Task.CompletedTask;
        }
    }

    /// <summary>HTTP 200 with the invoke response as JSON: its pre-encoded bytes when it has them
    /// (<see cref="InvokeResponse.Encoded"/>), else serialised straight into the response's pipe.</summary>
    private sealed class InvokeResult(InvokeResponse response) : IResult
    {
        [ThreadStatic]
        private static Utf8JsonWriter? t_writer;

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var http = httpContext.Response;
            http.StatusCode = StatusCodes.Status200OK;
            http.ContentType = "application/json; charset=utf-8";
            if (response.Utf8 is { } utf8)
            {
                http.ContentLength = utf8.Length;
                return http.BodyWriter.WriteAsync(utf8, httpContext.RequestAborted).AsTask();
            }

            var writer = t_writer ??= new Utf8JsonWriter(http.BodyWriter);
            writer.Reset(http.BodyWriter);
            try
            {
                JsonSerializer.Serialize(writer, response, ProtocolJsonContext.Default.InvokeResponse);
            }
            finally
            {
                writer.Reset();
            }

            return http.BodyWriter.FlushAsync(httpContext.RequestAborted).AsTask();
        }
    }

    /// <summary>503 + Retry-After: the queue is full, or the activity could not be stored (nothing was accepted).</summary>
    private sealed class RetryLaterResult : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            return Task.CompletedTask;
        }
    }
}

/// <summary>
/// The request's services for an invoke's <see cref="TurnContext"/>, resolved on first use: <c>HttpContext.RequestServices</c>
/// creates a DI scope (disposed with the request) only when a handler asks for a service or replies.
/// </summary>
internal sealed class RequestServicesOnDemand(HttpContext httpContext) : IServiceProvider, ITurnReplies
{
    private ITurnReplies? _replies;

    private ITurnReplies Replies => _replies ??= httpContext.RequestServices.GetRequiredService<ITurnReplies>();

    public object? GetService(Type serviceType) => httpContext.RequestServices.GetService(serviceType);

    public Task<string?> ReplyAsync(Activity inbound, OutgoingActivity reply, CancellationToken ct) => Replies.ReplyAsync(inbound, reply, ct);

    public Task UpdateAsync(Activity inbound, OutgoingActivity replacement, CancellationToken ct) => Replies.UpdateAsync(inbound, replacement, ct);
}
