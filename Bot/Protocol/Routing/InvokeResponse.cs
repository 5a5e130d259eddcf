using System.Text.Json;

namespace CrisisBot.Protocol.Routing;

/// <summary>
/// Body of the synchronous answer to an invoke: <c>{statusCode, type, value}</c>, always sent with HTTP 200 for
/// <c>adaptiveCard/action</c> (teams-protocol.md §5.4).
/// </summary>
public sealed record InvokeResponse(int StatusCode, string Type, JsonElement Value)
{
    /// <summary>The JSON of this response encoded once (<see cref="Encoded"/>), written as it is by the endpoint.</summary>
    internal byte[]? Utf8 { get; private init; }

    public static InvokeResponse Card(JsonElement card) =>
        new(200, Activities.ContentTypes.AdaptiveCard, card);

    public static InvokeResponse Message(string text) =>
        new(200, Activities.ContentTypes.ActivityMessage, JsonSerializer.SerializeToElement(text, ProtocolJsonContext.Default.String));

    public static InvokeResponse Error(int statusCode, string code, string message) =>
        new(statusCode, Activities.ContentTypes.Error,
            JsonSerializer.SerializeToElement(new InvokeError(code, message), ProtocolJsonContext.Default.InvokeError));

    /// <summary>
    /// The same response with its JSON encoded now, for an answer that never changes (the help card): the endpoint then
    /// writes those bytes on every request instead of walking the card's <see cref="JsonElement"/> again. Keep the
    /// result (e.g. in a static), or this saves nothing.
    /// </summary>
    public InvokeResponse Encoded() =>
        this with { Utf8 = JsonSerializer.SerializeToUtf8Bytes(this with { Utf8 = null }, ProtocolJsonContext.Default.InvokeResponse) };
}

public sealed record InvokeError(string Code, string Message);
