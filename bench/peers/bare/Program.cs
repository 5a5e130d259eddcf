using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisBot.Bench.Bare;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

// The ceiling for /api/messages (bench/run.sh): parse the activity, answer adaptiveCard/action help.refresh with the card.
//   dotnet Bare.dll --urls http://127.0.0.1:3983 --card card.json [--jwt-key public.pem --app-id <guid>]
// With --jwt-key every request must carry "Authorization: Bearer <RS256 JWT>" signed by that key, issued by
// https://api.botframework.com for --app-id, not expired (JsonWebTokenHandler, the library CrisisBot uses).
var cardFile = Arg("--card") ?? throw Usage("--card FILE is required (the adaptive card JSON to answer with)");
var keyFile = Arg("--jwt-key");
var appId = Arg("--app-id");
if (keyFile is not null && string.IsNullOrWhiteSpace(appId))
{
    throw Usage("--jwt-key needs --app-id (the audience of the tokens)");
}

var card = JsonDocument.Parse(File.ReadAllText(cardFile)).RootElement.Clone();
TokenValidationParameters? validation = null;
if (keyFile is not null)
{
    var rsa = RSA.Create();
    rsa.ImportFromPem(File.ReadAllText(keyFile));
    validation = new TokenValidationParameters
    {
        ValidIssuer = "https://api.botframework.com",
        ValidAudience = appId,
        IssuerSigningKey = new RsaSecurityKey(rsa),
        ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateLifetime = true,
        ClockSkew = TimeSpan.FromMinutes(5),
    };
}

var handler = new JsonWebTokenHandler { MapInboundClaims = false };
var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, BareJsonContext.Default));
var app = builder.Build();

app.MapGet("/healthz", () => Results.Text("ok"));
app.MapPost("/api/messages", async (HttpRequest request) =>
{
    if (validation is not null)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }

        var result = await handler.ValidateTokenAsync(header[7..].Trim(), validation);
        if (!result.IsValid)
        {
            return Results.StatusCode(StatusCodes.Status401Unauthorized);
        }
    }

    BareActivity? activity;
    try
    {
        activity = await JsonSerializer.DeserializeAsync(request.Body, BareJsonContext.Default.BareActivity, request.HttpContext.RequestAborted);
    }
    catch (JsonException ex)
    {
        return Results.Problem(detail: ex.Message, statusCode: StatusCodes.Status400BadRequest);
    }

    if (activity is not { Type: "invoke", Name: "adaptiveCard/action" })
    {
        return Results.Problem(detail: "only adaptiveCard/action invokes are answered", statusCode: StatusCodes.Status400BadRequest);
    }

    var verb = activity.Value.ValueKind == JsonValueKind.Object && activity.Value.TryGetProperty("action", out var action) &&
               action.ValueKind == JsonValueKind.Object && action.TryGetProperty("verb", out var v) ? v.GetString() : null;
    var response = verb == "help.refresh"
        ? new BareInvokeResponse(200, "application/vnd.microsoft.card.adaptive", card)
        : new BareInvokeResponse(200, "application/vnd.microsoft.activity.message",
            JsonSerializer.SerializeToElement("This action is no longer available.", BareJsonContext.Default.String));
    return Results.Json(response, BareJsonContext.Default.BareInvokeResponse);
});

await app.RunAsync();
return 0;

string? Arg(string name)
{
    var i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}

static ArgumentException Usage(string message) =>
    new($"bare peer: {message}. Usage: Bare --urls http://127.0.0.1:PORT --card card.json [--jwt-key public.pem --app-id GUID]");

namespace CrisisBot.Bench.Bare
{
    internal sealed record BareAccount(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("aadObjectId")] string? AadObjectId);

    internal sealed record BareConversation(
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("conversationType")] string? ConversationType,
        [property: JsonPropertyName("tenantId")] string? TenantId);

    /// <summary>The activity fields a bot reads for an invoke (unknown fields are skipped).</summary>
    internal sealed record BareActivity(
        [property: JsonPropertyName("type")] string? Type,
        [property: JsonPropertyName("id")] string? Id,
        [property: JsonPropertyName("name")] string? Name,
        [property: JsonPropertyName("channelId")] string? ChannelId,
        [property: JsonPropertyName("serviceUrl")] string? ServiceUrl,
        [property: JsonPropertyName("from")] BareAccount? From,
        [property: JsonPropertyName("recipient")] BareAccount? Recipient,
        [property: JsonPropertyName("conversation")] BareConversation? Conversation,
        [property: JsonPropertyName("replyToId")] string? ReplyToId,
        [property: JsonPropertyName("value")] JsonElement Value);

    internal sealed record BareInvokeResponse(
        [property: JsonPropertyName("statusCode")] int StatusCode,
        [property: JsonPropertyName("type")] string Type,
        [property: JsonPropertyName("value")] JsonElement Value);

    [JsonSerializable(typeof(BareActivity))]
    [JsonSerializable(typeof(BareInvokeResponse))]
    [JsonSerializable(typeof(string))]
    internal sealed partial class BareJsonContext : JsonSerializerContext;
}
