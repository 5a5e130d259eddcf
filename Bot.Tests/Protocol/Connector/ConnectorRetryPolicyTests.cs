using System.Net;
using CrisisBot.Protocol.Connector;

namespace CrisisBot.Tests.Protocol.Connector;

public class ConnectorRetryPolicyTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.PreconditionFailed, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.InternalServerError, false)]
    [InlineData(HttpStatusCode.ServiceUnavailable, false)]
    [InlineData(HttpStatusCode.NotFound, false)]
    [InlineData(HttpStatusCode.OK, false)]
    public void IsRetryableStatus_Status_MatchesTeamsGuidance(HttpStatusCode status, bool expected) =>
        Assert.Equal(expected, ConnectorRetryPolicy.IsRetryableStatus(status));

    [Fact]
    public void GetRetryAfter_DeltaSeconds_ReturnsDelta()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "12");

        Assert.Equal(TimeSpan.FromSeconds(12), ConnectorRetryPolicy.GetRetryAfter(response, Now));
    }

    [Fact]
    public void GetRetryAfter_HttpDate_ReturnsTimeUntilDate()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "Sun, 22 Nov 2026 12:00:45 GMT");

        Assert.Equal(TimeSpan.FromSeconds(45), ConnectorRetryPolicy.GetRetryAfter(response, Now));
    }

    [Fact]
    public void GetRetryAfter_DateInThePast_ReturnsZero()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
        response.Headers.TryAddWithoutValidation("Retry-After", "Sun, 22 Nov 2026 11:59:00 GMT");

        Assert.Equal(TimeSpan.Zero, ConnectorRetryPolicy.GetRetryAfter(response, Now));
    }

    [Fact]
    public void GetRetryAfter_NoHeader_ReturnsNull()
    {
        using var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);

        Assert.Null(ConnectorRetryPolicy.GetRetryAfter(response, Now));
    }

    [Theory]
    [InlineData(0, 0.0, 2000)]   // -20% would be 1.6 s: clamped up to the base delay
    [InlineData(0, 1.0, 2400)]   // +20%
    [InlineData(1, 0.5, 4000)]
    [InlineData(2, 0.0, 6400)]
    [InlineData(3, 0.5, 16000)]
    [InlineData(4, 0.5, 20000)]  // 32 s capped at the max delay
    [InlineData(40, 1.0, 20000)]
    public void Backoff_AttemptAndJitter_ExponentialWithinBounds(int attempt, double random, double expectedMs)
    {
        var delay = ConnectorRetryPolicy.Backoff(attempt, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(20), random);

        Assert.Equal(expectedMs, delay.TotalMilliseconds, precision: 3);
    }
}
