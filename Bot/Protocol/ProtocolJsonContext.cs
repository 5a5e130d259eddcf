using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Protocol;

/// <summary>Source-generated System.Text.Json metadata for the wire protocol: camelCase, nulls omitted.</summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(Activity))]
[JsonSerializable(typeof(OutgoingActivity))]
[JsonSerializable(typeof(InvokeResponse))]
[JsonSerializable(typeof(InvokeError))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(ResourceResponse))]
[JsonSerializable(typeof(ConversationResourceResponse))]
[JsonSerializable(typeof(ConversationParameters))]
[JsonSerializable(typeof(ChannelPostChannelData))]
[JsonSerializable(typeof(TeamsChannelAccount))]
[JsonSerializable(typeof(List<TeamsChannelAccount>))]
[JsonSerializable(typeof(PagedMembersResult))]
[JsonSerializable(typeof(TeamDetails))]
[JsonSerializable(typeof(TeamChannelList))]
public sealed partial class ProtocolJsonContext : JsonSerializerContext;
