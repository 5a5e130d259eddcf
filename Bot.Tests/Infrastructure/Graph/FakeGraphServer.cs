using System.Collections.Concurrent;
using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Infrastructure.Graph;

/// <summary>
/// A recorded contract of the Graph calls CrisisBot makes, served by Kestrel on 127.0.0.1 (free port): an Entra v2 token
/// endpoint (<c>POST /{tenant}/oauth2/v2.0/token</c>, client credentials) and <c>POST /v1.0/teams/{id}/channels</c>.
/// It checks the path, the JSON body and the bearer token it issued, and answers 201, or the status queued with
/// <see cref="EnqueueChannelAnswer"/> (403, 429 with Retry-After, …). Every request is recorded.
/// </summary>
public sealed class FakeGraphServer : IAsyncDisposable
{
    public const string TenantId = "11111111-2222-3333-4444-555555555555";
    public const string ClientId = "99999999-8888-7777-6666-555555555555";
    public const string ClientSecret = "local-test-secret";
    public const string TeamAadGroupId = "7a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d";

    /// <summary>The https authority host the bot is configured with; <see cref="AuthRedirectHandler"/> sends it here.</summary>
    public const string AuthorityHost = "https://login.graph-contract.test/";

    private readonly WebApplication _app;
    private readonly ConcurrentQueue<(int Status, string Body, int? RetryAfter)> _answers = new();
    private readonly ConcurrentQueue<(int Status, string Body)> _mailAnswers = new();
    private int _tokens;
    private int _channels;

    private FakeGraphServer(WebApplication app) => _app = app;

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Graph base URL to configure (<c>Graph:BaseUrl</c>).</summary>
    public string GraphBaseUrl => new Uri(BaseUri, "v1.0").ToString();

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    /// <summary>Problems the server found in the bot's requests (wrong path, body, token); a passing test expects none.</summary>
    public ConcurrentQueue<string> Violations { get; } = new();

    public IReadOnlyList<string> IssuedTokens => [.. Enumerable.Range(1, _tokens).Select(Token)];

    public static async Task<FakeGraphServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeGraphServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "FakeGraph",
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new FakeGraphServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return server;
    }

    /// <summary>The next channel creation answers <paramref name="status"/> with <paramref name="body"/> (else 201).</summary>
    public void EnqueueChannelAnswer(int status, string body, int? retryAfterSeconds = null) => _answers.Enqueue((status, body, retryAfterSeconds));

    /// <summary>The next <c>sendMail</c> answers <paramref name="status"/> with <paramref name="body"/> (else 202).</summary>
    public void EnqueueMailAnswer(int status, string body) => _mailAnswers.Enqueue((status, body));

    /// <summary>The sender mailbox every <c>sendMail</c> must use (<c>POST /v1.0/users/{MailSender}/sendMail</c>).</summary>
    public const string MailSender = "crisisbot@contoso.example";

    public static string InsufficientPrivilegesBody =>
        """{"error":{"code":"Forbidden","message":"Insufficient privileges to complete the operation.","innerError":{"date":"2026-11-22T10:00:00","request-id":"r-1"}}}""";

    public static string ThrottledBody =>
        """{"error":{"code":"TooManyRequests","message":"Too many requests.","innerError":{"date":"2026-11-22T10:00:00"}}}""";

    /// <summary>Routes token requests for <see cref="AuthorityHost"/> to this server (Entra's host is never contacted).</summary>
    public HttpMessageHandler AuthRedirectHandler() => new RedirectHandler(BaseUri);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private static string Token(int n) => $"graph-token-{n}";

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        using var reader = new StreamReader(request.Body);
        var body = await reader.ReadToEndAsync();
        var path = request.Path.Value ?? "";
        Requests.Enqueue(new RecordedRequest(request.Method, path, request.Headers.Authorization.ToString(), body));

        if (request.Method == "POST" && path == $"/{TenantId}/oauth2/v2.0/token")
        {
            await TokenAsync(context, body);
            return;
        }

        if (request.Method == "POST" && path.StartsWith("/v1.0/teams/", StringComparison.Ordinal) && path.EndsWith("/channels", StringComparison.Ordinal))
        {
            await CreateChannelAsync(context, path["/v1.0/teams/".Length..^"/channels".Length], body);
            return;
        }

        if (request.Method == "POST" && path.StartsWith("/v1.0/users/", StringComparison.Ordinal) && path.EndsWith("/sendMail", StringComparison.Ordinal))
        {
            await SendMailAsync(context, Uri.UnescapeDataString(path["/v1.0/users/".Length..^"/sendMail".Length]), body);
            return;
        }

        Violations.Enqueue($"unexpected {request.Method} {path}");
        context.Response.StatusCode = 404;
    }

    /// <summary><c>POST /users/{id}/sendMail</c>: bearer token, JSON with <c>message</c> (subject, HTML body, recipients); 202 with no body.</summary>
    private async Task SendMailAsync(HttpContext context, string sender, string body)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (!IssuedTokens.Any(t => auth == "Bearer " + t))
        {
            Violations.Enqueue($"sendMail with authorization '{auth}'");
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}""");
            return;
        }

        JsonNode? json = null;
        try
        {
            // Graph binds action parameters case-insensitively; the SDK sends "Message" and "SaveToSentItems".
            json = JsonNode.Parse(body, new JsonNodeOptions { PropertyNameCaseInsensitive = true });
        }
        catch (JsonException)
        {
            Violations.Enqueue("sendMail body is not JSON");
        }

        var message = json?["message"];
        Expect(sender == MailSender, $"sendMail sender {sender}");
        Expect(message is not null, "sendMail without message");
        Expect(!string.IsNullOrWhiteSpace((string?)message?["subject"]), "sendMail without subject");
        Expect(string.Equals((string?)message?["body"]?["contentType"], "html", StringComparison.OrdinalIgnoreCase), "sendMail body is not HTML");
        Expect(message?["toRecipients"] is JsonArray { Count: > 0 }, "sendMail without recipients");
        if (_mailAnswers.TryDequeue(out var answer))
        {
            context.Response.StatusCode = answer.Status;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.Body);
            return;
        }

        context.Response.StatusCode = 202;
    }

    private async Task TokenAsync(HttpContext context, string body)
    {
        var form = System.Web.HttpUtility.ParseQueryString(body);
        Expect(form["grant_type"] == "client_credentials", $"grant_type {form["grant_type"]}");
        Expect(form["client_id"] == ClientId, $"client_id {form["client_id"]}");
        if (form["client_secret"] != ClientSecret)
        {
            context.Response.StatusCode = 401;
            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(
                """{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret provided.","error_codes":[7000215]}""");
            return;
        }

        Expect(form["scope"] == "https://graph.microsoft.com/.default", $"scope {form["scope"]}");
        var n = Interlocked.Increment(ref _tokens);
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["token_type"] = "Bearer",
            ["expires_in"] = 3600,
            ["ext_expires_in"] = 3600,
            ["access_token"] = Token(n),
        }));
    }

    private async Task CreateChannelAsync(HttpContext context, string teamId, string body)
    {
        var auth = context.Request.Headers.Authorization.ToString();
        if (!IssuedTokens.Any(t => auth == "Bearer " + t))
        {
            Violations.Enqueue($"channel creation with authorization '{auth}'");
            context.Response.StatusCode = 401;
            await context.Response.WriteAsync("""{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty."}}""");
            return;
        }

        JsonNode? json = null;
        try
        {
            json = JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            Violations.Enqueue("channel body is not JSON");
        }

        var name = (string?)json?["displayName"];
        Expect(!string.IsNullOrWhiteSpace(name) && name.Length <= 50, $"displayName '{name}'");
        Expect((string?)json?["membershipType"] == "standard", $"membershipType {(string?)json?["membershipType"]}");
        Expect(json?["description"] is not null, "description missing");
        Expect(Uri.UnescapeDataString(teamId) == TeamAadGroupId, $"team id {teamId}");

        if (_answers.TryDequeue(out var answer))
        {
            context.Response.StatusCode = answer.Status;
            if (answer.RetryAfter is { } seconds)
            {
                context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
            }

            context.Response.ContentType = "application/json";
            await context.Response.WriteAsync(answer.Body);
            return;
        }

        var n = Interlocked.Increment(ref _channels);
        var id = $"19:crisis{n}@thread.tacv2";
        context.Response.StatusCode = 201;
        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync(JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["@odata.context"] = $"https://graph.microsoft.com/v1.0/$metadata#teams('{TeamAadGroupId}')/channels/$entity",
            ["id"] = id,
            ["displayName"] = name,
            ["description"] = (string?)json?["description"],
            ["membershipType"] = "standard",
            ["webUrl"] = $"https://teams.microsoft.com/l/channel/{Uri.EscapeDataString(id)}/{Uri.EscapeDataString(name ?? "")}?groupId={TeamAadGroupId}",
        }));
    }

    private void Expect(bool condition, string violation)
    {
        if (!condition)
        {
            Violations.Enqueue(violation);
        }
    }

    public sealed record RecordedRequest(string Method, string Path, string Authorization, string Body);

    private sealed class RedirectHandler(Uri target) : DelegatingHandler(new SocketsHttpHandler())
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var original = request.RequestUri!;
            if (original.Host != new Uri(AuthorityHost).Host)
            {
                throw new InvalidOperationException($"Token request to an unexpected host {original.Host}");
            }

            request.RequestUri = new Uri(target, original.PathAndQuery.TrimStart('/'));
            return base.SendAsync(request, cancellationToken);
        }
    }
}
