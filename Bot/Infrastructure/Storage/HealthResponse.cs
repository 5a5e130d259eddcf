using System.Text.Json.Serialization;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>Body of <c>GET /healthz</c>: <c>{"status":"healthy","storage":"sqlite"}</c>.</summary>
public sealed record HealthResponse(string Status, string Storage);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(HealthResponse))]
internal sealed partial class StorageJsonContext : JsonSerializerContext;
