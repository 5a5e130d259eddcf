namespace CrisisBot.Protocol.Connector;

/// <summary>Supplies the bearer token the bot presents to the Bot Connector (teams-protocol.md §3).</summary>
public interface IBotTokenProvider
{
    /// <summary>An access token for <c>https://api.botframework.com/.default</c>; cached and refreshed by the implementation.</summary>
    Task<string> GetAccessTokenAsync(CancellationToken ct = default);
}
