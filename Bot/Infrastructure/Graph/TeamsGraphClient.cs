using System.Globalization;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Microsoft.Extensions.Options;
using Microsoft.Graph;
using Microsoft.Graph.Models;
using Microsoft.Graph.Models.ODataErrors;
using Microsoft.Kiota.Abstractions;
using Microsoft.Kiota.Authentication.Azure;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware;
using Microsoft.Kiota.Http.HttpClientLibrary.Middleware.Options;

namespace CrisisBot.Infrastructure.Graph;

/// <summary>
/// <see cref="ITeamsGraph"/> over the Microsoft Graph SDK (5.x) with Azure.Identity client credentials (secret or
/// certificate). The Graph client and credential are built on first use; the SDK's retry handler retries 429/503 up to
/// <c>Graph:MaxRetries</c> times honouring Retry-After. Token requests go through the named HttpClient
/// <see cref="AuthHttpClientName"/> (tests point it at a local token endpoint).
/// </summary>
public sealed class TeamsGraphClient : ITeamsGraph, IDisposable
{
    /// <summary>Named HttpClient (handler) used for Entra token requests.</summary>
    public const string AuthHttpClientName = "CrisisBot.GraphAuth";

    public const string GraphScope = "https://graph.microsoft.com/.default";

    private readonly GraphOptions _options;
    private readonly IHttpMessageHandlerFactory _handlers;
    private readonly ILogger<TeamsGraphClient> _logger;
    private readonly Lazy<(GraphServiceClient Client, HttpClient Http)> _client;

    public TeamsGraphClient(IOptions<GraphOptions> options, IHttpMessageHandlerFactory handlers, ILogger<TeamsGraphClient> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _handlers = handlers;
        _logger = logger;
        _client = new Lazy<(GraphServiceClient, HttpClient)>(Build, LazyThreadSafetyMode.ExecutionAndPublication);
    }

    public bool IsConfigured => _options.IsConfigured;

    public string? TeamId => string.IsNullOrWhiteSpace(_options.TeamId) ? null : _options.TeamId.Trim();

    public async Task<GraphResult<GraphChannel>> CreateChannelAsync(string teamAadGroupId, string displayName, string description, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(teamAadGroupId);
        ArgumentException.ThrowIfNullOrWhiteSpace(displayName);
        if (!IsConfigured)
        {
            return GraphResult.Failed<GraphChannel>(NotConfiguredTeamsGraph.NotConfigured("crisis channel creation"));
        }

        var body = new Channel
        {
            DisplayName = displayName,
            Description = description,
            MembershipType = ChannelMembershipType.Standard,
        };
        try
        {
            var created = await _client.Value.Client.Teams[teamAadGroupId].Channels.PostAsync(body, cancellationToken: ct);
            if (created?.Id is not { Length: > 0 } id)
            {
                return GraphResult.Failed<GraphChannel>(new GraphFailure(GraphFailureKind.Unavailable,
                    "Microsoft Graph created the channel but returned no channel id.", "Graph answered POST /teams/{id}/channels without an id."));
            }

            Uri.TryCreate(created.WebUrl, UriKind.Absolute, out var webUrl);
            GraphLog.ChannelCreated(_logger, teamAadGroupId, id);
            return GraphResult.Ok(new GraphChannel(id, created.DisplayName ?? displayName, webUrl?.Scheme == Uri.UriSchemeHttps ? webUrl : null));
        }
        catch (ODataError error)
        {
            var failure = Map(error.ResponseStatusCode, error.Error?.Code, error.Error?.Message ?? error.Message, RetryAfter(error), teamAadGroupId);
            GraphLog.CallFailed(_logger, "create channel", error.ResponseStatusCode, failure.Kind.ToString(), error.Error?.Code);
            return GraphResult.Failed<GraphChannel>(failure);
        }
        catch (ApiException error)
        {
            var failure = Map(error.ResponseStatusCode, null, error.Message, RetryAfter(error), teamAadGroupId);
            GraphLog.CallFailed(_logger, "create channel", error.ResponseStatusCode, failure.Kind.ToString(), null);
            return GraphResult.Failed<GraphChannel>(failure);
        }
        catch (AggregateException error) when (error.InnerExceptions.LastOrDefault() is ApiException last)
        {
            // The retry handler gives up with every attempt's exception: report the last answer.
            var failure = Map(last.ResponseStatusCode, null, last.Message, RetryAfter(last), teamAadGroupId);
            GraphLog.CallFailed(_logger, "create channel", last.ResponseStatusCode, failure.Kind.ToString(), null);
            return GraphResult.Failed<GraphChannel>(failure);
        }
        catch (AuthenticationFailedException error)
        {
            GraphLog.TokenFailed(_logger, _options.ClientId, _options.TenantId, error);
            return GraphResult.Failed<GraphChannel>(new GraphFailure(GraphFailureKind.AuthenticationFailed,
                "CrisisBot could not sign in to Microsoft Graph.",
                $"Getting a Graph token for app '{_options.ClientId}' in tenant '{_options.TenantId}' failed: {FirstLine(error.Message)} " +
                "Check Graph:TenantId, Graph:ClientId and the secret or certificate."));
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            GraphLog.Unreachable(_logger, error);
            return GraphResult.Failed<GraphChannel>(new GraphFailure(GraphFailureKind.Unavailable,
                "Microsoft Graph did not answer in time.", $"Graph call failed: {error.GetType().Name}: {FirstLine(error.Message)}"));
        }
    }

    public async Task<GraphResult<GraphMailSent>> SendMailAsync(string sender, GraphMail mail, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(sender);
        ArgumentNullException.ThrowIfNull(mail);
        if (!IsConfigured)
        {
            return GraphResult.Failed<GraphMailSent>(NotConfiguredTeamsGraph.NotConfigured("the e-mail copy of the leadership summary", "Mail.Send"));
        }

        var body = new Microsoft.Graph.Users.Item.SendMail.SendMailPostRequestBody
        {
            Message = new Message
            {
                Subject = mail.Subject,
                Body = new ItemBody { ContentType = BodyType.Html, Content = mail.HtmlBody },
                ToRecipients = [.. mail.To.Select(a => new Recipient { EmailAddress = new EmailAddress { Address = a } })],
                Attachments = [.. mail.Attachments.Select(a => (Attachment)new FileAttachment
                {
                    OdataType = "#microsoft.graph.fileAttachment",
                    Name = a.Name,
                    ContentType = a.ContentType,
                    ContentId = a.ContentId,
                    IsInline = true,
                    ContentBytes = a.Content,
                })],
            },
            SaveToSentItems = false,
        };
        try
        {
            await _client.Value.Client.Users[sender].SendMail.PostAsync(body, cancellationToken: ct);
            GraphLog.MailSent(_logger, sender, mail.To.Count);
            return GraphResult.Ok(new GraphMailSent(mail.To.Count));
        }
        catch (ODataError error)
        {
            var failure = MapMail(error.ResponseStatusCode, error.Error?.Code, error.Error?.Message ?? error.Message, RetryAfter(error), sender);
            GraphLog.CallFailed(_logger, "send mail", error.ResponseStatusCode, failure.Kind.ToString(), error.Error?.Code);
            return GraphResult.Failed<GraphMailSent>(failure);
        }
        catch (ApiException error)
        {
            var failure = MapMail(error.ResponseStatusCode, null, error.Message, RetryAfter(error), sender);
            GraphLog.CallFailed(_logger, "send mail", error.ResponseStatusCode, failure.Kind.ToString(), null);
            return GraphResult.Failed<GraphMailSent>(failure);
        }
        catch (AggregateException error) when (error.InnerExceptions.LastOrDefault() is ApiException last)
        {
            var failure = MapMail(last.ResponseStatusCode, null, last.Message, RetryAfter(last), sender);
            GraphLog.CallFailed(_logger, "send mail", last.ResponseStatusCode, failure.Kind.ToString(), null);
            return GraphResult.Failed<GraphMailSent>(failure);
        }
        catch (AuthenticationFailedException error)
        {
            GraphLog.TokenFailed(_logger, _options.ClientId, _options.TenantId, error);
            return GraphResult.Failed<GraphMailSent>(new GraphFailure(GraphFailureKind.AuthenticationFailed,
                "CrisisBot could not sign in to Microsoft Graph.",
                $"Getting a Graph token for app '{_options.ClientId}' in tenant '{_options.TenantId}' failed: {FirstLine(error.Message)} " +
                "Check Graph:TenantId, Graph:ClientId and the secret or certificate."));
        }
        catch (Exception error) when (error is HttpRequestException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            GraphLog.Unreachable(_logger, error);
            return GraphResult.Failed<GraphMailSent>(new GraphFailure(GraphFailureKind.Unavailable,
                "Microsoft Graph did not answer in time.", $"Graph call failed: {error.GetType().Name}: {FirstLine(error.Message)}"));
        }
    }

    /// <summary>Maps a sendMail error answer: 403 names Mail.Send, 404 the sender mailbox; the rest as <see cref="Map"/>.</summary>
    internal static GraphFailure MapMail(int status, string? code, string message, TimeSpan? retryAfter, string sender)
    {
        var detail = string.IsNullOrWhiteSpace(code) ? FirstLine(message) : $"{code}: {FirstLine(message)}";
        return status switch
        {
            (int)HttpStatusCode.Forbidden => new GraphFailure(GraphFailureKind.InsufficientPrivileges,
                "CrisisBot is not allowed to send e-mail (Microsoft Graph answered 403).",
                "Grant CrisisBot's app registration the Microsoft Graph application permission Mail.Send and give admin consent " +
                $"(an Exchange application access policy may also limit which mailboxes it can send as; Summaries:MailFrom is '{sender}'). Graph said: {detail}")
            {
                StatusCode = status,
                MissingPermission = "Mail.Send",
            },
            (int)HttpStatusCode.NotFound => new GraphFailure(GraphFailureKind.NotFound,
                $"Microsoft Graph does not know the mailbox '{sender}' (404).",
                $"Summaries:MailFrom must be a licensed mailbox's UPN or object id. Graph said: {detail}")
            { StatusCode = status },
            (int)HttpStatusCode.BadRequest => new GraphFailure(GraphFailureKind.BadRequest,
                "Microsoft Graph refused the e-mail (400).", $"Check Summaries:MailTo. Graph said: {detail}")
            { StatusCode = status },
            _ => Map(status, code, message, retryAfter, sender),
        };
    }

    /// <summary>Maps a Graph error answer to a failure with user and admin wording.</summary>
    internal static GraphFailure Map(int status, string? code, string message, TimeSpan? retryAfter, string teamId)
    {
        var detail = string.IsNullOrWhiteSpace(code) ? FirstLine(message) : $"{code}: {FirstLine(message)}";
        return status switch
        {
            (int)HttpStatusCode.Forbidden => new GraphFailure(GraphFailureKind.InsufficientPrivileges,
                "CrisisBot is not allowed to create channels in that team (Microsoft Graph answered 403).",
                "Grant CrisisBot's app registration the Microsoft Graph application permission Channel.Create " +
                "(or the resource-specific permission Channel.Create.Group for this team) and give admin consent. " +
                $"Graph said: {detail}")
            {
                StatusCode = status,
                MissingPermission = "Channel.Create",
            },
            (int)HttpStatusCode.Unauthorized => new GraphFailure(GraphFailureKind.AuthenticationFailed,
                "Microsoft Graph rejected CrisisBot's sign-in (401).",
                $"Graph rejected the app token: check Graph:TenantId and Graph:ClientId. Graph said: {detail}")
            { StatusCode = status },
            (int)HttpStatusCode.NotFound => new GraphFailure(GraphFailureKind.NotFound,
                $"Microsoft Graph does not know the team '{teamId}' (404).",
                $"Graph:TeamId must be the team's Entra group id (aadGroupId). Graph said: {detail}")
            { StatusCode = status },
            (int)HttpStatusCode.Conflict => Conflict(status, detail),
            (int)HttpStatusCode.BadRequest when IsNameConflict(code, message) => Conflict(status, detail),
            (int)HttpStatusCode.BadRequest => new GraphFailure(GraphFailureKind.BadRequest,
                "Microsoft Graph refused the channel (400).", $"Graph said: {detail}")
            { StatusCode = status },
            (int)HttpStatusCode.TooManyRequests => new GraphFailure(GraphFailureKind.Throttled,
                "Microsoft Graph is throttling CrisisBot right now" + (retryAfter is { } wait ? $"; try again in {Math.Ceiling(wait.TotalSeconds):0} s." : "; try again in a minute."),
                $"Graph answered 429 after the client's retries. Graph said: {detail}")
            {
                StatusCode = status,
                RetryAfter = retryAfter,
            },
            _ => new GraphFailure(GraphFailureKind.Unavailable,
                $"Microsoft Graph failed ({status}).", $"Graph answered {status}. Graph said: {detail}")
            { StatusCode = status },
        };
    }

    public void Dispose()
    {
        if (_client.IsValueCreated)
        {
            _client.Value.Http.Dispose();
        }
    }

    private static GraphFailure Conflict(int status, string detail) => new(GraphFailureKind.NameConflict,
        "A channel with that name already exists in the team.", $"Graph said: {detail}")
    { StatusCode = status };

    private static bool IsNameConflict(string? code, string message) =>
        (code?.Contains("NameAlreadyExists", StringComparison.OrdinalIgnoreCase) ?? false)
        || message.Contains("already exist", StringComparison.OrdinalIgnoreCase);

    private static TimeSpan? RetryAfter(ApiException error)
    {
        if (error.ResponseHeaders is null)
        {
            return null;
        }

        foreach (var (name, values) in error.ResponseHeaders)
        {
            if (string.Equals(name, "Retry-After", StringComparison.OrdinalIgnoreCase)
                && values.FirstOrDefault() is { } value
                && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            {
                return TimeSpan.FromSeconds(seconds);
            }
        }

        return null;
    }

    private static string FirstLine(string text)
    {
        var line = text.Split('\n', 2)[0].Trim();
        return line.Length > 300 ? line[..300] + "…" : line;
    }

    private (GraphServiceClient, HttpClient) Build()
    {
        var authority = new Uri(_options.AuthorityHost);
        var transport = new HttpClientTransport(_handlers.CreateHandler(AuthHttpClientName));
        TokenCredential credential = !string.IsNullOrWhiteSpace(_options.ClientSecret)
            ? new ClientSecretCredential(_options.TenantId, _options.ClientId, _options.ClientSecret,
                new ClientSecretCredentialOptions { AuthorityHost = authority, Transport = transport, DisableInstanceDiscovery = true })
            : new ClientCertificateCredential(_options.TenantId, _options.ClientId, _options.CertificatePath,
                new ClientCertificateCredentialOptions { AuthorityHost = authority, Transport = transport, DisableInstanceDiscovery = true });

        var baseUrl = _options.BaseUrl.TrimEnd('/');
        var auth = new AzureIdentityAuthenticationProvider(credential, [new Uri(baseUrl).Host], null, false, GraphScope);
        var handlers = GraphClientFactory.CreateDefaultHandlers();
        for (var i = 0; i < handlers.Count; i++)
        {
            if (handlers[i] is RetryHandler)
            {
                handlers[i] = new RetryHandler(new RetryHandlerOption { MaxRetry = _options.MaxRetries });
            }
        }

        var http = GraphClientFactory.Create(handlers, finalHandler: new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        http.Timeout = _options.Timeout;
        return (new GraphServiceClient(http, auth, baseUrl), http);
    }
}
