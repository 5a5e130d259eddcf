using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Faq;

/// <summary>The public address of the FAQ: <c>Faq:PublicBaseUrl</c>, else the bot's own listening URL.</summary>
public sealed class FaqLinks(IOptionsMonitor<FaqOptions> options, IServiceProvider services, IConfiguration configuration)
{
    /// <summary>The base URL without a trailing slash, e.g. <c>https://care.contoso.com</c>.</summary>
    public string BaseUrl()
    {
        var configured = options.CurrentValue.PublicBaseUrl;
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return configured.Trim().TrimEnd('/');
        }

        var addresses = services.GetService<IServer>()?.Features.Get<IServerAddressesFeature>()?.Addresses;
        var own = addresses?.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
                  ?? addresses?.FirstOrDefault()
                  ?? configuration["urls"]?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
                  ?? "http://localhost:3978";
        return Normalize(own);
    }

    public string Page() => BaseUrl() + "/faq";

    public string History() => BaseUrl() + "/faq/history";

    /// <summary>A listening address as a browsable URL: wildcard hosts become localhost.</summary>
    internal static string Normalize(string address)
    {
        var text = address.Trim().TrimEnd('/');
        foreach (var wildcard in (string[])["://0.0.0.0", "://[::]", "://+", "://*"])
        {
            var at = text.IndexOf(wildcard, StringComparison.Ordinal);
            if (at >= 0)
            {
                text = text[..at] + "://localhost" + text[(at + wildcard.Length)..];
            }
        }

        return text;
    }
}
