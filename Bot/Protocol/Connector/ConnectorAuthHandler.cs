using System.Net.Http.Headers;
using Microsoft.Extensions.Options;

namespace CrisisBot.Protocol.Connector;

/// <summary>
/// Puts the bot's bearer token on Connector requests, and only on requests to an allow-listed https host
/// (<see cref="ServiceUrlPolicy"/> with local mode off). Any other destination is refused before anything is sent,
/// except a loopback host in local mode (the Agents Playground), which gets the request without a token.
/// In local mode no token is ever requested. Runs inside the retry pipeline, so every attempt gets a current token.
/// </summary>
public sealed class ConnectorAuthHandler(
    IBotTokenProvider tokenProvider,
    IOptionsMonitor<ConnectorOptions> options,
    ILogger<ConnectorAuthHandler> logger) : DelegatingHandler
{
    private static readonly string[] NoHosts = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        var uri = request.RequestUri;
        if (uri is null || !uri.IsAbsoluteUri)
        {
            throw new InvalidOperationException("A Connector request needs an absolute URI built from the conversation's serviceUrl.");
        }

        var current = options.CurrentValue;
        if (current.LocalMode)
        {
            if (!ServiceUrlPolicy.IsAllowed(uri, NoHosts, localMode: true))
            {
                throw Refuse(uri, "Bot:LocalMode is on, so the bot only talks to a loopback Connector (the Agents Playground) and has no token for any other host.");
            }

            // Local mode never carries a token, even if something upstream set one.
            request.Headers.Authorization = null;
            ConnectorLog.SendingWithoutToken(logger, uri.Host);
            return await base.SendAsync(request, cancellationToken);
        }

        if (!ServiceUrlPolicy.IsAllowed(uri, current.AllowedServiceUrlHosts, localMode: false))
        {
            throw Refuse(uri, "the host is not https or not in Bot:AllowedServiceUrlHosts, and the bot's token must not leave for it.");
        }

        var token = await tokenProvider.GetAccessTokenAsync(cancellationToken);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await base.SendAsync(request, cancellationToken);
    }

    private ConnectorRequestRefusedException Refuse(Uri uri, string reason)
    {
        ConnectorLog.RequestRefused(logger, uri.GetLeftPart(UriPartial.Authority), reason);
        return new ConnectorRequestRefusedException(uri, reason);
    }
}
