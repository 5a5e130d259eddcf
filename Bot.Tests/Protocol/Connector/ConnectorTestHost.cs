using CrisisBot.Protocol.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

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

    private ConnectorTestHost(ServiceProvider services, FakeConnectorHandler handler, FakeTokenProvider? tokens, TimeProvider time, CapturingLoggerProvider logs)
    {
        Logs = logs;
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

    public CapturingLoggerProvider Logs { get; }

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
        var logs = new CapturingLoggerProvider();
        services.AddLogging(b => b.SetMinimumLevel(LogLevel.Debug).AddProvider(logs));
        services.AddSingleton(clock);
        services.AddBotConnector(configuration);
        if (tokens is not null)
        {
            services.AddSingleton<IBotTokenProvider>(tokens);
        }

        // Swap only the network: everything above it (retries, token handler) is the production pipeline.
        services.AddHttpClient(ConnectorClient.HttpClientName).ConfigurePrimaryHttpMessageHandler(() => handler);
        return new ConnectorTestHost(services.BuildServiceProvider(validateScopes: true), handler, tokens, clock, logs);
    }

    public void Dispose() => Services.Dispose();
}
