using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.FakeConnector;

/// <summary>The fake Connector over raw HTTP on loopback. A frozen fake clock makes the limit tests exact.</summary>
public sealed class FakeConnectorServerTests : IAsyncLifetime, IDisposable
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";
    private const string Channel = "19:general@thread.tacv2";
    private readonly FakeTimeProvider _time = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };
    private FakeConnectorServer _fake = null!;

    public async Task InitializeAsync() => _fake = await FakeConnectorServer.StartAsync(new FakeConnectorOptions { Time = _time });

    public async Task DisposeAsync() => await _fake.DisposeAsync();

    public void Dispose() => _http.Dispose();

    private static string Esc(string id) => Uri.EscapeDataString(id);

    private static string PostBody(string channel, string? marker = null, string text = "hello") => JsonSerializer.Serialize(new
    {
        isGroup = true,
        tenantId = Tenant,
        channelData = new { channel = new { id = channel } },
        activity = Activity(marker, text),
    });

    private static object Activity(string? marker, string text = "hello") => marker is null
        ? new { type = "message", text }
        : new { type = "message", text, channelData = new { crisisBotKey = marker } };

    private async Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendAsync(HttpMethod method, string path, string? body = null)
    {
        using var request = new HttpRequestMessage(method, new Uri(_fake.BaseUri, path));
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await _http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        var json = string.IsNullOrEmpty(text) ? default : JsonDocument.Parse(text).RootElement.Clone();
        return (response.StatusCode, json, response);
    }

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> PostToChannelAsync(string channel = Channel, string? marker = null) =>
        SendAsync(HttpMethod.Post, "v3/conversations", PostBody(channel, marker));

    private Task<(HttpStatusCode Status, JsonElement Body, HttpResponseMessage Response)> SendToAsync(string conversationId, string? marker = null) =>
        SendAsync(HttpMethod.Post, $"v3/conversations/{Esc(conversationId)}/activities", JsonSerializer.Serialize(Activity(marker)));

    [Fact]
    public async Task StartAsync_Listens_OnLoopbackFreePort()
    {
        Assert.Equal("127.0.0.1", _fake.BaseUri.Host);
        Assert.NotEqual(0, _fake.BaseUri.Port);
        Assert.EndsWith("/", _fake.ServiceUrl, StringComparison.Ordinal);
        await using var second = await FakeConnectorServer.StartAsync();
        Assert.NotEqual(_fake.BaseUri.Port, second.BaseUri.Port);
    }

    [Fact]
    public async Task CreateConversation_ChannelPost_ReturnsTeamsStyleIdsAndRecordsMessage()
    {
        var (status, body, _) = await PostToChannelAsync(marker: "row-1");
        var (_, body2, _) = await PostToChannelAsync(marker: "row-2");

        Assert.Equal(HttpStatusCode.Created, status);
        var activityId = body.GetProperty("activityId").GetString()!;
        Assert.Equal($"{Channel};messageid={activityId}", body.GetProperty("id").GetString());
        Assert.True(long.Parse(body2.GetProperty("activityId").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            > long.Parse(activityId, System.Globalization.CultureInfo.InvariantCulture));
        var message = Assert.Single(_fake.MessagesWithMarker("row-1"));
        Assert.Equal(Channel, message.ChannelId);
        Assert.Equal(Tenant, message.TenantId);
        Assert.Equal("hello", message.Activity.GetProperty("text").GetString());
        Assert.Equal(2, _fake.PostsPerConversation()[Channel]);
        Assert.Empty(_fake.Duplicates());
    }

    [Theory]
    [InlineData("""{"isGroup":true,"tenantId":"t","channelData":{"channel":{"id":"19:x@thread.tacv2"}}}""", "a channel post needs an activity")]
    [InlineData("""{"isGroup":true,"channelData":{"channel":{"id":"19:x@thread.tacv2"}},"activity":{"type":"message"}}""", "tenantId is required")]
    [InlineData("""{"isGroup":true,"tenantId":"t","activity":{"type":"message"}}""", "channelData.channel.id")]
    [InlineData("""{"isGroup":false,"tenantId":"t","members":[]}""", "exactly one member")]
    [InlineData("""{"isGroup":true,"tenantId":"t","channelData":{"channel":{"id":"19:x@thread.tacv2"}},"activity":{"text":"no type"}}""", "no type")]
    [InlineData("""not json""", "not JSON")]
    public async Task CreateConversation_BadParameters_Returns400WithReason(string body, string reason)
    {
        var (status, json, _) = await SendAsync(HttpMethod.Post, "v3/conversations", body);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(reason, json.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
        Assert.Empty(_fake.Messages);
    }

    [Fact]
    public async Task CreateConversation_OneOnOne_IsIdempotentPerUser()
    {
        var body = """{"isGroup":false,"tenantId":"t1","members":[{"id":"29:alice"}]}""";

        var (s1, first, _) = await SendAsync(HttpMethod.Post, "v3/conversations", body);
        var (_, second, _) = await SendAsync(HttpMethod.Post, "v3/conversations", body);
        var (_, other, _) = await SendAsync(HttpMethod.Post, "v3/conversations", body.Replace("alice", "bob", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.Created, s1);
        Assert.StartsWith("a:", first.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal(first.GetProperty("id").GetString(), second.GetProperty("id").GetString());
        Assert.NotEqual(first.GetProperty("id").GetString(), other.GetProperty("id").GetString());
    }

    [Fact]
    public async Task SendToConversation_ThreadAndReply_LandInTheChannel()
    {
        var (_, post, _) = await PostToChannelAsync();
        var thread = post.GetProperty("id").GetString()!;
        var root = post.GetProperty("activityId").GetString()!;

        var (s1, reply, _) = await SendToAsync(thread, "reply-1");
        var (s2, _, _) = await SendAsync(HttpMethod.Post, $"v3/conversations/{Esc(thread)}/activities/{root}", JsonSerializer.Serialize(Activity("reply-2")));
        var (s3, rootPost, _) = await SendToAsync(Channel, "root-2");

        Assert.Equal(HttpStatusCode.Created, s1);
        Assert.Equal(HttpStatusCode.Created, s2);
        Assert.Equal(HttpStatusCode.Created, s3);
        var replyMessage = _fake.FindMessage(reply.GetProperty("id").GetString()!)!;
        Assert.Equal(thread, replyMessage.ThreadId);
        Assert.Equal(thread, Assert.Single(_fake.MessagesWithMarker("reply-2")).ThreadId);
        Assert.Equal($"{Channel};messageid={rootPost.GetProperty("id").GetString()}", Assert.Single(_fake.MessagesWithMarker("root-2")).ThreadId);
        Assert.Equal(4, _fake.PostsPerConversation()[Channel]);
    }

    [Fact]
    public async Task ReplyToActivity_UnknownParent_Returns404()
    {
        var (status, body, _) = await SendAsync(HttpMethod.Post, $"v3/conversations/{Esc(Channel)}/activities/999", JsonSerializer.Serialize(Activity(null)));

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("ActivityNotFoundInConversation", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task UpdateActivity_ReplacesContentAndCountsUpdates()
    {
        var (_, post, _) = await PostToChannelAsync(marker: "card-1");
        var thread = post.GetProperty("id").GetString()!;
        var id = post.GetProperty("activityId").GetString()!;

        for (var i = 1; i <= 3; i++)
        {
            var (status, body, _) = await SendAsync(HttpMethod.Put, $"v3/conversations/{Esc(thread)}/activities/{id}",
                JsonSerializer.Serialize(Activity("card-1", $"state {i}")));
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.Equal(id, body.GetProperty("id").GetString());
        }

        Assert.Equal(3, _fake.UpdatesFor(id));
        Assert.Equal("state 3", _fake.FindMessage(id)!.Activity.GetProperty("text").GetString());
        Assert.Equal(["state 1", "state 2", "state 3"], _fake.Updates.Select(u => u.Activity.GetProperty("text").GetString()));
        Assert.Empty(_fake.Duplicates());
    }

    [Fact]
    public async Task UpdateActivity_UnknownOrOtherChannel_Returns404()
    {
        var (_, post, _) = await PostToChannelAsync();
        var id = post.GetProperty("activityId").GetString()!;

        var (unknown, _, _) = await SendAsync(HttpMethod.Put, $"v3/conversations/{Esc(Channel)}/activities/12345", JsonSerializer.Serialize(Activity(null)));
        var (elsewhere, body, _) = await SendAsync(HttpMethod.Put, $"v3/conversations/{Esc("19:other@thread.tacv2")}/activities/{id}", JsonSerializer.Serialize(Activity(null)));

        Assert.Equal(HttpStatusCode.NotFound, unknown);
        Assert.Equal(HttpStatusCode.NotFound, elsewhere);
        Assert.Equal("ActivityNotFoundInConversation", body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(0, _fake.UpdatesFor(id));
    }

    [Fact]
    public async Task DeleteActivity_ThenUpdate_Returns403()
    {
        var (_, post, _) = await PostToChannelAsync();
        var id = post.GetProperty("activityId").GetString()!;

        var (deleted, _, _) = await SendAsync(HttpMethod.Delete, $"v3/conversations/{Esc(Channel)}/activities/{id}");
        var (update, _, _) = await SendAsync(HttpMethod.Put, $"v3/conversations/{Esc(Channel)}/activities/{id}", JsonSerializer.Serialize(Activity(null)));

        Assert.Equal(HttpStatusCode.OK, deleted);
        Assert.Equal(HttpStatusCode.Forbidden, update);
        Assert.True(_fake.FindMessage(id)!.Deleted);
    }

    [Fact]
    public async Task Members_PagedRoster_WalksAllPagesWithClampedPageSize()
    {
        _fake.AddTeam(Channel, "Crisis team", "aad-group-1", Tenant, ("19:ops@thread.tacv2", "Ops"));
        _fake.SetMembers(Channel, [.. Enumerable.Range(0, 120).Select(i => new FakeMember($"29:user{i}", $"User {i}", $"aad-{i}"))]);

        var ids = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var query = token is null ? "pageSize=10" : $"pageSize=10&continuationToken={Uri.EscapeDataString(token)}";
            var (status, body, _) = await SendAsync(HttpMethod.Get, $"v3/conversations/{Esc("19:ops@thread.tacv2")}/pagedmembers?{query}");
            Assert.Equal(HttpStatusCode.OK, status);
            ids.AddRange(body.GetProperty("members").EnumerateArray().Select(m => m.GetProperty("id").GetString()!));
            token = body.TryGetProperty("continuationToken", out var t) ? t.GetString() : null;
            pages++;
        }
        while (token is not null);

        Assert.Equal(3, pages); // pageSize 10 is raised to 50
        Assert.Equal(120, ids.Distinct().Count());

        var (one, member, _) = await SendAsync(HttpMethod.Get, $"v3/conversations/{Esc(Channel)}/members/{Esc("29:user7")}");
        Assert.Equal(HttpStatusCode.OK, one);
        Assert.Equal("aad-7", member.GetProperty("aadObjectId").GetString());
        var (missing, _, _) = await SendAsync(HttpMethod.Get, $"v3/conversations/{Esc(Channel)}/members/29%3Anobody");
        Assert.Equal(HttpStatusCode.NotFound, missing);
        var (all, list, _) = await SendAsync(HttpMethod.Get, $"v3/conversations/{Esc(Channel)}/members");
        Assert.Equal(HttpStatusCode.OK, all);
        Assert.Equal(120, list.GetArrayLength());
        var (bad, _, _) = await SendAsync(HttpMethod.Get, $"v3/conversations/{Esc(Channel)}/pagedmembers?continuationToken=garbage");
        Assert.Equal(HttpStatusCode.BadRequest, bad);
    }

    [Fact]
    public async Task Teams_DetailsAndChannels_ComeFromSeed()
    {
        _fake.AddTeam(Channel, "Crisis team", "aad-group-1", Tenant, ("19:ops@thread.tacv2", "Ops"), ("19:press@thread.tacv2", "Press"));

        var (s1, team, _) = await SendAsync(HttpMethod.Get, $"v3/teams/{Esc(Channel)}");
        var (s2, channels, _) = await SendAsync(HttpMethod.Get, $"v3/teams/{Esc(Channel)}/conversations");
        var (s3, _, _) = await SendAsync(HttpMethod.Get, $"v3/teams/{Esc("19:unknown@thread.tacv2")}");

        Assert.Equal(HttpStatusCode.OK, s1);
        Assert.Equal("aad-group-1", team.GetProperty("aadGroupId").GetString());
        Assert.Equal(3, team.GetProperty("channelCount").GetInt32());
        Assert.Equal(HttpStatusCode.OK, s2);
        var list = channels.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Equal([Channel, "19:ops@thread.tacv2", "19:press@thread.tacv2"], list.Select(c => c.GetProperty("id").GetString()));
        Assert.False(list[0].TryGetProperty("name", out _)); // General comes back without a name
        Assert.Equal(HttpStatusCode.NotFound, s3);
    }

    [Fact]
    public async Task UnknownRouteOrMethod_Returns404Or405AndIsRecorded()
    {
        var (notFound, _, _) = await SendAsync(HttpMethod.Get, "v3/nothing");
        var (wrongMethod, _, _) = await SendAsync(HttpMethod.Get, "v3/conversations");

        Assert.Equal(HttpStatusCode.NotFound, notFound);
        Assert.Equal(HttpStatusCode.MethodNotAllowed, wrongMethod);
        Assert.Equal([404, 405], _fake.Requests.Select(r => r.Status));
    }

    [Fact]
    public async Task Requests_UnderPathPrefix_AreRoutedAndRecordedWithTime()
    {
        var (status, _, _) = await SendAsync(HttpMethod.Post, $"amer/{Tenant}/v3/conversations/{Esc(Channel)}/activities", JsonSerializer.Serialize(Activity("p")));

        Assert.Equal(HttpStatusCode.Created, status);
        var request = Assert.Single(_fake.Requests);
        Assert.Equal(FakeOperations.SendToConversation, request.Operation);
        Assert.Equal(Channel, request.ConversationId);
        Assert.Equal(_time.GetUtcNow(), request.At);
        Assert.Null(request.Authorization);
        Assert.Contains("\"crisisBotKey\":\"p\"", request.Body, StringComparison.Ordinal);
    }

    // ------------------------------------------------------------------ limits

    [Fact]
    public async Task Limits_BurstOf20ToOneThread_SevenAcceptedRestGet429AndViolations()
    {
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 20; i++)
        {
            statuses.Add((await SendToAsync($"{Channel};messageid=1", $"m{i}")).Status);
        }

        Assert.Equal(7, statuses.Count(s => s == HttpStatusCode.Created));
        Assert.Equal(13, statuses.Count(s => s == HttpStatusCode.TooManyRequests));
        Assert.All(statuses.Take(7), s => Assert.Equal(HttpStatusCode.Created, s));
        Assert.Equal(7, _fake.Messages.Count);
        var violations = _fake.Violations;
        Assert.Equal(13, violations.Count(v => v.Limit == 7));
        Assert.All(violations, v => Assert.Equal("thread", v.Scope));
        Assert.Equal(13, _fake.Requests.Count(r => r.LimitViolated));
    }

    [Fact]
    public async Task Limits_WindowSlides_AcceptsAgainAfterOneSecondButEightPerTwoSecondsHolds()
    {
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await PostToChannelAsync()).Status);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostToChannelAsync()).Status);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await PostToChannelAsync()).Status);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await PostToChannelAsync()).Status);
        Assert.Contains(_fake.Violations, v => v.Limit == 8 && v.Window == TimeSpan.FromSeconds(2));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(HttpStatusCode.Created, (await PostToChannelAsync()).Status);
    }

    [Fact]
    public async Task Limits_TenantGlobal_FiftyPerSecondAcrossChannels()
    {
        var created = 0;
        for (var c = 0; c < 60; c++)
        {
            created += (await PostToChannelAsync($"19:c{c}@thread.tacv2")).Status == HttpStatusCode.Created ? 1 : 0;
        }

        Assert.Equal(50, created);
        Assert.Equal(10, _fake.Violations.Count(v => v.Scope == "tenant" && v.Key == Tenant));
    }

    [Fact]
    public async Task Limits_ThreadsCountedSeparately_UnlessCountPerChannel()
    {
        for (var i = 0; i < 7; i++)
        {
            Assert.Equal(HttpStatusCode.Created, (await SendToAsync($"{Channel};messageid=1")).Status);
            Assert.Equal(HttpStatusCode.Created, (await SendToAsync($"{Channel};messageid=2")).Status);
        }

        await using var strict = await FakeConnectorServer.StartAsync(new FakeConnectorOptions { Time = _time, CountPerChannel = true });
        var accepted = 0;
        for (var i = 0; i < 7; i++)
        {
            foreach (var thread in new[] { "1", "2" })
            {
                using var content = new StringContent(JsonSerializer.Serialize(Activity(null)), Encoding.UTF8, "application/json");
                var response = await _http.PostAsync(new Uri(strict.BaseUri, $"v3/conversations/{Esc($"{Channel};messageid={thread}")}/activities"), content);
                accepted += response.StatusCode == HttpStatusCode.Created ? 1 : 0;
            }
        }

        Assert.Equal(7, accepted);
    }

    [Fact]
    public async Task Limits_NotEnforced_RecordsViolationButAccepts()
    {
        await using var lenient = await FakeConnectorServer.StartAsync(new FakeConnectorOptions { Time = _time, EnforceLimits = false });
        for (var i = 0; i < 9; i++)
        {
            using var content = new StringContent(PostBody(Channel), Encoding.UTF8, "application/json");
            var response = await _http.PostAsync(new Uri(lenient.BaseUri, "v3/conversations"), content);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        Assert.Equal(9, lenient.Messages.Count);
        Assert.Equal(2, lenient.Violations.Count(v => v.Limit == 7));
        Assert.Equal(1, lenient.Violations.Count(v => v.Limit == 8));
    }

    [Fact]
    public async Task Limits_ViolationRetryAfterOption_IsSent()
    {
        await using var fake = await FakeConnectorServer.StartAsync(new FakeConnectorOptions { Time = _time, TenantPerSecond = 1, RetryAfterOnLimit = TimeSpan.FromSeconds(2) });
        using var c1 = new StringContent(PostBody("19:a@thread.tacv2"), Encoding.UTF8, "application/json");
        using var c2 = new StringContent(PostBody("19:b@thread.tacv2"), Encoding.UTF8, "application/json");

        var first = await _http.PostAsync(new Uri(fake.BaseUri, "v3/conversations"), c1);
        var second = await _http.PostAsync(new Uri(fake.BaseUri, "v3/conversations"), c2);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), second.Headers.RetryAfter?.Delta);
    }

    // ------------------------------------------------------------------ faults

    [Fact]
    public async Task InjectFault_429WithRetryAfter_SendsHeaderThenRecovers()
    {
        var rule = _fake.InjectFault(FaultKind.TooManyRequests, count: 2, retryAfter: TimeSpan.FromSeconds(3));

        var first = await PostToChannelAsync();
        var second = await PostToChannelAsync();
        var third = await PostToChannelAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, first.Status);
        Assert.Equal(TimeSpan.FromSeconds(3), first.Response.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.TooManyRequests, second.Status);
        Assert.Equal(HttpStatusCode.Created, third.Status);
        Assert.Equal(2, rule.Hits);
        Assert.Single(_fake.Messages);
        Assert.Equal([FaultKind.TooManyRequests, FaultKind.TooManyRequests, null], _fake.Requests.Select(r => r.Fault));
        Assert.Empty(_fake.Violations);
    }

    [Fact]
    public async Task InjectFault_429WithoutRetryAfter_HasNoHeader()
    {
        _fake.InjectFault(FaultKind.TooManyRequests);

        var (status, body, response) = await PostToChannelAsync();

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Null(response.Headers.RetryAfter);
        Assert.Equal("Throttled", body.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(FaultKind.InternalServerError, HttpStatusCode.InternalServerError)]
    [InlineData(FaultKind.BadGateway, HttpStatusCode.BadGateway)]
    public async Task InjectFault_ServerErrors_FailWithoutApplying(FaultKind kind, HttpStatusCode expected)
    {
        _fake.InjectFault(kind);

        var (status, _, _) = await PostToChannelAsync(marker: "x");

        Assert.Equal(expected, status);
        Assert.Empty(_fake.Messages);
        Assert.Equal(HttpStatusCode.Created, (await PostToChannelAsync(marker: "x")).Status);
    }

    [Fact]
    public async Task InjectFault_MatchingPathAndMethod_OnlyHitsThoseRequests()
    {
        var (_, post, _) = await PostToChannelAsync();
        var id = post.GetProperty("activityId").GetString()!;
        _fake.InjectFault(FaultKind.BadGateway, count: -1, pathContains: "/activities/", method: "PUT");

        var send = await SendToAsync(Channel);
        var (update, _, _) = await SendAsync(HttpMethod.Put, $"v3/conversations/{Esc(Channel)}/activities/{id}", JsonSerializer.Serialize(Activity(null)));
        var (update2, _, _) = await SendAsync(HttpMethod.Put, $"v3/conversations/{Esc(Channel)}/activities/{id}", JsonSerializer.Serialize(Activity(null)));

        Assert.Equal(HttpStatusCode.Created, send.Status);
        Assert.Equal(HttpStatusCode.BadGateway, update);
        Assert.Equal(HttpStatusCode.BadGateway, update2);
        _fake.ClearFaults();
        var (update3, _, _) = await SendAsync(HttpMethod.Put, $"v3/conversations/{Esc(Channel)}/activities/{id}", JsonSerializer.Serialize(Activity(null)));
        Assert.Equal(HttpStatusCode.OK, update3);
        Assert.Equal(1, _fake.UpdatesFor(id));
    }

    [Fact]
    public async Task InjectFault_BadGatewayAfterApply_PostExistsAndResendIsADuplicate()
    {
        _fake.InjectFault(FaultKind.BadGateway, afterApply: true);

        var (first, _, _) = await PostToChannelAsync(marker: "row-7");
        var (retry, _, _) = await PostToChannelAsync(marker: "row-7");

        Assert.Equal(HttpStatusCode.BadGateway, first);
        Assert.Equal(HttpStatusCode.Created, retry);
        Assert.Equal(2, _fake.MessagesWithMarker("row-7").Count);
        Assert.Equal(new Dictionary<string, int> { ["row-7"] = 2 }, _fake.Duplicates());
    }

    [Fact]
    public async Task InjectFault_Timeout_HangsUntilClientGivesUp()
    {
        _fake.InjectFault(FaultKind.Timeout);
        using var impatient = new HttpClient { Timeout = TimeSpan.FromMilliseconds(300) };
        using var content = new StringContent(PostBody(Channel), Encoding.UTF8, "application/json");

        await Assert.ThrowsAnyAsync<TaskCanceledException>(() => impatient.PostAsync(new Uri(_fake.BaseUri, "v3/conversations"), content));

        var request = Assert.Single(_fake.Requests);
        Assert.Equal(FaultKind.Timeout, request.Fault);
        Assert.Equal(0, request.Status);
        Assert.Empty(_fake.Messages);
        Assert.Equal(HttpStatusCode.Created, (await PostToChannelAsync()).Status);
    }

    [Fact]
    public async Task InjectFault_TimeoutWithHangFor_Answers504Later()
    {
        _fake.InjectFault(FaultKind.Timeout, hangFor: TimeSpan.FromMilliseconds(200));
        var started = Environment.TickCount64;

        var (status, _, _) = await PostToChannelAsync();

        Assert.Equal(HttpStatusCode.GatewayTimeout, status);
        Assert.True(Environment.TickCount64 - started >= 150);
        Assert.Equal(504, Assert.Single(_fake.Requests).Status);
    }

    [Fact]
    public void InjectFault_InvalidRule_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => _fake.InjectFault(FaultKind.BadGateway, count: 0));
        Assert.Throws<ArgumentException>(() => _fake.InjectFault(FaultKind.BadGateway, retryAfter: TimeSpan.FromSeconds(1)));
        Assert.Throws<ArgumentException>(() => _fake.InjectFault(FaultKind.TooManyRequests, hangFor: TimeSpan.FromSeconds(1)));
    }

    // ------------------------------------------------------------------ concurrency

    [Fact]
    public async Task ParallelPosts_AcrossChannels_AllRecordedWithUniqueIds()
    {
        await using var fake = await FakeConnectorServer.StartAsync(new FakeConnectorOptions { Time = _time, TenantPerSecond = 10_000 });

        await Parallel.ForEachAsync(Enumerable.Range(0, 200), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, ct) =>
        {
            using var content = new StringContent(PostBody($"19:c{i % 40}@thread.tacv2", $"row-{i}"), Encoding.UTF8, "application/json");
            using var response = await _http.PostAsync(new Uri(fake.BaseUri, "v3/conversations"), content, ct);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        });

        var messages = fake.Messages;
        Assert.Equal(200, messages.Count);
        Assert.Equal(200, messages.Select(m => m.ActivityId).Distinct().Count());
        Assert.All(fake.PostsPerConversation().Values, count => Assert.Equal(5, count));
        Assert.Empty(fake.Duplicates());
        Assert.Empty(fake.Violations);
        Assert.Equal(200, fake.Requests.Select(r => r.Sequence).Distinct().Count());
    }
}
