using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Tests.Infrastructure;
using CrisisBot.Tests.Infrastructure.Outbox;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics.Api;

/// <summary>POST /api/posts through the whole bot: signature, replay window, rotation, limits, bad input.</summary>
public sealed class PostsEndpointTests : IDisposable
{
    private const string Secret = "first-secret-0123456789";
    private const string RotatedSecret = "second-secret-9876543210";
    private static readonly DateTimeOffset Now = new(2026, 3, 24, 12, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _time = new(Now);
    private readonly CrisisBotFactory _factory;
    private readonly LogCollector _logs = new();

    public PostsEndpointTests()
    {
        _factory = CrisisBotFactory.LocalMode()
            .WithSetting("Intake:Secrets:0", Secret)
            .WithSetting("Intake:Secrets:1", RotatedSecret)
            .WithSetting("Intake:MaxBodyBytes", "4096")
            .WithServices(s =>
            {
                s.RemoveAll<TimeProvider>();
                s.AddSingleton<TimeProvider>(_time);
                s.AddSingleton<ILoggerProvider>(_logs);
            });
    }

    public void Dispose() => _factory.Dispose();

    private static string Post(string id, string text = "my parcel never arrived", string createdAt = "2026-03-24T09:15:00Z") =>
        $$"""{"id":"{{id}}","source":"twitter","text":"{{text}}","createdAt":"{{createdAt}}"}""";

    private async Task<(HttpStatusCode Status, JsonElement Body, string? ContentType)> SendAsync(
        string body, string? secret = Secret, long? timestamp = null, string? signature = null, bool omitTimestamp = false, CrisisBotFactory? factory = null)
    {
        using var client = (factory ?? _factory).CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/posts") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var ts = timestamp ?? _time.GetUtcNow().ToUnixTimeSeconds();
        if (!omitTimestamp)
        {
            request.Headers.Add(PostsSignature.TimestampHeader, ts.ToString(CultureInfo.InvariantCulture));
        }

        if (signature is not null)
        {
            request.Headers.Add(PostsSignature.SignatureHeader, signature);
        }
        else if (secret is not null)
        {
            request.Headers.Add(PostsSignature.SignatureHeader, PostsSignature.Sign(secret, ts, Encoding.UTF8.GetBytes(body)));
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("object")]
    [InlineData("array")]
    [InlineData("ndjson")]
    public async Task Post_SignedBody_202WithCounts(string shape)
    {
        var body = shape switch
        {
            "object" => Post("1"),
            "array" => $"[{Post("1")},{Post("2")}]",
            _ => $"{Post("1")}\n{Post("2")}\n",
        };

        var (status, json, _) = await SendAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(shape == "object" ? 1 : 2, json.GetProperty("accepted").GetInt32());
        Assert.Equal(0, json.GetProperty("duplicates").GetInt32());
        Assert.Equal(0, json.GetProperty("rejected").GetArrayLength());
    }

    [Fact]
    public async Task Post_RotatedSecret_Accepted()
    {
        var (status, json, _) = await SendAsync(Post("1"), RotatedSecret);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(1, json.GetProperty("accepted").GetInt32());
    }

    [Fact]
    public async Task Post_SameBodyTwice_SecondTimeAllDuplicates()
    {
        var body = $"{Post("1")}\n{Post("2")}";
        await SendAsync(body);

        var (status, json, _) = await SendAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(0, json.GetProperty("accepted").GetInt32());
        Assert.Equal(2, json.GetProperty("duplicates").GetInt32());
    }

    [Theory]
    [InlineData("wrong-secret-0000000000", null, "does not match")]
    [InlineData(null, null, "missing X-CrisisBot-Signature")]
    [InlineData(null, "sha256=zz", "64 hex digits")]
    [InlineData(null, "md5=0123", "64 hex digits")]
    public async Task Post_BadSignature_401ProblemJson(string? secret, string? signature, string expected)
    {
        var (status, json, contentType) = await SendAsync(Post("1"), secret, signature: signature);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains(expected, json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyChangedAfterSigning_401()
    {
        var ts = _time.GetUtcNow().ToUnixTimeSeconds();
        var signature = PostsSignature.Sign(Secret, ts, Encoding.UTF8.GetBytes(Post("1")));

        var (status, _, _) = await SendAsync(Post("2"), timestamp: ts, signature: signature);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData(-301, "old")]
    [InlineData(301, "ahead")]
    public async Task Post_TimestampOutsideFiveMinutes_401(int offsetSeconds, string expected)
    {
        var ts = _time.GetUtcNow().AddSeconds(offsetSeconds).ToUnixTimeSeconds();

        var (status, json, _) = await SendAsync(Post("1"), timestamp: ts);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains(expected, json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_ReplayedRequestAfterFiveMinutes_401()
    {
        var ts = _time.GetUtcNow().ToUnixTimeSeconds();
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Post("1"), timestamp: ts)).Status);

        _time.Advance(TimeSpan.FromMinutes(6));

        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(Post("1"), timestamp: ts)).Status);
    }

    [Fact]
    public async Task Post_MissingTimestamp_401()
    {
        var (status, json, _) = await SendAsync(Post("1"), omitTimestamp: true);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("X-CrisisBot-Timestamp", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_BodyOverLimit_413()
    {
        var items = string.Join('\n', Enumerable.Range(0, 60).Select(i => Post(i.ToString(CultureInfo.InvariantCulture), new string('a', 80))));

        var (status, json, contentType) = await SendAsync(items);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, status);
        Assert.Equal("application/problem+json", contentType);
        Assert.Contains("Intake:MaxBodyBytes", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NotJson_400WithPosition()
    {
        var (status, json, _) = await SendAsync("{\"id\": \"1\",\n  \"source\": twitter}");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal(2, json.GetProperty("line").GetInt64());
        Assert.True(json.GetProperty("column").GetInt64() > 0);
    }

    [Fact]
    public async Task Post_EmptyBody_400()
    {
        var (status, json, _) = await SendAsync("  \n");

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("Empty body", json.GetProperty("title").GetString());
    }

    [Fact]
    public async Task Post_BadItems_RejectedByIndexGoodOnesAccepted()
    {
        var body = string.Join('\n',
            Post("1"),
            """{"id":"2","source":"twitter","createdAt":"2026-03-24T09:15:00Z"}""",
            Post("3", createdAt: "2026-03-26T12:00:01Z"),
            """{"id":"4","source":"twitter","text":"x","createdAt":"2026-03-24T09:15:00Z","author":{"followers":"many"}}""",
            "{not json",
            Post("6"));

        var (status, json, _) = await SendAsync(body);

        Assert.Equal(HttpStatusCode.Accepted, status);
        Assert.Equal(2, json.GetProperty("accepted").GetInt32());
        var rejected = json.GetProperty("rejected").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3, 4], rejected.Select(r => r.GetProperty("index").GetInt32()));
        Assert.Contains("text", rejected[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("future", rejected[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Contains("followers", rejected[2].GetProperty("error").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Post_NoSecretConfigured_503EvenInLocalMode()
    {
        using var factory = CrisisBotFactory.LocalMode();

        var (status, json, _) = await SendAsync(Post("1"), factory: factory);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("Intake:Secrets", json.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_SignatureOfAnotherTimestamp_Refused()
    {
        var body = Encoding.UTF8.GetBytes(Post("1"));
        var signature = PostsSignature.Sign(Secret, 1_774_353_600, body);

        Assert.Null(PostsSignature.Verify("1774353600", signature, body, [Secret], Now, TimeSpan.FromMinutes(5)));
        Assert.NotNull(PostsSignature.Verify("1774353601", signature, body, [Secret], Now, TimeSpan.FromMinutes(5)));
    }

    [Fact]
    public async Task Post_ManyRequests_NoInformationLinePerRequest_OneSummaryPerMinute_RejectionsAtWarning()
    {
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Post("ok-" + i.ToString(CultureInfo.InvariantCulture)))).Status);
        }

        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(Post("ok-0"))).Status); // a duplicate
        var mixed = Post("ok-4") + "\n" + """{"id":"bad","source":"twitter","createdAt":"2026-03-24T09:15:00Z"}""";
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(mixed)).Status);
        Assert.Equal(HttpStatusCode.Unauthorized, (await SendAsync(Post("x"), signature: "sha256=00")).Status);

        // Per request: no Information line; the rejected item and the refusal are Warnings, one each.
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id == 1211 && e.Level >= LogLevel.Information);
        var rejected = Assert.Single(_logs.Entries, e => e.EventId.Id == 1214);
        Assert.Equal(LogLevel.Warning, rejected.Level);
        Assert.Contains("1 of 2 items rejected; first, item 1:", rejected.Message, StringComparison.Ordinal);
        Assert.Contains("text", rejected.Message, StringComparison.Ordinal);
        Assert.Single(_logs.Entries, e => e.EventId.Id == 1210 && e.Level == LogLevel.Warning);
        Assert.DoesNotContain(_logs.Entries, e => e.EventId.Id == 1213); // the minute is not over

        _time.Advance(PostsIntakeStats.Interval);
        var summary = Assert.Single(_logs.Entries, e => e.EventId.Id == 1213);
        Assert.Equal(LogLevel.Information, summary.Level);
        Assert.Equal("POST /api/posts, last 60 s: 6 requests, 4 posts accepted, 1 duplicates, 1 items rejected, 1 requests refused", summary.Message);

        _time.Advance(PostsIntakeStats.Interval); // a quiet minute writes nothing
        Assert.Single(_logs.Entries, e => e.EventId.Id == 1213);
    }
}
