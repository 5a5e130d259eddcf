using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using CrisisBot.Protocol.Activities;

namespace CrisisBot.Protocol.Connector;

/// <summary>
/// The Bot Connector REST client (teams-protocol.md §4): a typed <see cref="HttpClient"/> from IHttpClientFactory whose
/// pipeline adds retries (<see cref="ConnectorRetryPolicy"/>) and the bearer token (<see cref="ConnectorAuthHandler"/>).
/// URLs are <c>{serviceUrl}/v3/…</c> with exactly one slash between, every id escaped with <see cref="Uri.EscapeDataString"/>.
/// A non-success answer throws <see cref="ConnectorException"/>; a refused destination throws
/// <see cref="ConnectorRequestRefusedException"/>; network failures that outlast the retries surface as
/// <see cref="HttpRequestException"/> or <see cref="Polly.Timeout.TimeoutRejectedException"/>.
/// </summary>
public sealed class ConnectorClient(HttpClient http, ILogger<ConnectorClient> logger) : IConnectorClient
{
    /// <summary>The IHttpClientFactory name of the Connector client (tests use it to swap the primary handler).</summary>
    public const string HttpClientName = "BotConnector";

    public const int MaxPageSize = 500;

    private static readonly MediaTypeHeaderValue JsonUtf8 = new("application/json") { CharSet = "utf-8" };

    public Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, OutgoingActivity activity, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var uri = BuildUri(serviceUrl, $"v3/conversations/{Segment(conversationId, nameof(conversationId))}/activities");
        return SendForResourceAsync("SendToConversation", HttpMethod.Post, uri, activity, ct);
    }

    public Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, OutgoingActivity activity, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var uri = BuildUri(serviceUrl,
            $"v3/conversations/{Segment(conversationId, nameof(conversationId))}/activities/{Segment(replyToId, nameof(replyToId))}");
        var reply = activity.ReplyToId is null ? activity with { ReplyToId = replyToId } : activity;
        return SendForResourceAsync("ReplyToActivity", HttpMethod.Post, uri, reply, ct);
    }

    public Task<ResourceResponse> UpdateAsync(string serviceUrl, string conversationId, string activityId, OutgoingActivity activity, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        var uri = BuildUri(serviceUrl,
            $"v3/conversations/{Segment(conversationId, nameof(conversationId))}/activities/{Segment(activityId, nameof(activityId))}");
        return SendForResourceAsync("UpdateActivity", HttpMethod.Put, uri, activity, ct);
    }

    public async Task DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken ct = default)
    {
        var uri = BuildUri(serviceUrl,
            $"v3/conversations/{Segment(conversationId, nameof(conversationId))}/activities/{Segment(activityId, nameof(activityId))}");
        await ExchangeAsync("DeleteActivity", HttpMethod.Delete, uri, null, ct);
    }

    public async Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        if (parameters.IsGroup && parameters.Activity is null)
        {
            throw new ArgumentException("A new channel post (isGroup) needs an activity: Teams refuses empty threads.", nameof(parameters));
        }

        if (string.IsNullOrWhiteSpace(parameters.TenantId))
        {
            throw new ArgumentException("CreateConversation needs the tenant id (tenantId).", nameof(parameters));
        }

        var uri = BuildUri(serviceUrl, "v3/conversations");
        var content = Json(parameters, ProtocolJsonContext.Default.ConversationParameters);
        var (status, body, cv) = await ExchangeAsync("CreateConversation", HttpMethod.Post, uri, content, ct);
        return string.IsNullOrWhiteSpace(body)
            ? new ConversationResourceResponse(null, null, null)
            : Parse(body, ProtocolJsonContext.Default.ConversationResourceResponse, "CreateConversation", status, cv);
    }

    public async Task<PagedMembersResult> GetPagedMembersAsync(string serviceUrl, string conversationId, int? pageSize = null, string? continuationToken = null, CancellationToken ct = default)
    {
        if (pageSize is < 1 or > MaxPageSize)
        {
            throw new ArgumentOutOfRangeException(nameof(pageSize), pageSize, $"pageSize must be between 1 and {MaxPageSize} (Teams raises values under 50 to 50).");
        }

        var query = new StringBuilder();
        if (pageSize is { } size)
        {
            query.Append(CultureInfo.InvariantCulture, $"pageSize={size}");
        }

        if (!string.IsNullOrEmpty(continuationToken))
        {
            query.Append(query.Length == 0 ? "" : "&").Append("continuationToken=").Append(Uri.EscapeDataString(continuationToken));
        }

        var path = $"v3/conversations/{Segment(conversationId, nameof(conversationId))}/pagedmembers";
        var uri = BuildUri(serviceUrl, query.Length == 0 ? path : $"{path}?{query}");
        var result = await GetAsync("GetConversationPagedMembers", uri, ProtocolJsonContext.Default.PagedMembersResult, ct);
        return result with { Members = result.Members ?? [] };
    }

    public Task<TeamsChannelAccount> GetMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken ct = default)
    {
        var uri = BuildUri(serviceUrl,
            $"v3/conversations/{Segment(conversationId, nameof(conversationId))}/members/{Segment(memberId, nameof(memberId))}");
        return GetAsync("GetConversationMember", uri, ProtocolJsonContext.Default.TeamsChannelAccount, ct);
    }

    public Task<TeamDetails> GetTeamDetailsAsync(string serviceUrl, string teamId, CancellationToken ct = default)
    {
        var uri = BuildUri(serviceUrl, $"v3/teams/{Segment(teamId, nameof(teamId))}");
        return GetAsync("GetTeamDetails", uri, ProtocolJsonContext.Default.TeamDetails, ct);
    }

    public async Task<IReadOnlyList<TeamChannel>> GetTeamChannelsAsync(string serviceUrl, string teamId, CancellationToken ct = default)
    {
        var uri = BuildUri(serviceUrl, $"v3/teams/{Segment(teamId, nameof(teamId))}/conversations");
        var list = await GetAsync("GetTeamChannels", uri, ProtocolJsonContext.Default.TeamChannelList, ct);
        return list.Conversations ?? [];
    }

    /// <summary><c>{serviceUrl}</c> with exactly one trailing slash, then <paramref name="relative"/> (already escaped).</summary>
    internal static Uri BuildUri(string serviceUrl, string relative)
    {
        if (string.IsNullOrWhiteSpace(serviceUrl))
        {
            throw new ArgumentException("serviceUrl is required: use the one stored with the conversation reference.", nameof(serviceUrl));
        }

        if (!Uri.TryCreate(serviceUrl, UriKind.Absolute, out var baseUri)
            || (baseUri.Scheme != Uri.UriSchemeHttps && baseUri.Scheme != Uri.UriSchemeHttp)
            || baseUri.Query.Length > 0 || baseUri.Fragment.Length > 0)
        {
            throw new ArgumentException($"serviceUrl '{serviceUrl}' is not an absolute http(s) URL without query or fragment.", nameof(serviceUrl));
        }

        return new Uri(serviceUrl.TrimEnd('/') + "/" + relative, UriKind.Absolute);
    }

    private static string Segment(string id, string parameterName)
    {
        if (string.IsNullOrWhiteSpace(id))
        {
            throw new ArgumentException($"{parameterName} is required.", parameterName);
        }

        return Uri.EscapeDataString(id);
    }

    private static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> typeInfo)
    {
        // Bytes, not a stream: the retry pipeline may send the same request content more than once.
        var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, typeInfo));
        content.Headers.ContentType = JsonUtf8;
        return content;
    }

    private async Task<ResourceResponse> SendForResourceAsync(string operation, HttpMethod method, Uri uri, OutgoingActivity activity, CancellationToken ct)
    {
        var (status, body, cv) = await ExchangeAsync(operation, method, uri, Json(activity, ProtocolJsonContext.Default.OutgoingActivity), ct);

        // typing and some 202 answers have no body.
        return string.IsNullOrWhiteSpace(body)
            ? new ResourceResponse(null)
            : Parse(body, ProtocolJsonContext.Default.ResourceResponse, operation, status, cv);
    }

    private async Task<T> GetAsync<T>(string operation, Uri uri, JsonTypeInfo<T> typeInfo, CancellationToken ct)
    {
        var (status, body, cv) = await ExchangeAsync(operation, HttpMethod.Get, uri, null, ct);
        if (string.IsNullOrWhiteSpace(body))
        {
            ConnectorLog.InvalidResponse(logger, null, operation, (int)status, cv);
            throw new ConnectorException(status, "EmptyResponse", body, operation);
        }

        return Parse(body, typeInfo, operation, status, cv);
    }

    private T Parse<T>(string body, JsonTypeInfo<T> typeInfo, string operation, System.Net.HttpStatusCode status, string? cv)
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo)
                ?? throw new JsonException("The body is JSON null.");
        }
        catch (JsonException ex)
        {
            ConnectorLog.InvalidResponse(logger, ex, operation, (int)status, cv);
            throw new ConnectorException(status, "InvalidResponse", body, operation);
        }
    }

    private async Task<(System.Net.HttpStatusCode Status, string Body, string? CorrelationVector)> ExchangeAsync(
        string operation, HttpMethod method, Uri uri, HttpContent? content, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, uri) { Content = content };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, ct);
        var body = await response.Content.ReadAsStringAsync(ct);
        var cv = ConnectorRetryPolicy.CorrelationVector(response);
        if (!response.IsSuccessStatusCode)
        {
            var errorCode = ParseErrorCode(body);
            ConnectorLog.CallFailed(logger, operation, method.Method, uri.Host, uri.AbsolutePath, (int)response.StatusCode, errorCode, cv);
            throw new ConnectorException(response.StatusCode, errorCode, body, operation);
        }

        return (response.StatusCode, body, cv);
    }

    /// <summary>The <c>error.code</c> of a Bot Framework ErrorResponse body, or null when the body is not one.</summary>
    internal static string? ParseErrorCode(string body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            return doc.RootElement.ValueKind == JsonValueKind.Object
                && doc.RootElement.TryGetProperty("error", out var error)
                && error.ValueKind == JsonValueKind.Object
                && error.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                    ? code.GetString()
                    : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
