using System.Text.Json.Serialization;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>
/// Body of <c>GET /healthz</c>: <c>{"status":"healthy","storage":"sqlite"}</c>; <c>"degraded"</c> with <c>deadLetters</c>
/// while the outbox holds dead-lettered rows.
/// </summary>
public sealed record HealthResponse(string Status, string Storage)
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DeadLetters { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
