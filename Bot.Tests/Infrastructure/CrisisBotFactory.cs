using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Protocol;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Auth;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Hosting;
using CrisisBot.Protocol.Routing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>
/// The whole bot in memory (<see cref="WebApplicationFactory{Program}"/>), for endpoint and feature tests.
/// <list type="bullet">
/// <item><see cref="LocalMode"/>: no token needed (Playground-like); <see cref="Authenticated"/>: real JWT validation
/// against a <see cref="TestTokenIssuer"/>.</item>
/// <item><see cref="IConnectorClient"/> is replaced by <see cref="Connector"/> (a <see cref="RecordingConnectorClient"/>).</item>
/// <item><c>Storage:DataDirectory</c> is a fresh temp directory per factory, deleted on dispose.</item>
/// <item>Configure with <see cref="WithSetting"/>, <see cref="WithServices"/> and <see cref="WithRoutes"/> before the first request.</item>
/// <item>Send with <see cref="PostActivityAsync(Activity, string?, CancellationToken)"/>; queued (non-invoke) turns run in the
/// background, so call <see cref="WaitForQueuedTurnsAsync"/> before asserting on their effects.</item>
/// </list>
/// </summary>
public sealed class CrisisBotFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<Action<IServiceCollection>> _services = [];

    private CrisisBotFactory()
    {
        DataDirectory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataDirectory);
        _settings["Storage:DataDirectory"] = DataDirectory;
        // Stored inbound turns that fail are retried: quickly here, so WaitForQueuedTurnsAsync does not wait seconds.
        _settings["Bot:InboundRetryBaseDelay"] = "00:00:00.050";
        _settings["Bot:InboundPollInterval"] = "00:00:00.200";
        // Background workers start with the host, as before the start-up gate (BackgroundStartTests covers the gate):
        // tests that replace the TimeProvider or never send a request must not wait for Startup:BackgroundDelay.
        _settings["Startup:BackgroundDelay"] = "00:00:00";
    }

    /// <summary>Records every Connector call the bot makes.</summary>
    public RecordingConnectorClient Connector { get; } = new();

    /// <summary>This factory's own storage directory.</summary>
    public string DataDirectory { get; }

    /// <summary>The bearer token source for <see cref="Authenticated"/> factories; null in local mode.</summary>
    public TestTokenIssuer? Issuer { get; private set; }

    /// <summary>Local mode (Bot:LocalMode=true, no app id): requests without a token are accepted, loopback serviceUrls allowed.</summary>
    public static CrisisBotFactory LocalMode()
    {
        var factory = new CrisisBotFactory();
        factory._settings["Bot:LocalMode"] = "true";
        factory._settings["MicrosoftAppId"] = string.Empty;
        factory._settings["MicrosoftAppTenantId"] = string.Empty;
        // Only loopback listening addresses are allowed in local mode; clear port variables a container may set.
        factory._settings["urls"] = "http://127.0.0.1:3978";
        factory._settings["http_ports"] = string.Empty;
        factory._settings["https_ports"] = string.Empty;
        return factory;
    }

    /// <summary>Production-like: app id and tenant of <paramref name="issuer"/>, tokens validated against its metadata.</summary>
    public static CrisisBotFactory Authenticated(TestTokenIssuer issuer)
    {
        ArgumentNullException.ThrowIfNull(issuer);
        var factory = new CrisisBotFactory { Issuer = issuer };
        factory._settings["Bot:LocalMode"] = "false";
        foreach (var (key, value) in TestTokenIssuer.Settings)
        {
            factory._settings[key] = value;
        }

        factory._services.Add(services => services.AddHttpClient(OpenIdDocumentRetriever.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(issuer.CreateHandler));
        return factory;
    }

    /// <summary>Overrides a configuration key (e.g. <c>Bot:AllowedTenants:0</c>). Call before the first request.</summary>
    public CrisisBotFactory WithSetting(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Adds or replaces services after the app's own registrations.</summary>
    public CrisisBotFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>Registers extra routes (an <see cref="IBotRoutes"/>) for the test.</summary>
    public CrisisBotFactory WithRoutes(Action<IRouteBuilder> register) =>
        WithServices(services => services.AddSingleton<IBotRoutes>(new DelegateRoutes(register)));

    /// <summary>POSTs an activity to /api/messages, with <c>Authorization: Bearer {token}</c> when a token is given.</summary>
    public Task<HttpResponseMessage> PostActivityAsync(Activity activity, string? bearerToken = null, CancellationToken ct = default) =>
        PostJsonAsync(JsonSerializer.Serialize(activity, ProtocolJsonContext.Default.Activity), bearerToken, ct);

    /// <summary>POSTs raw JSON to /api/messages.</summary>
    public async Task<HttpResponseMessage> PostJsonAsync(string json, string? bearerToken = null, CancellationToken ct = default)
    {
        using var client = CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        if (bearerToken is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearerToken);
        }

        return await client.SendAsync(request, ct);
    }

    /// <summary>POSTs an invoke and reads the <c>{statusCode,type,value}</c> body.</summary>
    public async Task<InvokeResponse> InvokeAsync(Activity activity, string? bearerToken = null, CancellationToken ct = default)
    {
        using var response = await PostActivityAsync(activity, bearerToken, ct);
        response.EnsureSuccessStatusCode();
        var body = await response.Content.ReadAsStringAsync(ct);
        return JsonSerializer.Deserialize(body, ProtocolJsonContext.Default.InvokeResponse)
               ?? throw new InvalidOperationException("The invoke answered with an empty body.");
    }

    /// <summary>Waits until every queued (non-invoke) turn has been processed.</summary>
    public Task WaitForQueuedTurnsAsync(TimeSpan? timeout = null, CancellationToken ct = default) =>
        Services.GetRequiredService<TurnBacklog>().WaitUntilIdleAsync(timeout ?? TimeSpan.FromSeconds(10), ct);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        // Host settings are visible while Program registers services; app configuration overrides appsettings.json.
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureAppConfiguration(config => config.AddInMemoryCollection(_settings));
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IConnectorClient>();
            services.AddSingleton<IConnectorClient>(Connector);
            services.AddKeyedSingleton<IConnectorClient>(OutboxServiceCollectionExtensions.ConnectorKey, Connector);
            foreach (var configure in _services)
            {
                configure(services);
            }
        });
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            try
            {
                Directory.Delete(DataDirectory, recursive: true);
            }
            catch (IOException)
            {
                // A file may still be locked; the temp directory is cleaned up eventually.
            }
        }
    }

    private sealed class DelegateRoutes(Action<IRouteBuilder> register) : IBotRoutes
    {
        public void Register(IRouteBuilder routes) => register(routes);
    }
}
