using System.Net;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using Polly.Timeout;

namespace CrisisBot.Tests.Protocol.Connector;

public class ConnectorRetryTests
{
    private const string Base = ConnectorTestHost.ServiceUrl;

    [Fact]
    public async Task SendAsync_429WithRetryAfterSeconds_WaitsExactlyThatLongThenSucceeds()
    {
        using var host = ConnectorTestHost.Create();
        var time = (AutoAdvanceTimeProvider)host.Time;
        host.Handler
            .Then(HttpStatusCode.TooManyRequests, "", r => r.Headers.RetryAfter = new(TimeSpan.FromSeconds(7)))
            .Then(HttpStatusCode.Created, """{"id":"99"}""");

        var result = await host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("alert"));

        Assert.Equal("99", result.Id);
        var requests = host.Handler.List;
        Assert.Equal(2, requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(7), requests[1].At - requests[0].At);
        Assert.Equal([TimeSpan.FromSeconds(7)], time.Delays);
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task SendAsync_429WithRetryAfterHttpDate_WaitsUntilThatDate()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler
            .Then(r =>
            {
                var response = FakeConnectorHandler.Json(HttpStatusCode.TooManyRequests, "");
                response.Headers.RetryAfter = new(host.Time.GetUtcNow().AddSeconds(13));
                return response;
            })
            .Then(HttpStatusCode.Created, """{"id":"100"}""");

        var result = await host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("alert"));

        Assert.Equal("100", result.Id);
        var requests = host.Handler.List;
        Assert.Equal(TimeSpan.FromSeconds(13), requests[1].At - requests[0].At);
    }

    [Fact]
    public async Task SendAsync_429WithoutRetryAfter_BacksOffWithinBaseDelayRangeThenSucceeds()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler
            .Then(HttpStatusCode.TooManyRequests, """{"error":{"code":"Throttled","message":"slow down"}}""")
            .Then(HttpStatusCode.Created, """{"id":"5"}""");

        var result = await host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("alert"));

        Assert.Equal("5", result.Id);
        var requests = host.Handler.List;
        Assert.Equal(2, requests.Count);
        var waited = requests[1].At - requests[0].At;
        // First retry: 2 s base ±20% jitter, never below the base delay.
        Assert.InRange(waited, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));
    }

    [Fact]
    public async Task SendAsync_Always429_StopsAfterMaxRetriesWithGrowingDelays()
    {
        using var host = ConnectorTestHost.Create(s => s["Connector:MaxRetries"] = "3");
        host.Handler.Default = _ => FakeConnectorHandler.Json(HttpStatusCode.TooManyRequests, """{"error":{"code":"Throttled","message":"x"}}""");

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("alert")));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Equal("Throttled", ex.ErrorCode);
        var requests = host.Handler.List;
        Assert.Equal(4, requests.Count);
        var gaps = requests.Zip(requests.Skip(1), (a, b) => b.At - a.At).ToList();
        Assert.InRange(gaps[0], TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2.4));
        Assert.InRange(gaps[1], TimeSpan.FromSeconds(3.2), TimeSpan.FromSeconds(4.8));
        Assert.InRange(gaps[2], TimeSpan.FromSeconds(6.4), TimeSpan.FromSeconds(9.6));
    }

    [Fact]
    public async Task SendAsync_LongBackoff_CappedAtMaxDelay()
    {
        using var host = ConnectorTestHost.Create(s =>
        {
            s["Connector:MaxRetries"] = "6";
            s["Connector:MaxDelay"] = "00:00:05";
        });
        host.Handler.Default = _ => FakeConnectorHandler.Json(HttpStatusCode.BadGateway, "");

        await Assert.ThrowsAsync<ConnectorException>(() => host.Client.GetTeamDetailsAsync(Base, "19:t@thread.tacv2"));

        var requests = host.Handler.List;
        Assert.Equal(7, requests.Count);
        Assert.All(requests.Zip(requests.Skip(1), (a, b) => b.At - a.At), gap => Assert.InRange(gap, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(5)));
        Assert.Equal(TimeSpan.FromSeconds(5), requests[^1].At - requests[^2].At);
    }

    [Fact]
    public async Task SendAsync_500_NotRetriedAndSurfacesStatusAndBody()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.InternalServerError, """{"error":{"code":"ServiceError","message":"boom"}}""");

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("alert")));

        Assert.Equal(HttpStatusCode.InternalServerError, ex.StatusCode);
        Assert.Equal("ServiceError", ex.ErrorCode);
        Assert.Equal("""{"error":{"code":"ServiceError","message":"boom"}}""", ex.Body);
        Assert.Equal("SendToConversation", ex.Operation);
        Assert.Single(host.Handler.List);
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    [InlineData(HttpStatusCode.RequestEntityTooLarge)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    public async Task SendAsync_NonRetryableStatus_OneAttempt(HttpStatusCode status)
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Default = _ => FakeConnectorHandler.Json(status, "plain text body");

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("x")));

        Assert.Equal(status, ex.StatusCode);
        Assert.Null(ex.ErrorCode);
        Assert.Equal("plain text body", ex.Body);
        Assert.Single(host.Handler.List);
    }

    [Theory]
    [InlineData(HttpStatusCode.PreconditionFailed)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task UpdateAsync_TransientStatus_RetriedThenSucceeds(HttpStatusCode status)
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(status).Then(HttpStatusCode.OK, """{"id":"42"}""");

        var result = await host.Client.UpdateAsync(Base, "19:c@thread.tacv2", "42", OutgoingActivity.Message("x"));

        Assert.Equal("42", result.Id);
        Assert.Equal(2, host.Handler.List.Count);
    }

    [Fact]
    public async Task CreateConversationAsync_NetworkError_RetriedThenSucceeds()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler
            .Then(_ => throw new HttpRequestException("connection reset"))
            .Then(HttpStatusCode.Created, """{"id":"19:c@thread.tacv2;messageid=3","activityId":"3"}""");

        var result = await host.Client.CreateConversationAsync(Base,
            ConversationParameters.ChannelPost("19:c@thread.tacv2", ConnectorTestHost.TenantId, OutgoingActivity.Message("x")));

        Assert.Equal("3", result.ActivityId);
        var requests = host.Handler.List;
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Body, requests[1].Body);
    }

    [Fact]
    public async Task SendAsync_RetryAfterLongerThanMaxRetryAfter_NotRetried()
    {
        using var host = ConnectorTestHost.Create(s => s["Connector:MaxRetryAfter"] = "00:00:30");
        host.Handler.Then(HttpStatusCode.TooManyRequests, "", r => r.Headers.RetryAfter = new(TimeSpan.FromSeconds(120)));

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("x")));

        Assert.Equal(HttpStatusCode.TooManyRequests, ex.StatusCode);
        Assert.Single(host.Handler.List);
    }

    [Fact]
    public async Task SendAsync_MaxRetriesZero_SingleAttempt()
    {
        using var host = ConnectorTestHost.Create(s => s["Connector:MaxRetries"] = "0");
        host.Handler.Default = _ => FakeConnectorHandler.Json(HttpStatusCode.TooManyRequests, "");

        await Assert.ThrowsAsync<ConnectorException>(() => host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("x")));

        Assert.Single(host.Handler.List);
    }

    [Fact]
    public async Task SendAsync_AttemptHangsPastAttemptTimeout_RetriedThenSucceeds()
    {
        // Real clock with tiny settings: the first attempt hangs until the 200 ms attempt timeout cancels it.
        using var host = ConnectorTestHost.Create(
            s =>
            {
                s["Connector:AttemptTimeout"] = "00:00:00.200";
                s["Connector:BaseDelay"] = "00:00:00.001";
                s["Connector:MaxDelay"] = "00:00:00.005";
            },
            TimeProvider.System);
        host.Handler
            .ThenAsync(async (_, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                throw new InvalidOperationException("unreachable");
            })
            .Then(HttpStatusCode.Created, """{"id":"8"}""");

        var result = await host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("x"));

        Assert.Equal("8", result.Id);
        Assert.Equal(2, host.Handler.List.Count);
    }

    [Fact]
    public async Task SendAsync_EveryAttemptTimesOut_ThrowsTimeoutRejected()
    {
        using var host = ConnectorTestHost.Create(
            s =>
            {
                s["Connector:AttemptTimeout"] = "00:00:00.050";
                s["Connector:MaxRetries"] = "1";
                s["Connector:BaseDelay"] = "00:00:00.001";
                s["Connector:MaxDelay"] = "00:00:00.002";
            },
            TimeProvider.System);
        host.Handler.Default = _ => throw new InvalidOperationException("not used");
        for (var i = 0; i < 2; i++)
        {
            host.Handler.ThenAsync(async (_, ct) =>
            {
                await Task.Delay(Timeout.InfiniteTimeSpan, ct);
                throw new InvalidOperationException("unreachable");
            });
        }

        await Assert.ThrowsAsync<TimeoutRejectedException>(() => host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("x")));

        Assert.Equal(2, host.Handler.List.Count);
    }

    [Fact]
    public async Task SendAsync_CallerCancelsDuringBackoff_StopsWithoutFurtherAttempts()
    {
        var time = new AutoAdvanceTimeProvider { FireBelow = TimeSpan.Zero }; // nothing fires by itself
        using var host = ConnectorTestHost.Create(time: time);
        host.Handler.Default = _ => FakeConnectorHandler.Json(HttpStatusCode.TooManyRequests, "");
        using var cts = new CancellationTokenSource();

        var send = host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("x"), cts.Token);
        while (host.Handler.List.Count == 0)
        {
            await Task.Delay(5);
        }

        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => send);
        Assert.Single(host.Handler.List);
    }

    [Fact]
    public async Task SendAsync_FailureAndRetry_LoggedWithMsCvAndWithoutToken()
    {
        using var host = ConnectorTestHost.Create(s => s["Connector:MaxRetries"] = "1");
        host.Handler.Default = _ =>
        {
            var response = FakeConnectorHandler.Json(HttpStatusCode.BadGateway, """{"error":{"code":"BadGateway","message":"x"}}""");
            response.Headers.Add("MS-CV", "cv-123.4");
            return response;
        };

        await Assert.ThrowsAsync<ConnectorException>(() => host.Client.SendAsync(Base, "19:c@thread.tacv2", OutgoingActivity.Message("x")));

        var entries = host.Logs.Entries.ToList();
        var failure = Assert.Single(entries, e => e.EventId.Id == 150);
        Assert.Contains("cv-123.4", failure.Message, StringComparison.Ordinal);
        Assert.Contains("SendToConversation", failure.Message, StringComparison.Ordinal);
        Assert.Contains("BadGateway", failure.Message, StringComparison.Ordinal);
        var retry = Assert.Single(entries, e => e.EventId.Id == 151);
        Assert.Contains("cv-123.4", retry.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(entries, e => e.Message.Contains("fake-token", StringComparison.Ordinal));
    }
}
