using System.Text.Json;
using Microsoft.IdentityModel.Protocols;

namespace CrisisBot.Protocol.Auth;

/// <summary>
/// The non-standard <c>endorsements</c> of each Bot Framework signing key (by <c>kid</c>), read from the raw JWKS, since
/// <c>OpenIdConnectConfiguration</c> does not expose them (teams-protocol.md §2.1, gotcha 16).
/// </summary>
public sealed class EndorsementSet(IReadOnlyDictionary<string, IReadOnlyList<string>> byKeyId)
{
    public IReadOnlyDictionary<string, IReadOnlyList<string>> ByKeyId { get; } = byKeyId;

    /// <summary>The endorsements of key <paramref name="keyId"/>, or null when the key is unknown or has none.</summary>
    public IReadOnlyList<string>? For(string? keyId) =>
        keyId is not null && ByKeyId.TryGetValue(keyId, out var endorsements) ? endorsements : null;

    /// <summary>Parses a JWKS document (<c>{"keys":[{"kid":…,"endorsements":[…]}]}</c>).</summary>
    public static EndorsementSet ParseJwks(string jwksJson)
    {
        using var doc = JsonDocument.Parse(jwksJson);
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (doc.RootElement.ValueKind == JsonValueKind.Object &&
            doc.RootElement.TryGetProperty("keys", out var keys) && keys.ValueKind == JsonValueKind.Array)
        {
            foreach (var key in keys.EnumerateArray())
            {
                if (key.ValueKind != JsonValueKind.Object ||
                    !key.TryGetProperty("kid", out var kid) || kid.ValueKind != JsonValueKind.String ||
                    !key.TryGetProperty("endorsements", out var endorsements) || endorsements.ValueKind != JsonValueKind.Array)
                {
                    continue;
                }

                result[kid.GetString()!] = endorsements.EnumerateArray()
                    .Where(e => e.ValueKind == JsonValueKind.String)
                    .Select(e => e.GetString()!)
                    .ToList();
            }
        }

        return new EndorsementSet(result);
    }
}

/// <summary>Reads the OpenID metadata at the address, follows its <c>jwks_uri</c> and parses the endorsements.</summary>
internal sealed class EndorsementsRetriever : IConfigurationRetriever<EndorsementSet>
{
    public async Task<EndorsementSet> GetConfigurationAsync(string address, IDocumentRetriever retriever, CancellationToken cancel)
    {
        ArgumentNullException.ThrowIfNull(retriever);
        var metadata = await retriever.GetDocumentAsync(address, cancel);
        string? jwksUri;
        using (var doc = JsonDocument.Parse(metadata))
        {
            jwksUri = doc.RootElement.ValueKind == JsonValueKind.Object &&
                      doc.RootElement.TryGetProperty("jwks_uri", out var uri) && uri.ValueKind == JsonValueKind.String
                ? uri.GetString()
                : null;
        }

        if (string.IsNullOrEmpty(jwksUri))
        {
            throw new InvalidOperationException($"OpenID metadata at '{address}' has no jwks_uri.");
        }

        return EndorsementSet.ParseJwks(await retriever.GetDocumentAsync(jwksUri, cancel));
    }
}
