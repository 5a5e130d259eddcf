using System.Net;
using CrisisBot.Infrastructure.RateLimiting;
using CrisisBot.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisBot.Tests.Infrastructure.RateLimiting;

/// <summary>The per-client limit of the public pages (the FAQ, the summary charts) in the whole app.</summary>
public sealed class PublicRateLimitTests : IDisposable
{
    private const string ClientHeader = "X-Test-Client-Address";
    private readonly CrisisBotFactory _factory = CrisisBotFactory.LocalMode()
        .WithSetting("Faq:Schedule", "")
        .WithSetting("PublicRateLimit:PermitsPerMinute", "3")
        .WithServices(services => services.AddSingleton<IStartupFilter>(new ClientAddressFromHeader()));

    public void Dispose() => _factory.Dispose();

    [Fact]
    public async Task Faq_OverTheLimit_429WithRetryAfterAndAReasonForThatClientOnly()
    {
        using var client = _factory.CreateClient();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/faq", "203.0.113.7")).StatusCode);
        }

        var refused = await GetAsync(client, "/faq.json", "203.0.113.7");
        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.RetryAfter?.Delta > TimeSpan.Zero, "Retry-After in seconds");
        Assert.Contains("Too many requests from your address", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(client, "/faq/history", "203.0.113.7")).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/faq", "198.51.100.20")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/faq", "::ffff:198.51.100.21")).StatusCode);
    }

    [Fact]
    public async Task Faq_LoopbackOrNotPublic_NotLimited()
    {
        using var client = _factory.CreateClient();

        for (var i = 0; i < 6; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/faq", "127.0.0.1")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/healthz", "203.0.113.9")).StatusCode);
        }
    }

    [Fact]
    public async Task Faq_IPv6_OneLimitPerSlash64()
    {
        using var client = _factory.CreateClient();

        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/faq", $"2001:db8:1:2::{i}")).StatusCode);
        }

        Assert.Equal(HttpStatusCode.TooManyRequests, (await GetAsync(client, "/faq", "2001:db8:1:2:ffff::1")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await GetAsync(client, "/faq", "2001:db8:1:3::1")).StatusCode);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:aa:bb:1:2:3:4", "2001:db8:aa:bb::/64")]
    public void ClientKey_Address_PartitionKey(string address, string key) =>
        Assert.Equal(key, PublicRateLimit.ClientKey(IPAddress.Parse(address)));

    private static Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string address)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add(ClientHeader, address);
        return client.SendAsync(request);
    }

    /// <summary>The test server has no real client address: take it from a test header, before the app's middleware.</summary>
    private sealed class ClientAddressFromHeader : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((HttpContext http, RequestDelegate inner) =>
            {
                if (http.Request.Headers.TryGetValue(ClientHeader, out var value))
                {
                    http.Connection.RemoteIpAddress = IPAddress.Parse(value.ToString());
                }

                return inner(http);
            });
            next(app);
        };
    }
}
