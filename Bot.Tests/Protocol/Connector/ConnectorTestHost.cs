using System.Collections.Concurrent;
using System.Net;
using System.Text;
using CrisisBot.Protocol.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Protocol.Connector;

/// <summary>
/// A DI container with the real <c>AddBotConnector</c> registration, whose network is a <see cref="FakeConnectorHandler"/>,
/// whose tokens come from a <see cref="FakeTokenProvider"/> and whose clock is an <see cref="AutoAdvanceTimeProvider"/>.
/// </summary>
internal sealed class ConnectorTestHost : IDisposable
{
    public const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    public const string AppId = "00000000-0000-0000-0000-0000000000a1";
    public const string TenantId = "11111111-2222-3333-4444-555555555555";

    private ConnectorTestHost(ServiceProvider services, FakeConnectorHandler handler, FakeTokenProvider? tokens, TimeProvider time)
    {
        Services = services;
        Handler = handler;
        Tokens = tokens;
        Time = time;
    }

    public ServiceProvider Services { get; }

    public FakeConnectorHandler Handler { get; }

    /// <summary>Null when the host uses the real MSAL provider.</summary>
    public FakeTokenProvider? Tokens { get; }

    public TimeProvider Time { get; }

    public IConnectorClient Client => Services.GetRequiredService<IConnectorClient>();

    /// <summary>The default test settings: credentials (fake), 2 s / 20 s backoff, 4 retries, attempt timeout 10 min (never fires).</summary>
    public static Dictionary<string, string?> DefaultSettings() => new()
    {
        ["MicrosoftAppId"] = AppId,
        ["MicrosoftAppPassword"] = "not-a-real-secret",
        ["MicrosoftAppTenantId"] = TenantId,
        ["Bot:LocalMode"] = "false",
        ["Connector:AttemptTimeout"] = "00:10:00",
    };

    public static ConnectorTestHost Create(
        Action<Dictionary<string, string?>>? settings = null,
        TimeProvider? time = null,
        bool fakeTokens = true)
    {
        var values = DefaultSettings();
        settings?.Invoke(values);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(values).Build();

        var handler = new FakeConnectorHandler();
        var clock = time ?? new AutoAdvanceTimeProvider();
        handler.Clock = clock;
        var tokens = fakeTokens ? new FakeTokenProvider() : null;

        var services = new ServiceCollection();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug));
        services.AddSingleton(clock);
        services.AddBotConnector(configuration);
        if (tokens is not null)
        {
            services.AddSingleton<IBotTokenProvider>(tokens);
        }

        // Swap only the network: everything above it (retries, token handler) is the production pipeline.
        services.AddHttpClient(ConnectorClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        return new ConnectorTestHost(services.BuildServiceProvider(validateScopes: true), handler, tokens, clock);
    }

    public void Dispose() => Services.Dispose();
}

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

/// <summary>Counts calls and hands out numbered fake tokens.</summary>
internal sealed class FakeTokenProvider : IBotTokenProvider
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<string> GetAccessTokenAsync(CancellationToken ct = default)
    {
        var n = Interlocked.Increment(ref _calls);
        return Task.FromResult($"fake-token-{n}");
    }
}

/// <summary>
/// A fake clock on which every timer shorter than <see cref="FireBelow"/> fires at once, moving the clock by its due
/// time. Retry delays therefore take no real time and show up exactly in <see cref="Delays"/> and in request times.
/// Longer timers (the attempt timeout in these tests) wait for an explicit <see cref="FakeTimeProvider.Advance"/>.
/// </summary>
internal sealed class AutoAdvanceTimeProvider : FakeTimeProvider
{
    public TimeSpan FireBelow { get; set; } = TimeSpan.FromMinutes(5);

    public ConcurrentQueue<TimeSpan> Delays { get; } = new();

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (dueTime >= TimeSpan.Zero && dueTime < FireBelow)
        {
            Delays.Enqueue(dueTime);
            ThreadPool.QueueUserWorkItem(_ => Advance(dueTime));
        }

        return timer;
    }
}
