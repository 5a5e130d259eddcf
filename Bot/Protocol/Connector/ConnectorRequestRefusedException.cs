namespace CrisisBot.Protocol.Connector;

/// <summary>
/// The bot refused to send a Connector request because its host may not receive the bot's token
/// (not in <c>Bot:AllowedServiceUrlHosts</c>, not https, or not loopback in local mode). Nothing left the process.
/// </summary>
public sealed class ConnectorRequestRefusedException(Uri requestUri, string reason)
    : InvalidOperationException($"Refused to send a Connector request to {requestUri.GetLeftPart(UriPartial.Authority)}: {reason}")
{
    public Uri RequestUri { get; } = requestUri;
}
