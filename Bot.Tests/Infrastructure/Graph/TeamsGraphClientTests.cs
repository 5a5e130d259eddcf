using CrisisBot.Infrastructure.Graph;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Infrastructure.Graph;

/// <summary>The Graph client against the local recorded contract (<see cref="FakeGraphServer"/>).</summary>
public sealed class TeamsGraphClientTests : IAsyncLifetime
{
    private FakeGraphServer _graph = null!;

    public async Task InitializeAsync() => _graph = await FakeGraphServer.StartAsync();

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    internal static Dictionary<string, string?> Settings(FakeGraphServer graph, string secret = FakeGraphServer.ClientSecret) => new()
    {
        ["Graph:TenantId"] = FakeGraphServer.TenantId,
        ["Graph:ClientId"] = FakeGraphServer.ClientId,
        ["Graph:ClientSecret"] = secret,
        ["Graph:TeamId"] = FakeGraphServer.TeamAadGroupId,
        ["Graph:BaseUrl"] = graph.GraphBaseUrl,
        ["Graph:AuthorityHost"] = FakeGraphServer.AuthorityHost,
        ["Graph:MaxRetries"] = "1",
    };

    private ServiceProvider Services(string secret = FakeGraphServer.ClientSecret)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(Settings(_graph, secret)).Build();
        var services = new ServiceCollection().AddLogging().AddTeamsGraph(configuration);
        services.AddHttpClient(TeamsGraphClient.AuthHttpClientName).ConfigurePrimaryHttpMessageHandler(_graph.AuthRedirectHandler);
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task CreateChannelAsync_Created_ReturnsChannelAfterTokenAndBodyMatchTheContract()
    {
        await using var services = Services();
        var graph = services.GetRequiredService<ITeamsGraph>();

        var result = await graph.CreateChannelAsync(FakeGraphServer.TeamAadGroupId, "Crisis - Airport strike", "War room");

        Assert.True(result.Succeeded, result.Failure?.AdminMessage);
        Assert.Equal("19:crisis1@thread.tacv2", result.Value!.Id);
        Assert.Equal("Crisis - Airport strike", result.Value.DisplayName);
        Assert.Equal(Uri.UriSchemeHttps, result.Value.WebUrl!.Scheme);
        Assert.Empty(_graph.Violations);
        var requests = _graph.Requests.ToArray();
        Assert.Equal($"/{FakeGraphServer.TenantId}/oauth2/v2.0/token", requests[0].Path);
        var create = Assert.Single(requests, r => r.Path.EndsWith("/channels", StringComparison.Ordinal));
        Assert.Equal($"/v1.0/teams/{FakeGraphServer.TeamAadGroupId}/channels", create.Path);
        Assert.Equal("Bearer graph-token-1", create.Authorization);
        Assert.Contains("\"displayName\":\"Crisis - Airport strike\"", create.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateChannelAsync_SecondCall_ReusesTheCachedToken()
    {
        await using var services = Services();
        var graph = services.GetRequiredService<ITeamsGraph>();

        await graph.CreateChannelAsync(FakeGraphServer.TeamAadGroupId, "One", "d");
        var second = await graph.CreateChannelAsync(FakeGraphServer.TeamAadGroupId, "Two", "d");

        Assert.True(second.Succeeded);
        Assert.Single(_graph.Requests, r => r.Path.EndsWith("/token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateChannelAsync_Forbidden_NamesTheMissingPermission()
    {
        await using var services = Services();
        _graph.EnqueueChannelAnswer(403, FakeGraphServer.InsufficientPrivilegesBody);

        var result = await services.GetRequiredService<ITeamsGraph>().CreateChannelAsync(FakeGraphServer.TeamAadGroupId, "Crisis", "d");

        Assert.False(result.Succeeded);
        var failure = result.Failure!;
        Assert.Equal(GraphFailureKind.InsufficientPrivileges, failure.Kind);
        Assert.Equal("Channel.Create", failure.MissingPermission);
        Assert.Equal(403, failure.StatusCode);
        Assert.Contains("Channel.Create", failure.AdminMessage, StringComparison.Ordinal);
        Assert.Contains("admin consent", failure.AdminMessage, StringComparison.Ordinal);
        Assert.Contains("Insufficient privileges", failure.AdminMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreateChannelAsync_ThrottledOnce_RetriesAndSucceeds()
    {
        await using var services = Services();
        _graph.EnqueueChannelAnswer(429, FakeGraphServer.ThrottledBody, retryAfterSeconds: 0);

        var result = await services.GetRequiredService<ITeamsGraph>().CreateChannelAsync(FakeGraphServer.TeamAadGroupId, "Crisis", "d");

        Assert.True(result.Succeeded, result.Failure?.AdminMessage);
        Assert.Equal(2, _graph.Requests.Count(r => r.Path.EndsWith("/channels", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CreateChannelAsync_ThrottledBeyondRetries_ReturnsThrottledWithRetryAfter()
    {
        await using var services = Services();
        _graph.EnqueueChannelAnswer(429, FakeGraphServer.ThrottledBody, retryAfterSeconds: 0);
        _graph.EnqueueChannelAnswer(429, FakeGraphServer.ThrottledBody, retryAfterSeconds: 0);

        var result = await services.GetRequiredService<ITeamsGraph>().CreateChannelAsync(FakeGraphServer.TeamAadGroupId, "Crisis", "d");

        Assert.Equal(GraphFailureKind.Throttled, result.Failure!.Kind);
        Assert.Equal(429, result.Failure.StatusCode);
        Assert.Contains("try again", result.Failure.Message, StringComparison.Ordinal);
        Assert.Equal(2, _graph.Requests.Count(r => r.Path.EndsWith("/channels", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task CreateChannelAsync_NameTaken_ReturnsNameConflict()
    {
        await using var services = Services();
        _graph.EnqueueChannelAnswer(400, """{"error":{"code":"NameAlreadyExists","message":"Channel name already existed, please use other name."}}""");

        var result = await services.GetRequiredService<ITeamsGraph>().CreateChannelAsync(FakeGraphServer.TeamAadGroupId, "Crisis", "d");

        Assert.Equal(GraphFailureKind.NameConflict, result.Failure!.Kind);
    }

    [Fact]
    public async Task CreateChannelAsync_WrongSecret_ReturnsAuthenticationFailedWithoutCallingGraph()
    {
        await using var services = Services(secret: "wrong");

        var result = await services.GetRequiredService<ITeamsGraph>().CreateChannelAsync(FakeGraphServer.TeamAadGroupId, "Crisis", "d");

        Assert.Equal(GraphFailureKind.AuthenticationFailed, result.Failure!.Kind);
        Assert.Contains("Graph:ClientId", result.Failure.AdminMessage, StringComparison.Ordinal);
        Assert.DoesNotContain(_graph.Requests, r => r.Path.EndsWith("/channels", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AddTeamsGraph_NoConfiguration_RegistersTheDegradingImplementation()
    {
        var configuration = new ConfigurationBuilder().Build();
        await using var services = new ServiceCollection().AddLogging().AddTeamsGraph(configuration).BuildServiceProvider();

        var graph = services.GetRequiredService<ITeamsGraph>();
        var result = await graph.CreateChannelAsync("team", "Crisis", "d");

        Assert.IsType<NotConfiguredTeamsGraph>(graph);
        Assert.False(graph.IsConfigured);
        Assert.Equal(GraphFailureKind.NotConfigured, result.Failure!.Kind);
        Assert.Contains("crisis channel creation needs Microsoft Graph", result.Failure.Message, StringComparison.Ordinal);
        Assert.Contains("Graph:TenantId", result.Failure.AdminMessage, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://graph.microsoft.com/v1.0", true)]
    [InlineData("http://127.0.0.1:5000/v1.0", true)]
    [InlineData("http://localhost:5000/v1.0", true)]
    [InlineData("http://[::1]:5000/v1.0", true)]
    [InlineData("http://graph.example.com/v1.0", false)]
    [InlineData("http://10.0.0.5/v1.0", false)]
    [InlineData("ftp://graph.microsoft.com", false)]
    [InlineData("not a url", false)]
    public void IsAllowedBaseUrl_SchemeAndHost_OnlyHttpsOrLoopbackHttp(string url, bool allowed) =>
        Assert.Equal(allowed, GraphOptionsValidator.IsAllowedBaseUrl(url));

    [Fact]
    public void Validate_PartialCredentials_NamesEveryMissingKey()
    {
        var result = new GraphOptionsValidator().Validate(null, new GraphOptions { ClientId = "x", BaseUrl = "http://graph.example.com" });

        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.Contains("Graph:TenantId", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Graph:ClientSecret or Graph:CertificatePath", StringComparison.Ordinal));
        Assert.Contains(result.Failures!, f => f.Contains("Graph:BaseUrl", StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_NothingConfigured_Succeeds()
    {
        Assert.True(new GraphOptionsValidator().Validate(null, new GraphOptions()).Succeeded);
        Assert.False(new GraphOptions().IsConfigured);
    }

    [Fact]
    public async Task AddTeamsGraph_InvalidBaseUrl_FailsOnStartValidation()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Graph:BaseUrl"] = "http://graph.example.com" }).Build();
        await using var services = new ServiceCollection().AddLogging().AddTeamsGraph(configuration).BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<GraphOptions>>().Value);
        Assert.Contains("Graph:BaseUrl", error.Message, StringComparison.Ordinal);
    }
}
