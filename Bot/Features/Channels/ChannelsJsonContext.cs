using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace CrisisBot.Features.Channels;

[JsonSerializable(typeof(JsonObject))]
internal sealed partial class ChannelsJsonContext : JsonSerializerContext;
