using System.Net;

namespace CrisisBot.Protocol.Hosting;

/// <summary>Which addresses the server is told to listen on, and whether they are all loopback (local mode guard).</summary>
internal static class ListeningAddresses
{
    /// <summary>
    /// Every listening address named in configuration: <c>urls</c> (also ASPNETCORE_URLS, DOTNET_URLS, --urls),
    /// <c>http_ports</c>/<c>https_ports</c> (ASPNETCORE_HTTP_PORTS…, which bind every interface) and
    /// <c>Kestrel:Endpoints:*:Url</c>.
    /// </summary>
    public static IReadOnlyList<string> FromConfiguration(IConfiguration configuration)
    {
        var result = new List<string>();
        if (configuration["urls"] is { Length: > 0 } urls)
        {
            result.AddRange(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        }

        foreach (var (key, scheme) in new[] { ("http_ports", "http"), ("https_ports", "https") })
        {
            if (configuration[key] is { Length: > 0 } ports)
            {
                result.AddRange(ports.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
                    .Select(port => $"{scheme}://*:{port}"));
            }
        }

        foreach (var endpoint in configuration.GetSection("Kestrel:Endpoints").GetChildren())
        {
            if (endpoint["Url"] is { Length: > 0 } url)
            {
                result.Add(url);
            }
        }

        return result;
    }

    /// <summary>True for <c>localhost</c>, 127.0.0.0/8 and ::1; false for wildcards (<c>*</c>, <c>+</c>, 0.0.0.0) and anything else.</summary>
    public static bool IsLoopback(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var host = ExtractHost(address);
        if (host is null)
        {
            return false;
        }

        if (string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return IPAddress.TryParse(host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    private static string? ExtractHost(string address)
    {
        // Wildcard hosts are not valid URIs, so parse the authority by hand: scheme://host[:port][/path]
        var schemeEnd = address.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return null;
        }

        var authority = address[(schemeEnd + 3)..];
        var slash = authority.IndexOf('/', StringComparison.Ordinal);
        if (slash >= 0)
        {
            authority = authority[..slash];
        }

        if (authority.StartsWith('['))
        {
            var close = authority.IndexOf(']', StringComparison.Ordinal);
            return close < 0 ? null : authority[..(close + 1)];
        }

        var colon = authority.LastIndexOf(':');
        return colon >= 0 ? authority[..colon] : authority;
    }
}
