using System.Net;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Hosting;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.TestData;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Protocol.Hosting;

public class LocalModeStartupTests
{
    [Fact]
    public void Startup_LocalModeOnNonLoopbackUrl_FailsWithClearError()
    {
        using var factory = CrisisBotFactory.LocalMode().WithSetting("urls", "http://0.0.0.0:3978");

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Bot:LocalMode=true", ex.ToString(), StringComparison.Ordinal);
        Assert.Contains("http://0.0.0.0:3978", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Startup_LocalModeOn127001_AcceptsUnauthenticatedPlaygroundTraffic()
    {
        const string playground = "http://localhost:56150/_connector";
        using var factory = CrisisBotFactory.LocalMode().WithSetting("urls", "http://127.0.0.1:3978")
            .WithRoutes(r => r.OnCommand("hello", (turn, command, ct) => turn.ReplyAsync(OutgoingActivity.Message("hi"), ct)));

        using var response = await factory.PostActivityAsync(ActivityBuilder.Personal("hello").WithServiceUrl(playground).Build());
        await factory.WaitForQueuedTurnsAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var sent = Assert.Single(factory.Connector.Sent);
        Assert.Equal(playground, sent.ServiceUrl);
    }

    [Fact]
    public async Task Post_LocalModeWithNonAllowListedServiceUrl_Is403()
    {
        using var factory = CrisisBotFactory.LocalMode();

        using var response = await factory.PostActivityAsync(ActivityBuilder.Personal("hello").WithServiceUrl("https://evil.example.com/").Build());

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }

    [Fact]
    public void Startup_NoAppIdOutsideLocalMode_FailsNamingTheKey()
    {
        using var factory = CrisisBotFactory.LocalMode().WithSetting("Bot:LocalMode", "false");

        var ex = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("MicrosoftAppId is required", ex.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Startup_DuplicateRoutes_FailsNamingTheKey()
    {
        using var factory = CrisisBotFactory.LocalMode()
            .WithRoutes(r => r.OnCommand("help", (turn, command, ct) => Task.CompletedTask))
            .WithRoutes(r => r.OnCommand("help", (turn, command, ct) => Task.CompletedTask));

        var ex = Assert.ThrowsAny<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains("command 'help'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_EnvironmentStyleKeys_AreBound()
    {
        using var issuer = new TestTokenIssuer();
        using var factory = CrisisBotFactory.Authenticated(issuer)
            .WithSetting("Bot:AllowedTenants:0", "11111111-2222-4333-8444-555555555555")
            .WithSetting("Bot:AllowedServiceUrlHosts:0", "smba.example.test");

        var options = factory.Services.GetRequiredService<IOptions<BotOptions>>().Value;

        Assert.Equal(TestTokenIssuer.AppId, options.MicrosoftAppId);
        Assert.Equal(["11111111-2222-4333-8444-555555555555"], options.AllowedTenants);
        Assert.Equal(["smba.example.test"], options.AllowedServiceUrlHosts);
        Assert.False(options.LocalMode);
    }

    [Fact]
    public void Options_Defaults_AllowOwnTenantAndTeamsHosts()
    {
        using var issuer = new TestTokenIssuer();
        using var factory = CrisisBotFactory.Authenticated(issuer);

        var options = factory.Services.GetRequiredService<IOptions<BotOptions>>().Value;

        Assert.Equal([TestTokenIssuer.TenantId], options.AllowedTenants);
        Assert.Equal(CrisisBot.Protocol.Connector.ServiceUrlPolicy.DefaultHosts, options.AllowedServiceUrlHosts);
    }

    [Fact]
    public async Task LocalModeGuard_ServerListeningOnAllInterfaces_FailsStartup()
    {
        var guard = Guard(localMode: true, out _, "http://127.0.0.1:4000", "http://0.0.0.0:3979");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => guard.StartedAsync(CancellationToken.None));

        Assert.Contains("http://0.0.0.0:3979", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1:4000", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalModeGuard_LoopbackServer_LogsLoudWarning()
    {
        var guard = Guard(localMode: true, out var logger, "http://127.0.0.1:3978");

        await guard.StartedAsync(CancellationToken.None);

        var entry = Assert.Single(logger.Entries);
        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Contains("LOCAL MODE IS ON", entry.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LocalModeGuard_LocalModeOff_IgnoresAddresses()
    {
        var guard = Guard(localMode: false, out var logger, "http://0.0.0.0:3978");

        await guard.StartedAsync(CancellationToken.None);

        Assert.Empty(logger.Entries);
    }

    private static LocalModeGuard Guard(bool localMode, out ListLogger<LocalModeGuard> logger, params string[] addresses)
    {
        logger = new ListLogger<LocalModeGuard>();
        return new LocalModeGuard(Options.Create(new BotOptions { LocalMode = localMode }), new FakeServer(addresses), logger);
    }

    private sealed class FakeServer : IServer
    {
        public FakeServer(IEnumerable<string> addresses)
        {
            var feature = new ServerAddressesFeature();
            foreach (var address in addresses)
            {
                feature.Addresses.Add(address);
            }

            Features.Set<IServerAddressesFeature>(feature);
        }

        public IFeatureCollection Features { get; } = new FeatureCollection();

        public void Dispose()
        {
        }

        public Task StartAsync<TContext>(IHttpApplication<TContext> application, CancellationToken cancellationToken)
            where TContext : notnull => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    private sealed class ServerAddressesFeature : IServerAddressesFeature
    {
        public ICollection<string> Addresses { get; } = [];

        public bool PreferHostingUrls { get; set; }
    }
}
