namespace CrisisBot.Infrastructure.Delivery;

/// <summary>
/// The client-side idempotency marker of an outgoing post: the delivery worker stamps the outbox row's key into
/// <c>activity.channelData.crisisBotKey</c>. Teams ignores unknown channelData properties; the fake Connector (and support,
/// reading a post's payload) use it to recognise the same logical post sent twice.
/// </summary>
public static class DeliveryMarker
{
    public const string ChannelDataProperty = "crisisBotKey";
}
