using System.Text.Json;

namespace CrisisBot.Protocol.Routing;

/// <summary>
/// Body of the synchronous answer to an invoke: <c>{statusCode, type, value}</c>, always sent with HTTP 200 for
/// <c>adaptiveCard/action</c> (teams-protocol.md §5.4).
/// </summary>
public sealed record InvokeResponse(int StatusCode, string Type, JsonElement Value)
{
    public static InvokeResponse Card(JsonElement card) =>
        new(200, Activities.ContentTypes.AdaptiveCard, card);

    public static InvokeResponse Message(string text) =>
        new(200, Activities.ContentTypes.ActivityMessage, JsonSerializer.SerializeToElement(text, ProtocolJsonContext.Default.String));

    public static InvokeResponse Error(int statusCode, string code, string message) =>
        new(statusCode, Activities.ContentTypes.Error,
            JsonSerializer.SerializeToElement(new InvokeError(code, message), ProtocolJsonContext.Default.InvokeError));
}

public sealed record InvokeError(string Code, string Message);
