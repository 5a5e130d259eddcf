using System.Net;
using System.Text.Json;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;

namespace CrisisBot.Tests.Protocol.Connector;

public class ConnectorClientOperationsTests
{
    private const string Thread = "19:abc@thread.tacv2;messageid=1";
    private const string ThreadEscaped = "19%3Aabc%40thread.tacv2%3Bmessageid%3D1";
    private const string Member = "a:1_x=y";
    private const string MemberEscaped = "a%3A1_x%3Dy";
    private const string Base = "https://smba.trafficmanager.net/amer/";

    public static TheoryData<string, string, string> EveryOperationWithIds => new()
    {
        { "send", "POST", $"{Base}v3/conversations/{ThreadEscaped}/activities" },
        { "reply", "POST", $"{Base}v3/conversations/{ThreadEscaped}/activities/{MemberEscaped}" },
        { "update", "PUT", $"{Base}v3/conversations/{ThreadEscaped}/activities/{MemberEscaped}" },
        { "delete", "DELETE", $"{Base}v3/conversations/{ThreadEscaped}/activities/{MemberEscaped}" },
        { "create", "POST", $"{Base}v3/conversations" },
        { "pagedmembers", "GET", $"{Base}v3/conversations/{ThreadEscaped}/pagedmembers?pageSize=100&continuationToken={MemberEscaped}" },
        { "member", "GET", $"{Base}v3/conversations/{ThreadEscaped}/members/{MemberEscaped}" },
        { "team", "GET", $"{Base}v3/teams/{ThreadEscaped}" },
        { "channels", "GET", $"{Base}v3/teams/{ThreadEscaped}/conversations" },
    };

    [Theory]
    [MemberData(nameof(EveryOperationWithIds))]
    public async Task Operation_IdsWithReservedCharacters_MethodAndEscapedPath(string operation, string method, string expectedUri)
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Default = _ => FakeConnectorHandler.Json(HttpStatusCode.OK, ResponseFor(operation));

        await Invoke(host.Client, operation, Base);

        var request = Assert.Single(host.Handler.List);
        Assert.Equal(method, request.Method.Method);
        Assert.Equal(expectedUri, request.Uri.AbsoluteUri);
        Assert.DoesNotContain(":", request.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.DoesNotContain("@", request.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.DoesNotContain(";", request.Uri.AbsolutePath, StringComparison.Ordinal);
        Assert.DoesNotContain("=", request.Uri.AbsolutePath, StringComparison.Ordinal);
        if (method is "POST" or "PUT")
        {
            Assert.Equal("application/json; charset=utf-8", request.ContentType);
            Assert.False(string.IsNullOrEmpty(request.Body));
        }
        else
        {
            Assert.Null(request.Body);
        }
    }

    [Theory]
    [InlineData("https://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net/amer")]
    [InlineData("https://smba.trafficmanager.net/amer//")]
    public async Task SendAsync_ServiceUrlWithAnyTrailingSlashes_ExactlyOneSlashBeforeV3(string serviceUrl)
    {
        using var host = ConnectorTestHost.Create();

        await host.Client.SendAsync(serviceUrl, "a:1", OutgoingActivity.Message("hi"));

        Assert.Equal("https://smba.trafficmanager.net/amer/v3/conversations/a%3A1/activities", Assert.Single(host.Handler.List).Uri.AbsoluteUri);
    }

    [Fact]
    public async Task SendAsync_ServiceUrlWithTenantPath_KeepsThePath()
    {
        using var host = ConnectorTestHost.Create();

        await host.Client.SendAsync($"https://smba.trafficmanager.net/amer/{ConnectorTestHost.TenantId}/", "a:1", OutgoingActivity.Message("hi"));

        Assert.Equal($"/amer/{ConnectorTestHost.TenantId}/v3/conversations/a%3A1/activities", Assert.Single(host.Handler.List).Uri.AbsolutePath);
    }

    [Fact]
    public async Task SendAsync_Message_BodyIsCamelCaseActivityWithoutNulls()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Default = _ => FakeConnectorHandler.Json(HttpStatusCode.Created, """{"id":"1759944781430"}""");

        var result = await host.Client.SendAsync(Base, Thread, OutgoingActivity.Message("Hot topic: *outage* 🔥"));

        Assert.Equal("1759944781430", result.Id);
        using var body = JsonDocument.Parse(Assert.Single(host.Handler.List).Body!);
        Assert.Equal("message", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("Hot topic: *outage* 🔥", body.RootElement.GetProperty("text").GetString());
        Assert.Equal("markdown", body.RootElement.GetProperty("textFormat").GetString());
        Assert.False(body.RootElement.TryGetProperty("replyToId", out _));
        Assert.False(body.RootElement.TryGetProperty("attachments", out _));
    }

    [Fact]
    public async Task SendAsync_AcceptedWithoutBody_ReturnsNullId()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.Accepted);

        var result = await host.Client.SendAsync(Base, "a:1", new OutgoingActivity { Type = ActivityTypes.Typing });

        Assert.Null(result.Id);
    }

    [Fact]
    public async Task ReplyAsync_ActivityWithoutReplyToId_BodyCarriesReplyToId()
    {
        using var host = ConnectorTestHost.Create();

        await host.Client.ReplyAsync(Base, Thread, "1759944781430", OutgoingActivity.Message("done"));

        using var body = JsonDocument.Parse(Assert.Single(host.Handler.List).Body!);
        Assert.Equal("1759944781430", body.RootElement.GetProperty("replyToId").GetString());
        Assert.Equal("done", body.RootElement.GetProperty("text").GetString());
    }

    [Fact]
    public async Task UpdateAsync_Card_PutsFullActivityWithAttachment()
    {
        using var host = ConnectorTestHost.Create();
        var card = JsonSerializer.SerializeToElement(new Dictionary<string, object> { ["type"] = "AdaptiveCard", ["version"] = "1.5" });

        var result = await host.Client.UpdateAsync(Base, Thread, "42", OutgoingActivity.WithCard(card, "summary"));

        Assert.Equal("1", result.Id);
        var request = Assert.Single(host.Handler.List);
        Assert.Equal(HttpMethod.Put, request.Method);
        using var body = JsonDocument.Parse(request.Body!);
        var attachment = Assert.Single(body.RootElement.GetProperty("attachments").EnumerateArray().ToList());
        Assert.Equal(ContentTypes.AdaptiveCard, attachment.GetProperty("contentType").GetString());
        Assert.Equal("1.5", attachment.GetProperty("content").GetProperty("version").GetString());
        Assert.Equal("summary", body.RootElement.GetProperty("summary").GetString());
    }

    [Fact]
    public async Task CreateConversationAsync_ChannelPost_BodyHasIsGroupChannelTenantAndActivity()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.Created, """{"id":"19:chan@thread.tacv2;messageid=1776390257332","activityId":"1776390257332"}""");
        var parameters = ConversationParameters.ChannelPost("19:chan@thread.tacv2", ConnectorTestHost.TenantId, OutgoingActivity.Message("New hot topic"));

        var result = await host.Client.CreateConversationAsync(Base, parameters);

        Assert.Equal("19:chan@thread.tacv2;messageid=1776390257332", result.Id);
        Assert.Equal("1776390257332", result.ActivityId);
        var request = Assert.Single(host.Handler.List);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal($"{Base}v3/conversations", request.Uri.AbsoluteUri);
        using var body = JsonDocument.Parse(request.Body!);
        var root = body.RootElement;
        Assert.True(root.GetProperty("isGroup").GetBoolean());
        Assert.Equal("19:chan@thread.tacv2", root.GetProperty("channelData").GetProperty("channel").GetProperty("id").GetString());
        Assert.Equal(ConnectorTestHost.TenantId, root.GetProperty("tenantId").GetString());
        Assert.Equal("message", root.GetProperty("activity").GetProperty("type").GetString());
        Assert.Equal("New hot topic", root.GetProperty("activity").GetProperty("text").GetString());
    }

    [Fact]
    public async Task CreateConversationAsync_ChannelPostWithoutActivity_ThrowsBeforeSending()
    {
        using var host = ConnectorTestHost.Create();
        var parameters = new ConversationParameters { IsGroup = true, TenantId = ConnectorTestHost.TenantId };

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.CreateConversationAsync(Base, parameters));

        Assert.Contains("activity", ex.Message, StringComparison.Ordinal);
        Assert.Empty(host.Handler.List);
    }

    [Fact]
    public async Task GetPagedMembersAsync_ContinuationToken_FollowsPagesUntilNoToken()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler
            .Then(HttpStatusCode.OK, """{"members":[{"id":"29:1","name":"Ann","aadObjectId":"aad-1","userPrincipalName":"ann@contoso.com","tenantId":"t"}],"continuationToken":"tok:1=2/+"}""")
            .Then(HttpStatusCode.OK, """{"members":[{"id":"29:2","name":"Bob","email":"bob@contoso.com","userRole":"user"}],"totalCount":3}""");

        var members = new List<TeamsChannelAccount>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await host.Client.GetPagedMembersAsync(Base, "19:team@thread.tacv2", 200, token);
            members.AddRange(page.Members);
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(2, pages);
        Assert.Equal(["29:1", "29:2"], members.Select(m => m.Id));
        Assert.Equal("aad-1", members[0].AadObjectId);
        Assert.Equal("ann@contoso.com", members[0].UserPrincipalName);
        Assert.Equal("bob@contoso.com", members[1].Email);
        var requests = host.Handler.List;
        Assert.Equal("?pageSize=200", requests[0].Uri.Query);
        Assert.Equal("?pageSize=200&continuationToken=tok%3A1%3D2%2F%2B", requests[1].Uri.Query);
    }

    [Fact]
    public async Task GetPagedMembersAsync_NoPageSizeNoToken_NoQuery()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.OK, """{"members":[]}""");

        var page = await host.Client.GetPagedMembersAsync(Base, "19:team@thread.tacv2");

        Assert.Empty(page.Members);
        Assert.Null(page.ContinuationToken);
        Assert.Equal("", Assert.Single(host.Handler.List).Uri.Query);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(501)]
    public async Task GetPagedMembersAsync_PageSizeOutOfRange_Throws(int pageSize)
    {
        using var host = ConnectorTestHost.Create();

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => host.Client.GetPagedMembersAsync(Base, "19:t@thread.tacv2", pageSize));

        Assert.Empty(host.Handler.List);
    }

    [Fact]
    public async Task GetMemberAsync_Member_ParsesTeamsChannelAccount()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.OK, """{"id":"29:1","name":"Ann Expert","aadObjectId":"aad-1","givenName":"Ann","surname":"Expert","userRole":"user","tenantId":"t1"}""");

        var member = await host.Client.GetMemberAsync(Base, "19:team@thread.tacv2", "29:1");

        Assert.Equal(new TeamsChannelAccount("29:1", "Ann Expert", "aad-1", null, "Ann", "Expert", null, null, "user", "t1"), member);
    }

    [Fact]
    public async Task GetTeamDetailsAsync_Team_ParsesDetails()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.OK, """{"id":"19:team@thread.tacv2","name":"Customer Care","aadGroupId":"0d1b-guid","tenantId":"t1","type":"standard","channelCount":3,"memberCount":12}""");

        var team = await host.Client.GetTeamDetailsAsync(Base, "19:team@thread.tacv2");

        Assert.Equal(new TeamDetails("19:team@thread.tacv2", "Customer Care", "0d1b-guid", "t1", "standard", 3, 12), team);
    }

    [Fact]
    public async Task GetTeamChannelsAsync_ObjectWithConversations_ReturnsChannels()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.OK, """{"conversations":[{"id":"19:team@thread.tacv2","channelType":"standard"},{"id":"19:crisis@thread.tacv2","name":"Crisis room","channelType":"private"}]}""");

        var channels = await host.Client.GetTeamChannelsAsync(Base, "19:team@thread.tacv2");

        Assert.Equal(
            [new TeamChannel("19:team@thread.tacv2", null, "standard"), new TeamChannel("19:crisis@thread.tacv2", "Crisis room", "private")],
            channels);
    }

    [Fact]
    public async Task GetTeamChannelsAsync_BareArray_ThrowsInvalidResponse()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.OK, """[{"id":"19:team@thread.tacv2"}]""");

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => host.Client.GetTeamChannelsAsync(Base, "19:team@thread.tacv2"));

        Assert.Equal("InvalidResponse", ex.ErrorCode);
        Assert.Equal("GetTeamChannels", ex.Operation);
    }

    [Fact]
    public async Task GetTeamDetailsAsync_EmptySuccessBody_ThrowsEmptyResponse()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.OK);

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => host.Client.GetTeamDetailsAsync(Base, "19:team@thread.tacv2"));

        Assert.Equal("EmptyResponse", ex.ErrorCode);
    }

    [Fact]
    public async Task UpdateAsync_NotFoundWithErrorBody_ThrowsWithStatusCodeAndBody()
    {
        using var host = ConnectorTestHost.Create();
        const string Body = """{"error":{"code":"ActivityNotFoundInConversation","message":"Message does not exist in the thread"}}""";
        host.Handler.Then(HttpStatusCode.NotFound, Body, r => r.Headers.Add("MS-CV", "abc.1"));

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => host.Client.UpdateAsync(Base, Thread, "42", OutgoingActivity.Message("x")));

        Assert.Equal(HttpStatusCode.NotFound, ex.StatusCode);
        Assert.Equal("ActivityNotFoundInConversation", ex.ErrorCode);
        Assert.Equal(Body, ex.Body);
        Assert.Equal("UpdateActivity", ex.Operation);
        Assert.Contains("404", ex.Message, StringComparison.Ordinal);
        Assert.Single(host.Handler.List);
    }

    [Fact]
    public async Task DeleteAsync_PlaygroundNotImplemented_ThrowsWithErrorCode()
    {
        using var host = ConnectorTestHost.Create();
        host.Handler.Then(HttpStatusCode.NotImplemented, """{"error":{"code":"DeleteActivityAPINotImplemented","message":"not implemented"}}""");

        var ex = await Assert.ThrowsAsync<ConnectorException>(() => host.Client.DeleteAsync(Base, Thread, "42"));

        Assert.Equal(HttpStatusCode.NotImplemented, ex.StatusCode);
        Assert.Equal("DeleteActivityAPINotImplemented", ex.ErrorCode);
        Assert.Equal("DeleteActivity", ex.Operation);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"error":"flat string"}""")]
    [InlineData("""{"message":"no error object"}""")]
    public void ParseErrorCode_NotAnErrorResponse_ReturnsNull(string body) => Assert.Null(ConnectorClient.ParseErrorCode(body));

    [Theory]
    [InlineData("")]
    [InlineData("smba.trafficmanager.net/amer/")]
    [InlineData("ftp://smba.trafficmanager.net/amer/")]
    [InlineData("https://smba.trafficmanager.net/amer/?x=1")]
    [InlineData("https://smba.trafficmanager.net/amer/#frag")]
    public async Task SendAsync_InvalidServiceUrl_ThrowsArgumentExceptionWithoutSending(string serviceUrl)
    {
        using var host = ConnectorTestHost.Create();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.SendAsync(serviceUrl, "a:1", OutgoingActivity.Message("x")));

        Assert.Equal("serviceUrl", ex.ParamName);
        Assert.Empty(host.Handler.List);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public async Task UpdateAsync_MissingActivityId_ThrowsArgumentException(string activityId)
    {
        using var host = ConnectorTestHost.Create();

        var ex = await Assert.ThrowsAsync<ArgumentException>(() => host.Client.UpdateAsync(Base, Thread, activityId, OutgoingActivity.Message("x")));

        Assert.Equal("activityId", ex.ParamName);
        Assert.Empty(host.Handler.List);
    }

    private static string ResponseFor(string operation) => operation switch
    {
        "create" => """{"id":"19:abc@thread.tacv2;messageid=7","activityId":"7"}""",
        "pagedmembers" => """{"members":[]}""",
        "member" => """{"id":"a:1_x=y"}""",
        "team" => """{"id":"19:abc@thread.tacv2"}""",
        "channels" => """{"conversations":[]}""",
        _ => """{"id":"1"}""",
    };

    private static Task Invoke(IConnectorClient client, string operation, string serviceUrl) => operation switch
    {
        "send" => client.SendAsync(serviceUrl, Thread, OutgoingActivity.Message("x")),
        "reply" => client.ReplyAsync(serviceUrl, Thread, Member, OutgoingActivity.Message("x")),
        "update" => client.UpdateAsync(serviceUrl, Thread, Member, OutgoingActivity.Message("x")),
        "delete" => client.DeleteAsync(serviceUrl, Thread, Member),
        "create" => client.CreateConversationAsync(serviceUrl, ConversationParameters.ChannelPost("19:abc@thread.tacv2", "t1", OutgoingActivity.Message("x"))),
        "pagedmembers" => client.GetPagedMembersAsync(serviceUrl, Thread, 100, Member),
        "member" => client.GetMemberAsync(serviceUrl, Thread, Member),
        "team" => client.GetTeamDetailsAsync(serviceUrl, Thread),
        "channels" => client.GetTeamChannelsAsync(serviceUrl, Thread),
        _ => throw new ArgumentOutOfRangeException(nameof(operation), operation, null),
    };
}
