using System.Net;
using System.Text.Json;
using CrisisBot.Infrastructure.Delivery;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Polly.Timeout;

namespace CrisisBot.Tests.Infrastructure.FakeConnector;

/// <summary>
/// The production Connector client (AddBotConnector: typed HttpClient, retry pipeline, token handler in local mode) against
/// the fake Connector through real loopback HTTP.
/// </summary>
public sealed class ConnectorClientAgainstFakeTests : IAsyncLifetime
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string Team = "19:team@thread.tacv2";
    private const string Channel = "19:ops@thread.tacv2";
    private FakeConnectorServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeConnectorServer.StartAsync();

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    private static ServiceProvider Client(out IConnectorClient client, Action<Dictionary<string, string?>>? settings = null)
    {
        var values = new Dictionary<string, string?>
        {
            ["Bot:LocalMode"] = "true",
            ["Connector:MaxRetries"] = "3",
            ["Connector:BaseDelay"] = "00:00:00.050",
            ["Connector:MaxDelay"] = "00:00:00.200",
            ["Connector:AttemptTimeout"] = "00:00:02",
            ["Connector:MaxRetryAfter"] = "00:00:05",
        };
        settings?.Invoke(values);
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddBotConnector(new ConfigurationBuilder().AddInMemoryCollection(values).Build())
            .BuildServiceProvider(validateScopes: true);
        client = services.GetRequiredService<IConnectorClient>();
        return services;
    }

    private static OutgoingActivity Marked(string marker, string text) =>
        OutgoingActivity.Message(text) with
        {
            ChannelData = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [DeliveryMarker.ChannelDataProperty] = marker }),
        };

    [Fact]
    public async Task ConnectorClient_AllOperations_WorkAgainstFake()
    {
        _fake.AddTeam(Team, "Crisis team", "aad-group", Tenant, (Channel, "Ops"));
        _fake.SetMembers(Team, [.. Enumerable.Range(0, 70).Select(i => new FakeMember($"29:u{i}", $"User {i}", $"aad-{i}"))]);
        using var services = Client(out var client);
        var serviceUrl = _fake.ServiceUrl;

        var card = OutgoingActivity.WithCard(JsonSerializer.SerializeToElement(new { type = "AdaptiveCard", version = "1.5" }), "alert")
            with { ChannelData = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [DeliveryMarker.ChannelDataProperty] = "row-1" }) };
        var post = await client.CreateConversationAsync(serviceUrl, ConversationParameters.ChannelPost(Channel, Tenant, card));
        var reply = await client.SendAsync(serviceUrl, post.Id!, Marked("row-2", "thread reply"));
        var replyTo = await client.ReplyAsync(serviceUrl, post.Id!, post.ActivityId!, Marked("row-3", "direct reply"));
        var updated = await client.UpdateAsync(serviceUrl, post.Id!, post.ActivityId!, Marked("row-1", "new state"));
        await client.DeleteAsync(serviceUrl, post.Id!, reply.Id!);
        var page1 = await client.GetPagedMembersAsync(serviceUrl, Channel, pageSize: 50);
        var page2 = await client.GetPagedMembersAsync(serviceUrl, Channel, pageSize: 50, continuationToken: page1.ContinuationToken);
        var member = await client.GetMemberAsync(serviceUrl, Channel, "29:u3");
        var team = await client.GetTeamDetailsAsync(serviceUrl, Team);
        var channels = await client.GetTeamChannelsAsync(serviceUrl, Team);

        Assert.Equal($"{Channel};messageid={post.ActivityId}", post.Id);
        Assert.Equal(post.ActivityId, updated.Id);
        Assert.NotEqual(reply.Id, replyTo.Id);
        Assert.Equal(1, _fake.UpdatesFor(post.ActivityId!));
        Assert.Equal("new state", _fake.FindMessage(post.ActivityId!)!.Activity.GetProperty("text").GetString());
        Assert.True(_fake.FindMessage(reply.Id!)!.Deleted);
        Assert.Equal(post.Id, _fake.FindMessage(replyTo.Id!)!.ThreadId);
        Assert.Equal(3, _fake.PostsPerConversation()[Channel]);
        Assert.Equal(50, page1.Members.Count);
        Assert.Equal(20, page2.Members.Count);
        Assert.Null(page2.ContinuationToken);
        Assert.Equal("aad-3", member.AadObjectId);
        Assert.Equal("aad-group", team.AadGroupId);
        Assert.Equal([Team, Channel], channels.Select(c => c.Id));
        Assert.Empty(_fake.Duplicates());
        Assert.Empty(_fake.Violations);

        var requests = _fake.Requests;
        Assert.All(requests, r => Assert.Null(r.Authorization)); // local mode never carries a token
        Assert.All(requests, r => Assert.Equal(200, r.Status / 100 * 100));
        Assert.Equal(
            [FakeOperations.CreateConversation, FakeOperations.SendToConversation, FakeOperations.ReplyToActivity, FakeOperations.UpdateActivity,
             FakeOperations.DeleteActivity, FakeOperations.GetPagedMembers, FakeOperations.GetPagedMembers, FakeOperations.GetMember,
             FakeOperations.GetTeamDetails, FakeOperations.GetTeamChannels],
            requests.Select(r => r.Operation));
        Assert.Contains("\"contentType\":\"application/vnd.microsoft.card.adaptive\"", requests[0].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectorClient_429WithRetryAfter_WaitsThatLongThenSucceeds()
    {
        using var services = Client(out var client);
        _fake.InjectFault(FaultKind.TooManyRequests, retryAfter: TimeSpan.FromSeconds(1));

        var result = await client.SendAsync(_fake.ServiceUrl, Channel, Marked("r", "x"));

        Assert.NotNull(result.Id);
        var requests = _fake.Requests;
        Assert.Equal([429, 201], requests.Select(r => r.Status));
        Assert.True(requests[1].At - requests[0].At >= TimeSpan.FromMilliseconds(950), (requests[1].At - requests[0].At).ToString());
        Assert.Single(_fake.Messages);
    }

    [Fact]
    public async Task ConnectorClient_429WithoutRetryAfterAnd502_RetriedWithBackoff()
    {
        using var services = Client(out var client);
        _fake.InjectFault(FaultKind.TooManyRequests);
        _fake.InjectFault(FaultKind.BadGateway);

        var result = await client.SendAsync(_fake.ServiceUrl, Channel, Marked("r", "x"));

        Assert.NotNull(result.Id);
        Assert.Equal([429, 502, 201], _fake.Requests.Select(r => r.Status));
        Assert.Single(_fake.Messages);
    }

    [Fact]
    public async Task ConnectorClient_500_IsNotRetriedAndSurfaces()
    {
        using var services = Client(out var client);
        _fake.InjectFault(FaultKind.InternalServerError);

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => client.SendAsync(_fake.ServiceUrl, Channel, Marked("r", "x")));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("InternalServerError", ex.ErrorCode);
        Assert.Single(_fake.Requests);
        Assert.Empty(_fake.Messages);
    }

    [Fact]
    public async Task ConnectorClient_Timeout_AttemptAbandonedAndRetried()
    {
        using var services = Client(out var client);
        _fake.InjectFault(FaultKind.Timeout);

        var result = await client.SendAsync(_fake.ServiceUrl, Channel, Marked("r", "x"));

        Assert.NotNull(result.Id);
        var requests = _fake.Requests;
        Assert.Equal(2, requests.Count);
        Assert.Equal(FaultKind.Timeout, requests[0].Fault);
        Assert.Single(_fake.Messages);
    }

    [Fact]
    public async Task ConnectorClient_TimeoutEveryAttempt_FailsAfterRetries()
    {
        using var services = Client(out var client, s => s["Connector:MaxRetries"] = "1");
        _fake.InjectFault(FaultKind.Timeout, count: -1);

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => client.SendAsync(_fake.ServiceUrl, Channel, Marked("r", "x")));

        Assert.Equal(2, _fake.Requests.Count);
        Assert.Empty(_fake.Messages);
    }

    [Fact]
    public async Task ConnectorClient_502AfterApply_RetryCreatesRecordedDuplicate()
    {
        using var services = Client(out var client);
        _fake.InjectFault(FaultKind.BadGateway, afterApply: true);

        await client.CreateConversationAsync(_fake.ServiceUrl, ConversationParameters.ChannelPost(Channel, Tenant, Marked("row-9", "alert")));

        // The documented risk of retrying POSTs (ConnectorRetryPolicy): the first attempt did post.
        Assert.Equal(new Dictionary<string, int> { ["row-9"] = 2 }, _fake.Duplicates());
    }

    [Fact]
    public async Task ConnectorClient_BurstToOneThread_FakeAnswers429AfterSeven()
    {
        await using var frozen = await FakeConnectorServer.StartAsync(new FakeConnectorOptions { Time = new FakeTimeProvider() });
        using var services = Client(out var client, s => s["Connector:MaxRetries"] = "0");

        var failures = new List<ConnectorException>();
        for (var i = 0; i < 20; i++)
        {
            try
            {
                await client.SendAsync(frozen.ServiceUrl, $"{Channel};messageid=1", Marked($"m{i}", "burst"));
            }
            catch (ConnectorException ex)
            {
                failures.Add(ex);
            }
        }

        Assert.Equal(13, failures.Count);
        Assert.All(failures, f => Assert.Equal(HttpStatusCode.TooManyRequests, f.StatusCode));
        Assert.Equal(7, frozen.Messages.Count);
        Assert.Equal(13, frozen.Violations.Count(v => v.Limit == 7));
    }
}
