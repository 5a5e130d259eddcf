using System.Collections.Concurrent;
using System.Net;
using System.Text;

namespace CrisisBot.Tests.Protocol.Connector;

/// <summary>One request as it reached the network.</summary>
internal sealed record RecordedRequest(HttpMethod Method, Uri Uri, string? Body, string? ContentType, string? Authorization, DateTimeOffset At);

/// <summary>The network: records requests and answers from a queue of responders (then with <see cref="Default"/>).</summary>
internal sealed class FakeConnectorHandler : HttpMessageHandler
{
    private readonly ConcurrentQueue<Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>>> _responders = new();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public TimeProvider Clock { get; set; } = TimeProvider.System;

    public Func<HttpRequestMessage, HttpResponseMessage> Default { get; set; } = _ => Json(HttpStatusCode.OK, """{"id":"1"}""");

    public List<RecordedRequest> List => [.. Requests];

    public FakeConnectorHandler Then(Func<HttpRequestMessage, HttpResponseMessage> responder)
    {
        _responders.Enqueue((r, _) => Task.FromResult(responder(r)));
        return this;
    }

    public FakeConnectorHandler ThenAsync(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> responder)
    {
        _responders.Enqueue(responder);
        return this;
    }

    public FakeConnectorHandler Then(HttpStatusCode status, string body = "", Action<HttpResponseMessage>? configure = null) =>
        Then(_ =>
        {
            var response = Json(status, body);
            configure?.Invoke(response);
            return response;
        });

    public static HttpResponseMessage Json(HttpStatusCode status, string body) => new(status)
    {
        Content = new StringContent(body, Encoding.UTF8, "application/json"),
    };

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        Requests.Enqueue(new RecordedRequest(
            request.Method,
            request.RequestUri!,
            body,
            request.Content?.Headers.ContentType?.ToString(),
            request.Headers.Authorization?.ToString(),
            Clock.GetUtcNow()));

        var response = _responders.TryDequeue(out var responder)
            ? await responder(request, cancellationToken)
            : Default(request);
        response.RequestMessage ??= request;
        return response;
    }
}
