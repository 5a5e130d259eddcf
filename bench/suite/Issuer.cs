using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace CrisisBot.Bench.Suite;

/// <summary>
/// A local stand-in for login.botframework.com (and the Entra tenant) on 127.0.0.1: a fresh RSA key, the OpenID
/// metadata and a JWKS whose key is endorsed for <c>msteams</c>, plus one signed Bot Framework token written to
/// <c>token.txt</c> (valid 24 h, audience the app id, <c>serviceurl</c> claim of the benchmark activity) and the public
/// key to <c>public.pem</c> (for the bare endpoint's JWT check). <c>GET /stats</c> tells how often metadata was fetched.
/// Runs until killed.
/// </summary>
internal static class Issuer
{
    public const string BotFrameworkIssuer = "https://api.botframework.com";
    public const string ServiceUrl = "https://smba.trafficmanager.net/amer/";
    private const string KeyId = "bench-teams-key";

    public static async Task<int> RunAsync(Options options)
    {
        var port = options.Int("--port");
        var outDir = options.Required("--out");
        var appId = options.Required("--app-id");
        var tenant = options.Required("--tenant");
        Directory.CreateDirectory(outDir);

        using var rsa = RSA.Create(2048);
        var baseUrl = $"http://127.0.0.1:{port}";
        var p = rsa.ExportParameters(false);
        var jwk = new JsonObject
        {
            ["kty"] = "RSA",
            ["use"] = "sig",
            ["kid"] = KeyId,
            ["n"] = Base64UrlEncoder.Encode(p.Modulus),
            ["e"] = Base64UrlEncoder.Encode(p.Exponent),
            ["endorsements"] = new JsonArray("msteams"),
        };
        var documents = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["/v1/.well-known/openidconfiguration"] = new JsonObject
            {
                ["issuer"] = BotFrameworkIssuer,
                ["jwks_uri"] = $"{baseUrl}/v1/.well-known/keys",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            }.ToJsonString(),
            ["/v1/.well-known/keys"] = new JsonObject { ["keys"] = new JsonArray(jwk) }.ToJsonString(),
            [$"/entra/{tenant}/v2.0/.well-known/openid-configuration"] = new JsonObject
            {
                ["issuer"] = $"https://login.microsoftonline.com/{tenant}/v2.0",
                ["jwks_uri"] = $"{baseUrl}/entra/{tenant}/keys",
                ["id_token_signing_alg_values_supported"] = new JsonArray("RS256"),
            }.ToJsonString(),
            [$"/entra/{tenant}/keys"] = new JsonObject { ["keys"] = new JsonArray(jwk.DeepClone()) }.ToJsonString(),
        };

        var now = TimeProvider.System.GetUtcNow().UtcDateTime;
        var token = new JsonWebTokenHandler { SetDefaultTimesOnTokenCreation = false }.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = BotFrameworkIssuer,
            Audience = appId,
            IssuedAt = now.AddMinutes(-1),
            NotBefore = now.AddMinutes(-1),
            Expires = now.AddHours(24),
            Claims = new Dictionary<string, object> { ["serviceurl"] = ServiceUrl },
            SigningCredentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = KeyId }, SecurityAlgorithms.RsaSha256),
        });
        await File.WriteAllTextAsync(Path.Combine(outDir, "public.pem"), rsa.ExportSubjectPublicKeyInfoPem());
        await File.WriteAllTextAsync(Path.Combine(outDir, "token.txt"), token);

        var fetches = 0;
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(baseUrl);
        var app = builder.Build();
        app.MapGet("/stats", () => Results.Text($"{{\"metadataFetches\":{Volatile.Read(ref fetches)}}}", "application/json"));
        app.MapGet("/{**path}", (string path) =>
        {
            if (!documents.TryGetValue("/" + path, out var document))
            {
                return Results.NotFound();
            }

            Interlocked.Increment(ref fetches);
            return Results.Text(document, "application/json");
        });
        Console.WriteLine($"issuer: metadata at {baseUrl}/v1/.well-known/openidconfiguration, token in {outDir}/token.txt");
        await app.RunAsync();
        return 0;
    }
}
