using Microsoft.IdentityModel.Protocols;

namespace CrisisBot.Protocol.Auth;

/// <summary>
/// Fetches OpenID metadata and JWKS documents through <see cref="IHttpClientFactory"/> (client <see cref="HttpClientName"/>).
/// Refuses anything but https, except http on a loopback host (tests, local metadata).
/// </summary>
internal sealed class OpenIdDocumentRetriever(IHttpClientFactory httpClientFactory) : IDocumentRetriever
{
    public const string HttpClientName = "CrisisBot.OpenIdMetadata";

    /// <summary>Metadata documents are small; anything larger is refused.</summary>
    private const int MaxDocumentBytes = 1024 * 1024;

    public static bool IsAllowedAddress(Uri uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        return uri.IsAbsoluteUri && string.IsNullOrEmpty(uri.UserInfo) &&
               (uri.Scheme == Uri.UriSchemeHttps || (uri.Scheme == Uri.UriSchemeHttp && uri.IsLoopback));
    }

    public async Task<string> GetDocumentAsync(string address, CancellationToken cancel)
    {
        if (!Uri.TryCreate(address, UriKind.Absolute, out var uri) || !IsAllowedAddress(uri))
        {
            throw new InvalidOperationException(
                $"Refusing to fetch OpenID metadata from '{address}': https is required (http only for a loopback host).");
        }

        using var client = httpClientFactory.CreateClient(HttpClientName);
        using var response = await client.GetAsync(uri, HttpCompletionOption.ResponseHeadersRead, cancel);
        if (!response.IsSuccessStatusCode)
        {
            throw new IOException($"OpenID metadata request to '{address}' failed with {(int)response.StatusCode} {response.StatusCode}.");
        }

        if (response.Content.Headers.ContentLength > MaxDocumentBytes)
        {
            throw new IOException($"OpenID metadata document at '{address}' is larger than {MaxDocumentBytes} bytes.");
        }

        return await response.Content.ReadAsStringAsync(cancel);
    }
}
