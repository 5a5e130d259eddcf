using System.Net;
using System.Text.Json;
using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Tests.Features.HotTopics.Pipeline;
using CrisisBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisBot.Tests.Features.HotTopics.Api;

/// <summary>The read API: API keys, local mode, filters, alarm history, paging.</summary>
public sealed class TopicsApiTests : IDisposable
{
    private const string Key = "read-key-0123456789abcdef";
    private const string OtherKey = "read-key-second-0123456789";
    private readonly TestTokenIssuer _issuer = new();

    public void Dispose() => _issuer.Dispose();

    private CrisisBotFactory Production() => CrisisBotFactory.Authenticated(_issuer)
        .WithSetting("Api:Keys:0", Key)
        .WithSetting("Api:Keys:1", OtherKey);

    private static async Task<(HttpStatusCode Status, JsonElement Body)> GetAsync(CrisisBotFactory factory, string path, string? key = null)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (key is not null)
        {
            request.Headers.Add(TopicsApi.ApiKeyHeader, key);
        }

        using var response = await client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone());
    }

    /// <summary>A quiet day of chatter, then a burst of one complaint: one hot topic with an alarm.</summary>
    private static async Task SeedAsync(CrisisBotFactory factory)
    {
        var posts = new List<SocialPost>();
        for (var i = 0; i < 48; i++)
        {
            posts.Add(Posts.Make($"q{i}", $"lovely weather today number {i} at the beach", Posts.T0.AddMinutes(30 * i)));
        }

        var spike = Posts.T0.AddHours(25);
        for (var i = 0; i < 20; i++)
        {
            posts.Add(Posts.Make($"s{i}", $"travel money card blocked abroad cannot pay {i}", spike.AddSeconds(30 * i)));
        }

        await factory.Services.GetRequiredService<HotTopicPipeline>().IngestAsync(posts);
    }

    [Fact]
    public async Task Get_NoKeyOutsideLocalMode_401()
    {
        using var factory = Production();

        var (status, body) = await GetAsync(factory, "/api/topics");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("X-Api-Key", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_WrongKey_401()
    {
        using var factory = Production();

        var (status, _) = await GetAsync(factory, "/api/topics", "read-key-0123456789abcdeX");

        Assert.Equal(HttpStatusCode.Unauthorized, status);
    }

    [Theory]
    [InlineData(Key)]
    [InlineData(OtherKey)]
    public async Task Get_AnyConfiguredKey_200(string key)
    {
        using var factory = Production();
        await SeedAsync(factory);

        var (status, body) = await GetAsync(factory, "/api/topics", key);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.NotEmpty(body.GetProperty("topics").EnumerateArray());
    }

    [Fact]
    public async Task Get_LocalModeOnLoopbackWithoutKey_200()
    {
        using var factory = CrisisBotFactory.LocalMode();

        var (status, body) = await GetAsync(factory, "/api/topics");

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(body.GetProperty("topics").EnumerateArray());
    }

    [Fact]
    public async Task GetTopics_FilterByProductAndState_OnlyMatchingTopics()
    {
        using var factory = CrisisBotFactory.LocalMode();
        await SeedAsync(factory);

        var (_, hot) = await GetAsync(factory, "/api/topics?state=hot&product=travel-money");
        var (_, none) = await GetAsync(factory, "/api/topics?state=hot&product=credit-card");

        var topic = Assert.Single(hot.GetProperty("topics").EnumerateArray());
        Assert.Equal("travel-money", topic.GetProperty("product").GetString());
        Assert.Equal("hot", topic.GetProperty("state").GetString());
        Assert.Equal(20, topic.GetProperty("posts").GetInt32());
        Assert.True(topic.GetProperty("recentPerHour").GetDouble() > topic.GetProperty("baselinePerHour").GetDouble());
        Assert.NotEqual("none", topic.GetProperty("severity").GetString());
        Assert.Empty(none.GetProperty("topics").EnumerateArray());
    }

    [Theory]
    [InlineData("/api/topics?state=boiling", "state")]
    [InlineData("/api/topics?product=spaceships", "unknown product")]
    [InlineData("/api/topics?limit=0", "limit")]
    [InlineData("/api/topics/1/posts?after=abc", "after")]
    [InlineData("/api/topics/1/posts?limit=100000", "limit")]
    public async Task Get_BadQuery_400(string path, string expected)
    {
        using var factory = CrisisBotFactory.LocalMode();

        var (status, body) = await GetAsync(factory, path);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetTopic_HotTopic_IncludesAlarmHistoryAtEventTime()
    {
        using var factory = CrisisBotFactory.LocalMode();
        await SeedAsync(factory);
        var (_, list) = await GetAsync(factory, "/api/topics?state=hot");
        var id = list.GetProperty("topics")[0].GetProperty("id").GetInt32();

        var (status, topic) = await GetAsync(factory, $"/api/topics/{id}");

        Assert.Equal(HttpStatusCode.OK, status);
        var alarm = topic.GetProperty("alarms")[0];
        Assert.Equal("onset", alarm.GetProperty("transition").GetString());
        Assert.InRange(alarm.GetProperty("at").GetDateTimeOffset(), Posts.T0.AddHours(25), Posts.T0.AddHours(25).AddMinutes(10));
    }

    [Theory]
    [InlineData("/api/topics/999")]
    [InlineData("/api/topics/abc")]
    [InlineData("/api/topics/999/posts")]
    public async Task GetTopic_Unknown_404(string path)
    {
        using var factory = CrisisBotFactory.LocalMode();

        var (status, body) = await GetAsync(factory, path);

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("Unknown topic", body.GetProperty("title").GetString());
    }

    [Fact]
    public async Task GetPosts_Paged_EveryPostOnceInOrder()
    {
        using var factory = CrisisBotFactory.LocalMode();
        await SeedAsync(factory);
        var (_, list) = await GetAsync(factory, "/api/topics?state=hot");
        var id = list.GetProperty("topics")[0].GetProperty("id").GetInt32();

        var ids = new List<string>();
        string? after = null;
        var pages = 0;
        do
        {
            var (status, page) = await GetAsync(factory, $"/api/topics/{id}/posts?limit=6" + (after is null ? string.Empty : $"&after={after}"));
            Assert.Equal(HttpStatusCode.OK, status);
            var posts = page.GetProperty("posts").EnumerateArray().ToList();
            Assert.InRange(posts.Count, 1, 6);
            ids.AddRange(posts.Select(p => p.GetProperty("id").GetString()!));
            after = page.GetProperty("next").GetString();
            pages++;
        }
        while (after is not null);

        Assert.Equal(4, pages);
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"s{i}"), ids);
    }

    [Fact]
    public void MergedFamily_ChainOfMerges_AllMembersOfTheSurvivor()
    {
        var merged = new Dictionary<int, int> { [2] = 5, [5] = 9, [3] = 4 };

        Assert.Equal([2, 5, 9], TopicsApi.MergedFamily(9, merged).Order());
        Assert.Equal([4, 3], TopicsApi.MergedFamily(4, merged));
    }
}
