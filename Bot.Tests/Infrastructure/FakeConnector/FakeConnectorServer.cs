using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisBot.Infrastructure.Delivery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CrisisBot.Tests.Infrastructure.FakeConnector;

/// <summary>
/// A Bot Connector on 127.0.0.1 (Kestrel, free port) for tests and for a bot started as a separate process: point the bot's
/// serviceUrl at <see cref="ServiceUrl"/> (loopback, so <c>Bot:LocalMode=true</c> on the bot side).
/// </summary>
/// <remarks>
/// <para>Routes (teams-protocol.md §4), under any path prefix ending before <c>v3/</c>: <c>POST v3/conversations</c>,
/// <c>POST v3/conversations/{id}/activities</c>, <c>POST|PUT|DELETE v3/conversations/{id}/activities/{activityId}</c>,
/// <c>GET v3/conversations/{id}/members[/{memberId}]</c>, <c>GET v3/conversations/{id}/pagedmembers</c>,
/// <c>GET v3/teams/{id}</c>, <c>GET v3/teams/{id}/conversations</c>.</para>
/// <para>Ids like Teams: a new channel post answers <c>{channel};messageid={n}</c> with activityId <c>n</c>; n grows.</para>
/// <para>Limits (teams-protocol.md §6): per thread 7/1 s, 8/2 s, 60/30 s, 1,800/h for writes; reads have their own
/// 14/16/120/3,600 budget; 50 requests/s per tenant. A request over a limit is recorded in <see cref="Violations"/> and
/// answered 429 (not carried out, not counted). Faulted and invalid requests are not counted either.</para>
/// <para>Duplicate detection: a sender marks each logical post with <c>activity.channelData.crisisBotKey</c>
/// (<see cref="DeliveryMarker.ChannelDataProperty"/>); <see cref="Duplicates"/> lists markers carried by more than one
/// created message.</para>
/// <para>Thread-safe: one lock guards all state; hanging requests wait outside it.</para>
/// </remarks>
public sealed class FakeConnectorServer : IAsyncDisposable
{
    private const long FirstMessageId = 1_760_000_000_000;
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };

    private readonly Lock _gate = new();
    private readonly WebApplication _app;
    private readonly FakeConnectorOptions _options;
    private readonly CancellationTokenSource _stopping = new();
    private readonly List<FakeRequest> _requests = [];
    private readonly List<FakeViolation> _violations = [];
    private readonly List<FakeUpdate> _updates = [];
    private readonly Dictionary<string, MessageState> _messages = new(StringComparer.Ordinal);
    private readonly List<string> _messageOrder = [];
    private readonly List<FaultRule> _faults = [];
    private readonly Dictionary<string, List<DateTimeOffset>> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TeamState> _teams = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _channelTeam = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _conversationTenant = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<FakeMember>> _members = new(StringComparer.Ordinal);
    private long _sequence;
    private long _nextMessageId = FirstMessageId;

    private FakeConnectorServer(WebApplication app, FakeConnectorOptions options)
    {
        _app = app;
        _options = options;
    }

    /// <summary>Base address, e.g. <c>http://127.0.0.1:41234</c>.</summary>
    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The serviceUrl to give the bot: <see cref="BaseUri"/> with a trailing slash.</summary>
    public string ServiceUrl => BaseUri.AbsoluteUri.TrimEnd('/') + "/";

    public FakeConnectorOptions Options => _options;

    /// <summary>
    /// Environment for a bot started as a separate process against this fake: local mode lets the Connector client talk
    /// to a loopback http serviceUrl without a token. The inbound activities the test sends carry <see cref="ServiceUrl"/>.
    /// </summary>
    public IReadOnlyDictionary<string, string> BotEnvironment => new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["Bot__LocalMode"] = "true",
        ["CRISISBOT_FAKE_CONNECTOR_URL"] = ServiceUrl,
    };

    public static async Task<FakeConnectorServer> StartAsync(FakeConnectorOptions? options = null, CancellationToken ct = default)
    {
        options ??= new FakeConnectorOptions();
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            ApplicationName = typeof(FakeConnectorServer).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
            EnvironmentName = "FakeConnector",
        });
        builder.Configuration.Sources.Clear();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k => k.Listen(IPAddress.Loopback, 0));
        builder.Services.Configure<Microsoft.Extensions.Hosting.HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(5));
        var app = builder.Build();
        var server = new FakeConnectorServer(app, options);
        app.Run(server.HandleAsync);
        await app.StartAsync(ct);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        server.BaseUri = new Uri(address.Replace("[::1]", "127.0.0.1", StringComparison.Ordinal));
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        await _app.StopAsync();
        await _app.DisposeAsync();
        _stopping.Dispose();
    }

    // ---------------------------------------------------------------- seeding

    /// <summary>Adds a team (its id is also the General channel's id) with its channels, in <paramref name="tenantId"/>.</summary>
    public void AddTeam(string teamId, string name, string aadGroupId, string? tenantId = null, params (string Id, string? Name)[] channels)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(teamId);
        lock (_gate)
        {
            var tenant = tenantId ?? _options.DefaultTenantId;
            var all = new List<(string Id, string? Name)> { (teamId, null) };
            all.AddRange(channels.Where(c => c.Id != teamId));
            _teams[teamId] = new TeamState(teamId, name, aadGroupId, tenant, all);
            foreach (var (id, _) in all)
            {
                _channelTeam[id] = teamId;
                _conversationTenant[id] = tenant;
            }
        }
    }

    /// <summary>Sets the roster of a team, channel or chat (a channel without its own roster uses its team's).</summary>
    public void SetMembers(string conversationId, params FakeMember[] members)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        lock (_gate)
        {
            _members[BaseId(conversationId)] = [.. members];
        }
    }

    // ---------------------------------------------------------------- faults

    /// <summary>Fails the next <paramref name="count"/> matching requests (-1: all until <see cref="ClearFaults"/>).</summary>
    public FaultRule InjectFault(
        FaultKind kind,
        int count = 1,
        string? pathContains = null,
        string? method = null,
        TimeSpan? retryAfter = null,
        bool afterApply = false,
        TimeSpan? hangFor = null)
    {
        var rule = new FaultRule(kind, count, pathContains, method, retryAfter, afterApply, hangFor);
        lock (_gate)
        {
            _faults.Add(rule);
        }

        return rule;
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    // ---------------------------------------------------------------- queries

    /// <summary>Every request so far, in arrival order.</summary>
    public IReadOnlyList<FakeRequest> Requests
    {
        get
        {
            lock (_gate)
            {
                return [.. _requests.OrderBy(r => r.Sequence)];
            }
        }
    }

    public IReadOnlyList<FakeViolation> Violations
    {
        get
        {
            lock (_gate)
            {
                return [.. _violations];
            }
        }
    }

    /// <summary>Every created message (posts, sends, replies; deleted ones too), in creation order, with its current state.</summary>
    public IReadOnlyList<FakeMessage> Messages
    {
        get
        {
            lock (_gate)
            {
                return [.. _messageOrder.Select(id => _messages[id].Snapshot())];
            }
        }
    }

    public IReadOnlyList<FakeUpdate> Updates
    {
        get
        {
            lock (_gate)
            {
                return [.. _updates];
            }
        }
    }

    public FakeMessage? FindMessage(string activityId)
    {
        lock (_gate)
        {
            return _messages.TryGetValue(activityId, out var m) ? m.Snapshot() : null;
        }
    }

    /// <summary>Created messages per channel id (new posts and replies in its threads).</summary>
    public IReadOnlyDictionary<string, int> PostsPerConversation()
    {
        lock (_gate)
        {
            return _messages.Values.GroupBy(m => m.ChannelId, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
    }

    /// <summary>Accepted updates of one message.</summary>
    public int UpdatesFor(string activityId)
    {
        lock (_gate)
        {
            return _messages.TryGetValue(activityId, out var m) ? m.UpdateCount : 0;
        }
    }

    /// <summary>Markers (<c>channelData.crisisBotKey</c>) carried by more than one created message, with their counts.</summary>
    public IReadOnlyDictionary<string, int> Duplicates()
    {
        lock (_gate)
        {
            return _messages.Values.Where(m => m.Marker is not null)
                .GroupBy(m => m.Marker!, StringComparer.Ordinal)
                .Where(g => g.Count() > 1)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        }
    }

    /// <summary>The created messages carrying <paramref name="marker"/>.</summary>
    public IReadOnlyList<FakeMessage> MessagesWithMarker(string marker)
    {
        lock (_gate)
        {
            return [.. _messageOrder.Select(id => _messages[id]).Where(m => m.Marker == marker).Select(m => m.Snapshot())];
        }
    }

    /// <summary>Polls (real time) until <paramref name="condition"/> holds; false on timeout.</summary>
    public async Task<bool> WaitUntilAsync(Func<FakeConnectorServer, bool> condition, TimeSpan timeout, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!condition(this))
        {
            if (Environment.TickCount64 > deadline)
            {
                return false;
            }

            await Task.Delay(20, ct);
        }

        return true;
    }

    // ---------------------------------------------------------------- request handling

    private async Task HandleAsync(HttpContext context)
    {
        var request = context.Request;
        string? body = null;
        if (request.ContentLength is > 0 || request.Headers.TransferEncoding.Count > 0)
        {
            using var reader = new StreamReader(request.Body, Encoding.UTF8);
            body = await reader.ReadToEndAsync(context.RequestAborted);
        }

        var raw = context.Features.GetRequiredFeature<IHttpRequestFeature>().RawTarget;
        var q = raw.IndexOf('?', StringComparison.Ordinal);
        var query = q >= 0 ? raw[(q + 1)..] : "";
        var rawPath = q >= 0 ? raw[..q] : raw;
        var route = Route.Parse(request.Method, rawPath);
        var authorization = request.Headers.Authorization.Count > 0 ? request.Headers.Authorization.ToString() : null;

        Outcome outcome;
        FaultRule? hang = null;
        lock (_gate)
        {
            outcome = Process(route, request.Method, body, query, authorization, out hang);
        }

        if (hang is not null)
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, _stopping.Token);
            try
            {
                await Task.Delay(hang.HangFor ?? Timeout.InfiniteTimeSpan, linked.Token);
            }
            catch (OperationCanceledException)
            {
                context.Abort();
                return;
            }

            var sequence = outcome.Sequence;
            outcome = Outcome.Error(HttpStatusCode.GatewayTimeout, "GatewayTimeout", "The fake Connector timed out (injected).") with { Sequence = sequence };
            lock (_gate)
            {
                var index = _requests.FindIndex(r => r.Sequence == sequence);
                _requests[index] = _requests[index] with { Status = (int)HttpStatusCode.GatewayTimeout };
            }
        }

        context.Response.StatusCode = (int)outcome.Status;
        if (outcome.RetryAfter is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = ((long)Math.Ceiling(retryAfter.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }

        context.Response.Headers["MS-CV"] = $"fake.{outcome.Sequence}";
        if (outcome.Body is not null)
        {
            context.Response.ContentType = "application/json; charset=utf-8";
            await context.Response.WriteAsync(outcome.Body, Encoding.UTF8, context.RequestAborted);
        }
    }

    /// <summary>Everything a request does to the state, under the lock. Sets <paramref name="hang"/> for a Timeout fault.</summary>
    private Outcome Process(Route route, string method, string? body, string query, string? authorization, out FaultRule? hang)
    {
        hang = null;
        var now = _options.Time.GetUtcNow();
        var sequence = ++_sequence;
        JsonNode? json = null;
        string? error = null;
        if (!string.IsNullOrWhiteSpace(body))
        {
            try
            {
                json = JsonNode.Parse(body);
            }
            catch (JsonException ex)
            {
                error = $"The body is not JSON: {ex.Message}";
            }
        }

        var tenant = ResolveTenant(route, json);
        var limitKey = LimitKey(route, json);
        var record = new FakeRequest(sequence, now, method, route.Path, route.Operation, route.ConversationId, limitKey, tenant,
            body, authorization, 0, null, false);

        Outcome Finish(Outcome outcome, FaultKind? fault = null, bool violated = false)
        {
            _requests.Add(record with { Status = (int)outcome.Status, Fault = fault, LimitViolated = violated });
            return outcome with { Sequence = sequence };
        }

        if (route.Operation == FakeOperations.Unknown)
        {
            return Finish(route.MethodNotAllowed
                ? Outcome.Error(HttpStatusCode.MethodNotAllowed, "MethodNotAllowed", $"{method} is not supported on {route.Path}.")
                : Outcome.Error(HttpStatusCode.NotFound, "NotFound", $"No Connector route {method} {route.Path}."));
        }

        var fault = _faults.FirstOrDefault(f => f.TryTake(method, route.Path));
        if (fault is not null && !fault.AfterApply)
        {
            if (fault.Kind == FaultKind.Timeout)
            {
                hang = fault;
                _requests.Add(record with { Fault = FaultKind.Timeout });
                return new Outcome(HttpStatusCode.GatewayTimeout, null, null, sequence);
            }

            return Finish(FaultOutcome(fault), fault.Kind);
        }

        if (error is not null)
        {
            return Finish(Outcome.Error(HttpStatusCode.BadRequest, "BadSyntax", error));
        }

        var violated = CheckLimits(route, tenant, limitKey, now, method);
        if (violated && _options.EnforceLimits)
        {
            return Finish(Outcome.Error(HttpStatusCode.TooManyRequests, "Throttled", "Too many requests (fake Connector limits).")
                with { RetryAfter = _options.RetryAfterOnLimit }, violated: true);
        }

        var result = Apply(route, json, query, tenant, now);
        if (result.Status is >= HttpStatusCode.OK and < HttpStatusCode.Ambiguous)
        {
            Count(route, tenant, limitKey, now);
        }

        if (fault is not null)
        {
            // AfterApply: the operation happened, the answer fails.
            if (fault.Kind == FaultKind.Timeout)
            {
                hang = fault;
                _requests.Add(record with { Fault = FaultKind.Timeout, LimitViolated = violated });
                return new Outcome(HttpStatusCode.GatewayTimeout, null, null, sequence);
            }

            return Finish(FaultOutcome(fault), fault.Kind, violated);
        }

        return Finish(result, violated: violated);
    }

    private static Outcome FaultOutcome(FaultRule fault) => fault.Kind switch
    {
        FaultKind.TooManyRequests => Outcome.Error(HttpStatusCode.TooManyRequests, "Throttled", "Too many requests (injected).") with { RetryAfter = fault.RetryAfter },
        FaultKind.InternalServerError => Outcome.Error(HttpStatusCode.InternalServerError, "InternalServerError", "Injected server error."),
        FaultKind.BadGateway => Outcome.Error(HttpStatusCode.BadGateway, "BadGateway", "Injected bad gateway."),
        _ => throw new InvalidOperationException($"No immediate answer for {fault.Kind}."),
    };

    // ---------------------------------------------------------------- limits (independent of the bot's limiter)

    private string? LimitKey(Route route, JsonNode? json)
    {
        if (route.Operation == FakeOperations.CreateConversation)
        {
            var channel = json?["channelData"]?["channel"]?["id"]?.GetValueKind() == JsonValueKind.String
                ? json["channelData"]!["channel"]!["id"]!.GetValue<string>()
                : null;
            var member = json?["members"] is JsonArray { Count: > 0 } members ? members[0]?["id"]?.ToString() : null;
            return channel is null ? "create:" + (member ?? "?") : BaseId(channel);
        }

        if (route.TeamId is not null)
        {
            return "team:" + route.TeamId;
        }

        if (route.ConversationId is null)
        {
            return null;
        }

        return _options.CountPerChannel || FakeOperations.IsRead(route.Operation) ? BaseId(route.ConversationId) : route.ConversationId;
    }

    private bool CheckLimits(Route route, string tenant, string? limitKey, DateTimeOffset now, string method)
    {
        var violated = false;
        var read = FakeOperations.IsRead(route.Operation);
        if (limitKey is not null)
        {
            var scope = read ? "read" : "thread";
            foreach (var limit in read ? _options.ReadLimits : _options.SendLimits)
            {
                if (CountWithin($"{scope}|{limitKey}", now, limit.Window) >= limit.Limit)
                {
                    _violations.Add(new FakeViolation(now, scope, limitKey, limit.Limit, limit.Window, method, route.Path));
                    violated = true;
                }
            }
        }

        if (CountWithin($"tenant|{tenant}", now, TimeSpan.FromSeconds(1)) >= _options.TenantPerSecond)
        {
            _violations.Add(new FakeViolation(now, "tenant", tenant, _options.TenantPerSecond, TimeSpan.FromSeconds(1), method, route.Path));
            violated = true;
        }

        return violated;
    }

    private void Count(Route route, string tenant, string? limitKey, DateTimeOffset now)
    {
        if (limitKey is not null)
        {
            Window($"{(FakeOperations.IsRead(route.Operation) ? "read" : "thread")}|{limitKey}").Add(now);
        }

        Window($"tenant|{tenant}").Add(now);
    }

    /// <summary>Accepted requests in the half-open window (now − length, now].</summary>
    private int CountWithin(string key, DateTimeOffset now, TimeSpan length)
    {
        var times = Window(key);
        times.RemoveAll(t => now - t >= TimeSpan.FromHours(1) + TimeSpan.FromMinutes(1));
        return times.Count(t => now - t < length);
    }

    private List<DateTimeOffset> Window(string key)
    {
        if (!_windows.TryGetValue(key, out var list))
        {
            list = [];
            _windows.Add(key, list);
        }

        return list;
    }

    private string ResolveTenant(Route route, JsonNode? json)
    {
        if (route.Operation == FakeOperations.CreateConversation && json?["tenantId"]?.GetValueKind() == JsonValueKind.String)
        {
            return json["tenantId"]!.GetValue<string>();
        }

        var id = route.ConversationId ?? route.TeamId;
        if (id is not null && _conversationTenant.TryGetValue(BaseId(id), out var tenant))
        {
            return tenant;
        }

        return _options.DefaultTenantId;
    }

    // ---------------------------------------------------------------- operations

    private Outcome Apply(Route route, JsonNode? json, string query, string tenant, DateTimeOffset now) => route.Operation switch
    {
        FakeOperations.CreateConversation => CreateConversation(json, tenant, now),
        FakeOperations.SendToConversation => PostMessage(route.ConversationId!, null, json, tenant, now, route.Operation),
        FakeOperations.ReplyToActivity => PostMessage(route.ConversationId!, route.ActivityId, json, tenant, now, route.Operation),
        FakeOperations.UpdateActivity => Update(route.ConversationId!, route.ActivityId!, json, now),
        FakeOperations.DeleteActivity => Delete(route.ConversationId!, route.ActivityId!),
        FakeOperations.GetMembers => Ok(Roster(route.ConversationId!), route),
        FakeOperations.GetPagedMembers => PagedMembers(route.ConversationId!, query),
        FakeOperations.GetMember => Member(route.ConversationId!, route.MemberId!),
        FakeOperations.GetTeamDetails => TeamDetails(route.TeamId!),
        FakeOperations.GetTeamChannels => TeamChannels(route.TeamId!),
        _ => Outcome.Error(HttpStatusCode.NotFound, "NotFound", route.Path),
    };

    private static Outcome Ok(object? value, Route route) => value is null
        ? Outcome.Error(HttpStatusCode.NotFound, "ConversationNotFound", $"Conversation {route.ConversationId} is unknown.")
        : new Outcome(HttpStatusCode.OK, JsonSerializer.Serialize(value, Json), null, 0);

    private Outcome CreateConversation(JsonNode? json, string tenant, DateTimeOffset now)
    {
        if (json is not JsonObject parameters)
        {
            return Outcome.Error(HttpStatusCode.BadRequest, "BadSyntax", "Incorrect conversation creation parameters: no body.");
        }

        if (parameters["tenantId"]?.GetValueKind() != JsonValueKind.String)
        {
            return Outcome.Error(HttpStatusCode.BadRequest, "BadSyntax", "Incorrect conversation creation parameters: tenantId is required.");
        }

        var isGroup = parameters["isGroup"]?.GetValueKind() == JsonValueKind.True;
        var activity = parameters["activity"];
        if (isGroup)
        {
            var channel = parameters["channelData"]?["channel"]?["id"];
            if (channel?.GetValueKind() != JsonValueKind.String || string.IsNullOrWhiteSpace(channel.GetValue<string>()))
            {
                return Outcome.Error(HttpStatusCode.BadRequest, "BadSyntax", "Incorrect conversation creation parameters: channelData.channel.id is required for a channel post.");
            }

            if (activity is not JsonObject)
            {
                return Outcome.Error(HttpStatusCode.BadRequest, "BadSyntax", "Incorrect conversation creation parameters: a channel post needs an activity.");
            }

            var channelId = BaseId(channel.GetValue<string>());
            if (ActivityProblem(activity) is { } problem)
            {
                return Outcome.Error(HttpStatusCode.BadRequest, "BadArgument", problem);
            }

            _conversationTenant.TryAdd(channelId, tenant);
            var message = Store(channelId, channelId, null, activity, tenant, now, FakeOperations.CreateConversation);
            return Created(new { id = message.ThreadId, activityId = message.ActivityId });
        }

        if (parameters["members"] is not JsonArray { Count: 1 } members || members[0]?["id"]?.GetValueKind() != JsonValueKind.String)
        {
            return Outcome.Error(HttpStatusCode.BadRequest, "BadSyntax", "Incorrect conversation creation parameters: a 1:1 chat needs exactly one member with an id.");
        }

        var memberId = members[0]!["id"]!.GetValue<string>();
        var chatId = "a:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(tenant + "|" + memberId)))[..24].ToLowerInvariant();
        _conversationTenant.TryAdd(chatId, tenant);
        if (activity is JsonObject)
        {
            if (ActivityProblem(activity) is { } problem)
            {
                return Outcome.Error(HttpStatusCode.BadRequest, "BadArgument", problem);
            }

            var message = Store(chatId, chatId, null, activity, tenant, now, FakeOperations.CreateConversation);
            return Created(new { id = chatId, activityId = message.ActivityId });
        }

        return Created(new { id = chatId });
    }

    private Outcome PostMessage(string conversationId, string? replyToId, JsonNode? activity, string tenant, DateTimeOffset now, string operation)
    {
        if (ActivityProblem(activity) is { } problem)
        {
            return Outcome.Error(HttpStatusCode.BadRequest, "BadArgument", problem);
        }

        if (replyToId is not null && !_messages.ContainsKey(replyToId))
        {
            return Outcome.Error(HttpStatusCode.NotFound, "ActivityNotFoundInConversation", $"Activity {replyToId} does not exist in the thread.");
        }

        var message = Store(conversationId, BaseId(conversationId), replyToId, activity!, tenant, now, operation);
        return Created(new { id = message.ActivityId });
    }

    private Outcome Update(string conversationId, string activityId, JsonNode? activity, DateTimeOffset now)
    {
        if (ActivityProblem(activity) is { } problem)
        {
            return Outcome.Error(HttpStatusCode.BadRequest, "BadArgument", problem);
        }

        if (!_messages.TryGetValue(activityId, out var message) || message.ChannelId != BaseId(conversationId))
        {
            return Outcome.Error(HttpStatusCode.NotFound, "ActivityNotFoundInConversation", "Message does not exist in the thread.");
        }

        if (message.Deleted)
        {
            return Outcome.Error(HttpStatusCode.Forbidden, "Unknown", "The message was deleted.");
        }

        var element = ToElement(activity!);
        message.Activity = element;
        message.UpdateCount++;
        message.UpdatedAt = now;
        _updates.Add(new FakeUpdate(now, activityId, conversationId, Marker(element), element));
        return new Outcome(HttpStatusCode.OK, JsonSerializer.Serialize(new { id = activityId }, Json), null, 0);
    }

    private Outcome Delete(string conversationId, string activityId)
    {
        if (!_messages.TryGetValue(activityId, out var message) || message.ChannelId != BaseId(conversationId))
        {
            return Outcome.Error(HttpStatusCode.NotFound, "ActivityNotFoundInConversation", "Message does not exist in the thread.");
        }

        message.Deleted = true;
        return new Outcome(HttpStatusCode.OK, null, null, 0);
    }

    private List<FakeMember>? Roster(string conversationId)
    {
        var id = BaseId(conversationId);
        if (_members.TryGetValue(id, out var members))
        {
            return members;
        }

        return _channelTeam.TryGetValue(id, out var team) && _members.TryGetValue(team, out var teamMembers) ? teamMembers : null;
    }

    private Outcome PagedMembers(string conversationId, string query)
    {
        if (Roster(conversationId) is not { } roster)
        {
            return Outcome.Error(HttpStatusCode.NotFound, "ConversationNotFound", $"Conversation {conversationId} is unknown.");
        }

        var parameters = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(query);
        var pageSize = 200;
        if (parameters.TryGetValue("pageSize", out var sizeText))
        {
            if (!int.TryParse(sizeText, NumberStyles.None, CultureInfo.InvariantCulture, out pageSize))
            {
                return Outcome.Error(HttpStatusCode.BadRequest, "BadArgument", $"pageSize '{sizeText}' is not a number.");
            }

            pageSize = Math.Clamp(pageSize, 50, 500);
        }

        var start = 0;
        if (parameters.TryGetValue("continuationToken", out var token) && !string.IsNullOrEmpty(token))
        {
            if (!token.ToString().StartsWith("page-", StringComparison.Ordinal)
                || !int.TryParse(token.ToString()[5..], NumberStyles.None, CultureInfo.InvariantCulture, out start)
                || start > roster.Count)
            {
                return Outcome.Error(HttpStatusCode.BadRequest, "BadArgument", "The continuation token is invalid.");
            }
        }

        var page = roster.Skip(start).Take(pageSize).ToList();
        var next = start + page.Count < roster.Count ? $"page-{start + page.Count}" : null;
        return new Outcome(HttpStatusCode.OK, JsonSerializer.Serialize(new { continuationToken = next, members = page }, Json), null, 0);
    }

    private Outcome Member(string conversationId, string memberId)
    {
        var member = Roster(conversationId)?.FirstOrDefault(m => m.Id == memberId || m.AadObjectId == memberId);
        return member is null
            ? Outcome.Error(HttpStatusCode.NotFound, "MemberNotFoundInConversation", $"Member {memberId} is not in conversation {conversationId}.")
            : new Outcome(HttpStatusCode.OK, JsonSerializer.Serialize(member, Json), null, 0);
    }

    private Outcome TeamDetails(string teamId)
    {
        if (!_teams.TryGetValue(BaseId(teamId), out var team))
        {
            return Outcome.Error(HttpStatusCode.NotFound, "NotFound", $"Team {teamId} is unknown.");
        }

        var details = new
        {
            id = team.Id,
            name = team.Name,
            aadGroupId = team.AadGroupId,
            tenantId = team.TenantId,
            type = "standard",
            channelCount = team.Channels.Count,
            memberCount = _members.TryGetValue(team.Id, out var m) ? m.Count : 0,
        };
        return new Outcome(HttpStatusCode.OK, JsonSerializer.Serialize(details, Json), null, 0);
    }

    private Outcome TeamChannels(string teamId)
    {
        if (!_teams.TryGetValue(BaseId(teamId), out var team))
        {
            return Outcome.Error(HttpStatusCode.NotFound, "NotFound", $"Team {teamId} is unknown.");
        }

        var list = new { conversations = team.Channels.Select(c => new { id = c.Id, name = c.Name }) };
        return new Outcome(HttpStatusCode.OK, JsonSerializer.Serialize(list, Json), null, 0);
    }

    private MessageState Store(string conversationId, string channelId, string? replyToId, JsonNode activity, string tenant, DateTimeOffset now, string operation)
    {
        var id = (_nextMessageId++).ToString(CultureInfo.InvariantCulture);
        var element = ToElement(activity);

        // A post to the bare channel (new post or send) starts a thread; anything else lands in the thread it names.
        var isChannel = conversationId.Contains("@thread.tacv2", StringComparison.Ordinal) || conversationId.Contains("@thread.skype", StringComparison.Ordinal);
        var threadId = isChannel && !conversationId.Contains(';', StringComparison.Ordinal) ? $"{channelId};messageid={id}" : conversationId;
        var message = new MessageState(id, conversationId, channelId, threadId, operation, Marker(element), tenant, element, now);
        _messages.Add(id, message);
        _messageOrder.Add(id);
        return message;
    }

    private static string? ActivityProblem(JsonNode? activity)
    {
        if (activity is not JsonObject obj)
        {
            return "The body must be an activity object.";
        }

        if (obj["type"]?.GetValueKind() != JsonValueKind.String)
        {
            return "The activity has no type.";
        }

        return null;
    }

    private static Outcome Created(object value) => new(HttpStatusCode.Created, JsonSerializer.Serialize(value, Json), null, 0);

    private static JsonElement ToElement(JsonNode node) => JsonSerializer.SerializeToElement(node);

    private static string? Marker(JsonElement activity) =>
        activity.TryGetProperty("channelData", out var data) && data.ValueKind == JsonValueKind.Object
        && data.TryGetProperty(DeliveryMarker.ChannelDataProperty, out var key) && key.ValueKind == JsonValueKind.String
            ? key.GetString()
            : null;

    /// <summary>The channel part of a conversation id (before <c>;</c>).</summary>
    public static string BaseId(string conversationId)
    {
        var cut = conversationId.IndexOf(';', StringComparison.Ordinal);
        return cut < 0 ? conversationId : conversationId[..cut];
    }

    private sealed record Outcome(HttpStatusCode Status, string? Body, TimeSpan? RetryAfter, long Sequence)
    {
        public static Outcome Error(HttpStatusCode status, string code, string message) =>
            new(status, JsonSerializer.Serialize(new { error = new { code, message } }, Json), null, 0);
    }

    private sealed record TeamState(string Id, string Name, string AadGroupId, string TenantId, List<(string Id, string? Name)> Channels);

    private sealed class MessageState(
        string activityId, string conversationId, string channelId, string threadId, string operation, string? marker,
        string tenantId, JsonElement activity, DateTimeOffset createdAt)
    {
        public string ActivityId { get; } = activityId;

        public string ChannelId { get; } = channelId;

        public string ThreadId { get; } = threadId;

        public string? Marker { get; } = marker;

        public JsonElement Activity { get; set; } = activity;

        public int UpdateCount { get; set; }

        public bool Deleted { get; set; }

        public DateTimeOffset? UpdatedAt { get; set; }

        public FakeMessage Snapshot() => new(ActivityId, conversationId, ChannelId, ThreadId, operation, Marker, tenantId, Activity,
            UpdateCount, Deleted, createdAt, UpdatedAt);
    }

    /// <summary>A parsed Connector path: which operation, on which ids (decoded).</summary>
    private sealed record Route(string Path, string Operation, string? ConversationId, string? ActivityId, string? MemberId, string? TeamId, bool MethodNotAllowed)
    {
        public static Route Parse(string method, string rawPath)
        {
            var start = rawPath.IndexOf("/v3/", StringComparison.Ordinal);
            if (start < 0)
            {
                return new Route(Uri.UnescapeDataString(rawPath), FakeOperations.Unknown, null, null, null, null, false);
            }

            var segments = rawPath[(start + 4)..].TrimEnd('/').Split('/').Select(Uri.UnescapeDataString).ToArray();
            var path = "v3/" + string.Join('/', segments);
            var m = method.ToUpperInvariant();
            Route Op(string operation, string allowed, string? conversation = null, string? activity = null, string? member = null, string? team = null) =>
                m == allowed
                    ? new Route(path, operation, conversation, activity, member, team, false)
                    : new Route(path, FakeOperations.Unknown, conversation, activity, member, team, true);

            return segments switch
            {
                ["conversations"] => Op(FakeOperations.CreateConversation, "POST"),
                ["conversations", var c, "activities"] => Op(FakeOperations.SendToConversation, "POST", c),
                ["conversations", var c, "activities", var a] => m switch
                {
                    "POST" => Op(FakeOperations.ReplyToActivity, "POST", c, a),
                    "PUT" => Op(FakeOperations.UpdateActivity, "PUT", c, a),
                    _ => Op(FakeOperations.DeleteActivity, "DELETE", c, a),
                },
                ["conversations", var c, "members"] => Op(FakeOperations.GetMembers, "GET", c),
                ["conversations", var c, "pagedmembers"] => Op(FakeOperations.GetPagedMembers, "GET", c),
                ["conversations", var c, "members", var u] => Op(FakeOperations.GetMember, "GET", c, member: u),
                ["teams", var t] => Op(FakeOperations.GetTeamDetails, "GET", team: t),
                ["teams", var t, "conversations"] => Op(FakeOperations.GetTeamChannels, "GET", team: t),
                _ => new Route(path, FakeOperations.Unknown, null, null, null, null, false),
            };
        }
    }
}
