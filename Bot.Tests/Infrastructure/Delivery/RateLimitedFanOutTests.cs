using System.Diagnostics;
using System.Net;
using System.Text.Json;
using CrisisBot.Infrastructure.Delivery;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Infrastructure.Delivery;

/// <summary>
/// The limiter in front of the real Connector client, against the fake Connector on loopback in real time: one worker per
/// channel, every post waits for <see cref="TeamsRateLimiter.AcquireAsync"/>. The fake enforces the Teams limits itself.
/// </summary>
public class RateLimitedFanOutTests
{
    private const string Tenant = "11111111-2222-3333-4444-555555555555";

    [Fact]
    public async Task FanOut_100PostsOver10Channels_NoViolationNoLossNoDuplicate()
    {
        await using var fake = await FakeConnectorServer.StartAsync(new FakeConnectorOptions { CountPerChannel = true });
        using var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddBotConnector(new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["Bot:LocalMode"] = "true",
                ["Connector:MaxRetries"] = "0",
            }).Build())
            .BuildServiceProvider();
        var client = services.GetRequiredService<IConnectorClient>();

        var options = new TeamsRateLimitOptions();
        var limiter = new TeamsRateLimiter(Options.Create(options), TimeProvider.System);
        const int Channels = 10;
        const int PerChannel = 10;
        var throttled = 0;
        var watch = Stopwatch.StartNew();

        await Task.WhenAll(Enumerable.Range(0, Channels).Select(c => Task.Run(async () =>
        {
            var channel = $"19:fan{c}@thread.tacv2";
            for (var i = 0; i < PerChannel; i++)
            {
                var marker = $"post-{c}-{i}";
                while (true)
                {
                    // Completed when the answer arrives (dispose): the send then counts at the answer, not the grant.
                    using var lease = await limiter.AcquireAsync(Tenant, channel);
                    try
                    {
                        var activity = OutgoingActivity.Message($"update {i}") with
                        {
                            ChannelData = JsonSerializer.SerializeToElement(new Dictionary<string, string> { [DeliveryMarker.ChannelDataProperty] = marker }),
                        };
                        await client.CreateConversationAsync(fake.ServiceUrl, ConversationParameters.ChannelPost(channel, Tenant, activity));
                        lease.Complete();
                        limiter.OnSuccess(channel);
                        break;
                    }
                    catch (ConnectorException ex) when (ex.StatusCode == HttpStatusCode.TooManyRequests)
                    {
                        Interlocked.Increment(ref throttled);
                        limiter.On429(Tenant, channel, null);
                    }
                }
            }
        })));
        watch.Stop();

        Assert.Equal(0, throttled);
        Assert.Empty(fake.Violations);
        Assert.Equal(Channels * PerChannel, fake.Messages.Count);
        Assert.Empty(fake.Duplicates());
        Assert.All(fake.PostsPerConversation().Values, n => Assert.Equal(PerChannel, n));

        // Never faster than the limits allow (10 posts in one channel: 7, then 1 s, then 8/2 s).
        var minimum = TeamsRateLimitMath.MinimumDuration(Channels * PerChannel, Channels, options);
        Assert.Equal(TimeSpan.FromSeconds(2), minimum);
        var requests = fake.Requests;
        Assert.True(requests[^1].At - requests[0].At >= minimum, $"{requests[^1].At - requests[0].At} < {minimum}");
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
    }
}
