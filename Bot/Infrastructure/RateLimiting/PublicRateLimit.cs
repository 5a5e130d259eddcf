using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Net;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.RateLimiting;

/// <summary>Configuration section <c>PublicRateLimit</c>: the per-client limit of the public, unauthenticated pages.</summary>
public sealed class PublicRateLimitOptions
{
    public const string SectionName = "PublicRateLimit";

    /// <summary>Requests per client IP address per minute (sliding window of six 10-s segments); 0 turns the limit off. <value>300</value></summary>
    [Range(0, 1_000_000)]
    public int PermitsPerMinute { get; set; } = 300;

    /// <summary>
    /// Also limit loopback clients. Off by default: on loopback every client is the same address (a local reverse proxy,
    /// the Agents Playground, the tests), so limit at the proxy instead. <value>false</value>
    /// </summary>
    public bool LimitLoopback { get; set; }
}

/// <summary>
/// The public, unauthenticated endpoints (the FAQ and the signed summary charts) are what a crisis sends the world to,
/// so one client hammering them must not slow them down for everyone: ASP.NET Core's rate limiter, partitioned by the
/// client's IP address (IPv6 by /64, since one host usually holds a whole /64), answers over-limit requests with 429, a
/// <c>Retry-After</c> header and a one-line plain-text reason. Authenticated endpoints (<c>/api/messages</c>, the
/// signed <c>/api/posts</c>, the keyed APIs) are not limited here: Teams and the intake have their own contracts.
/// </summary>
public static class PublicRateLimit
{
    /// <summary>The policy name endpoints opt into with <c>RequireRateLimiting(PublicRateLimit.PolicyName)</c>.</summary>
    public const string PolicyName = "public";

    public static IServiceCollection AddPublicRateLimit(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<PublicRateLimitOptions>()
            .Bind(configuration.GetSection(PublicRateLimitOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (context, ct) => RejectAsync(context.HttpContext, context.Lease, ct);
            limiter.AddPolicy(PolicyName, http => Partition(http, http.RequestServices.GetRequiredService<IOptions<PublicRateLimitOptions>>().Value));
        });
        return services;
    }

    /// <summary>The partition of one request: no limiter when the limit is off or for loopback (unless configured).</summary>
    internal static RateLimitPartition<string> Partition(HttpContext http, PublicRateLimitOptions options)
    {
        var address = http.Connection.RemoteIpAddress;
        if (options.PermitsPerMinute == 0 || address is null || (IPAddress.IsLoopback(address) && !options.LimitLoopback))
        {
            return RateLimitPartition.GetNoLimiter("unlimited");
        }

        return RateLimitPartition.GetSlidingWindowLimiter(ClientKey(address), _ => new SlidingWindowRateLimiterOptions
        {
            PermitLimit = options.PermitsPerMinute,
            Window = TimeSpan.FromMinutes(1),
            SegmentsPerWindow = 6,
            QueueLimit = 0,
            AutoReplenishment = true,
        });
    }

    /// <summary>IPv4 (and IPv4-mapped IPv6) by address, IPv6 by its /64 prefix.</summary>
    internal static string ClientKey(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily != System.Net.Sockets.AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }

        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private static async ValueTask RejectAsync(HttpContext http, RateLimitLease lease, CancellationToken ct)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)) : 10;
        http.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
        http.Response.Headers.CacheControl = "no-store";
        http.Response.ContentType = "text/plain; charset=utf-8";
        await http.Response.WriteAsync(
            string.Create(CultureInfo.InvariantCulture, $"Too many requests from your address: try again in {retryAfter} s. The FAQ does not change that often; reloading it later is enough.\n"),
            ct);
    }
}
