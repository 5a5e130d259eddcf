using CrisisBot.Infrastructure.Graph;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisBot.Tests.Infrastructure.Graph;

/// <summary><see cref="ITeamsGraph.SendMailAsync"/> against the local recorded contract.</summary>
public sealed class SendMailContractTests : IAsyncLifetime
{
    private FakeGraphServer _graph = null!;

    public async Task InitializeAsync() => _graph = await FakeGraphServer.StartAsync();

    public async Task DisposeAsync() => await _graph.DisposeAsync();

    private ServiceProvider Services()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(TeamsGraphClientTests.Settings(_graph)).Build();
        var services = new ServiceCollection().AddLogging().AddTeamsGraph(configuration);
        services.AddHttpClient(TeamsGraphClient.AuthHttpClientName).ConfigurePrimaryHttpMessageHandler(_graph.AuthRedirectHandler);
        return services.BuildServiceProvider();
    }

    private static GraphMail Mail => new("Subject", "<p>Hi <img src=\"cid:c1\"></p>", ["a@contoso.example"], [new GraphInlineAttachment("c.png", "image/png", "c1", [1, 2, 3])]);

    [Fact]
    public async Task SendMailAsync_Accepted_PostsToTheSendersMailbox()
    {
        await using var services = Services();

        var result = await services.GetRequiredService<ITeamsGraph>().SendMailAsync(FakeGraphServer.MailSender, Mail);

        Assert.True(result.Succeeded, result.Failure?.AdminMessage);
        Assert.Equal(1, result.Value!.Recipients);
        Assert.True(_graph.Violations.IsEmpty, string.Join("; ", _graph.Violations));
        var send = Assert.Single(_graph.Requests, r => r.Path.EndsWith("/sendMail", StringComparison.Ordinal));
        Assert.Equal($"/v1.0/users/{FakeGraphServer.MailSender}/sendMail", send.Path);
        Assert.Contains("\"contentBytes\":\"AQID\"", send.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendMailAsync_Forbidden_NamesMailSendForTheAdmin()
    {
        _graph.EnqueueMailAnswer(403, FakeGraphServer.InsufficientPrivilegesBody);
        await using var services = Services();

        var result = await services.GetRequiredService<ITeamsGraph>().SendMailAsync(FakeGraphServer.MailSender, Mail);

        Assert.False(result.Succeeded);
        Assert.Equal(GraphFailureKind.InsufficientPrivileges, result.Failure!.Kind);
        Assert.Equal("Mail.Send", result.Failure.MissingPermission);
        Assert.Contains("application permission Mail.Send", result.Failure.AdminMessage, StringComparison.Ordinal);
        Assert.Contains("Insufficient privileges", result.Failure.AdminMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendMailAsync_NotConfigured_FailsWithoutACall()
    {
        var result = await new NotConfiguredTeamsGraph().SendMailAsync(FakeGraphServer.MailSender, Mail);

        Assert.Equal(GraphFailureKind.NotConfigured, result.Failure!.Kind);
        Assert.Contains("Mail.Send", result.Failure.AdminMessage, StringComparison.Ordinal);
        Assert.Empty(_graph.Requests);
    }
}
