using System.Text.Json;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Hosting;

namespace CrisisBot.Protocol.Routing;

/// <summary>
/// Dispatches turns to the handlers features registered through <see cref="IRouteBuilder"/>. Built once at startup from
/// every <see cref="IBotRoutes"/> in DI (<see cref="Build"/>); a duplicate key throws then, naming the key.
/// </summary>
/// <remarks>
/// Messages: a <c>value</c> with a <c>verb</c> is an Action.Submit fallback and goes to the card-action handler; text goes
/// to a command handler (in channels and group chats only when the bot is @mentioned); a message that is neither goes to
/// an <c>OnActivity("message")</c> handler when one is registered, else it is ignored. Other non-invoke types go to their
/// <c>OnActivity</c> handler or are ignored. Invokes: <c>adaptiveCard/action</c> by verb, others by name (501 when unknown).
/// </remarks>
public sealed class ActivityRouter : IRouteBuilder
{
    /// <summary>Answer to a verb nobody handles (an old card, a removed feature): never a 501.</summary>
    public const string UnknownVerbMessage = "This action is no longer available. Send \"help\" to get a fresh card.";

    /// <summary>Answer when a card-action handler throws.</summary>
    public const string ActionFailedMessage = "Sorry, something went wrong while handling that action. Please try again in a moment.";

    private readonly Dictionary<string, ActivityHandler> _activities = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, InvokeHandler> _invokes = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CardActionHandler> _verbs = new(StringComparer.Ordinal);
    private readonly Dictionary<string, CommandHandler> _commands = new(StringComparer.OrdinalIgnoreCase);
    private readonly ILogger _logger;
    private CommandHandler? _unknownCommand;
    private bool _frozen;

    public ActivityRouter(ILogger<ActivityRouter> logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        _logger = logger;
    }

    /// <summary>Builds the router from every registration and freezes it.</summary>
    public static ActivityRouter Build(IEnumerable<IBotRoutes> registrations, ILogger<ActivityRouter> logger)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        var router = new ActivityRouter(logger);
        foreach (var registration in registrations)
        {
            registration.Register(router);
        }

        router._frozen = true;
        ProtocolLog.RouterBuilt(logger, router.RouteKeys.Count);
        return router;
    }

    /// <summary>Every registered key, e.g. <c>verb:help.refresh</c>, <c>command:status</c>, <c>activity:conversationUpdate</c>.</summary>
    public IReadOnlyCollection<string> RouteKeys =>
        _activities.Keys.Select(k => $"activity:{k}")
            .Concat(_invokes.Keys.Select(k => $"invoke:{k}"))
            .Concat(_verbs.Keys.Select(k => $"verb:{k}"))
            .Concat(_commands.Keys.Select(k => $"command:{k}"))
            .Concat(_unknownCommand is null ? [] : ["unknown-command"])
            .ToList();

    public IRouteBuilder OnActivity(string activityType, ActivityHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(activityType);
        if (string.Equals(activityType, ActivityTypes.Invoke, StringComparison.OrdinalIgnoreCase))
        {
            throw new ArgumentException("Invokes are routed with OnInvoke (or OnCardAction for adaptiveCard/action), not OnActivity.", nameof(activityType));
        }

        Add(_activities, activityType, handler, $"activity type '{activityType}'");
        return this;
    }

    public IRouteBuilder OnInvoke(string invokeName, InvokeHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(invokeName);
        if (string.Equals(invokeName, InvokeNames.AdaptiveCardAction, StringComparison.Ordinal))
        {
            throw new ArgumentException("adaptiveCard/action is routed by verb: use OnCardAction.", nameof(invokeName));
        }

        Add(_invokes, invokeName, handler, $"invoke '{invokeName}'");
        return this;
    }

    public IRouteBuilder OnCardAction(string verb, CardActionHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(verb);
        Add(_verbs, verb, handler, $"card verb '{verb}'");
        return this;
    }

    public IRouteBuilder OnCommand(string name, CommandHandler handler)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (name.Any(char.IsWhiteSpace))
        {
            throw new ArgumentException($"A command name is one word, got '{name}'.", nameof(name));
        }

        Add(_commands, name, handler, $"command '{name.ToLowerInvariant()}'");
        return this;
    }

    public IRouteBuilder OnUnknownCommand(CommandHandler handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        EnsureNotFrozen();
        if (_unknownCommand is not null)
        {
            throw new InvalidOperationException("Duplicate route registration: the unknown-command handler is already registered.");
        }

        _unknownCommand = handler;
        return this;
    }

    /// <summary>Answers an invoke (synchronously, inside the HTTP request).</summary>
    public async Task<InvokeResponse> InvokeAsync(TurnContext turn, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var activity = turn.Activity;
        if (string.Equals(activity.Name, InvokeNames.AdaptiveCardAction, StringComparison.Ordinal))
        {
            var action = CardActionParser.ParseInvoke(activity, out var error);
            if (action is null)
            {
                ProtocolLog.MalformedCardAction(_logger, activity.Id, error!);
                return InvokeResponse.Error(StatusCodes.Status400BadRequest, "BadRequest", error!);
            }

            return await ExecuteCardActionAsync(turn, action, ct);
        }

        if (activity.Name is not null && _invokes.TryGetValue(activity.Name, out var handler))
        {
            try
            {
                return await handler(turn, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                ProtocolLog.InvokeFailed(_logger, ex, activity.Name);
                return InvokeResponse.Error(StatusCodes.Status500InternalServerError, "InternalError", "The bot could not handle this request.");
            }
        }

        ProtocolLog.UnknownInvoke(_logger, activity.Name);
        return InvokeResponse.Error(StatusCodes.Status501NotImplemented, "NotImplemented", $"The invoke '{activity.Name}' is not supported.");
    }

    /// <summary>Handles a non-invoke activity (in the background turn processor).</summary>
    public async Task ProcessAsync(TurnContext turn, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        var activity = turn.Activity;
        if (string.Equals(activity.Type, ActivityTypes.Invoke, StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException("Invokes are answered with InvokeAsync.");
        }

        if (string.Equals(activity.Type, ActivityTypes.Message, StringComparison.OrdinalIgnoreCase))
        {
            await ProcessMessageAsync(turn, ct);
            return;
        }

        if (activity.Type is not null && _activities.TryGetValue(activity.Type, out var handler))
        {
            await handler(turn, ct);
            return;
        }

        ProtocolLog.NoRoute(_logger, activity.Type);
    }

    /// <summary>Runs a card-action handler. Unknown verbs and handler failures become a friendly 200 message response.</summary>
    public async Task<InvokeResponse> ExecuteCardActionAsync(TurnContext turn, CardAction action, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        if (!_verbs.TryGetValue(action.Verb, out var handler))
        {
            ProtocolLog.UnknownVerb(_logger, action.Verb, action.IsSubmitFallback);
            return InvokeResponse.Message(UnknownVerbMessage);
        }

        try
        {
            return await handler(turn, action, ct);
        }
        catch (Exception ex)
        {
            ProtocolLog.CardActionFailed(_logger, ex, action.Verb, action.IsSubmitFallback);
            return InvokeResponse.Message(ActionFailedMessage);
        }
    }

    private async Task ProcessMessageAsync(TurnContext turn, CancellationToken ct)
    {
        var activity = turn.Activity;
        if (CardActionParser.ParseSubmit(activity) is { } submit)
        {
            var result = await ExecuteCardActionAsync(turn, submit, ct);
            await ApplySubmitResultAsync(turn, result, ct);
            return;
        }

        var isGroup = activity.Conversation?.IsGroup == true ||
                      activity.Conversation?.ConversationType is "channel" or "groupChat";
        if (string.IsNullOrEmpty(activity.Text) || (isGroup && !TextCommandParser.MentionsBot(activity)))
        {
            if (_activities.TryGetValue(ActivityTypes.Message, out var messageHandler))
            {
                await messageHandler(turn, ct);
            }
            else if (string.IsNullOrEmpty(activity.Text))
            {
                ProtocolLog.MessageIgnored(_logger, activity.Id);
            }
            else
            {
                ProtocolLog.NotMentioned(_logger, activity.Id);
            }

            return;
        }

        var command = TextCommandParser.Parse(activity);
        if (command.Name.Length > 0 && _commands.TryGetValue(command.Name, out var handler))
        {
            await handler(turn, command, ct);
        }
        else if (_unknownCommand is not null)
        {
            await _unknownCommand(turn, command, ct);
        }
        else
        {
            ProtocolLog.NoRoute(_logger, $"message (command '{command.Name}')");
        }
    }

    /// <summary>Action.Submit cannot answer in the HTTP response: a card replaces the card message, a message is a reply.</summary>
    private static async Task ApplySubmitResultAsync(TurnContext turn, InvokeResponse result, CancellationToken ct)
    {
        switch (result.Type)
        {
            case ContentTypes.AdaptiveCard when result.Value.ValueKind == JsonValueKind.Object:
                if (string.IsNullOrEmpty(turn.Activity.ReplyToId))
                {
                    await turn.ReplyAsync(OutgoingActivity.WithCard(result.Value), ct);
                }
                else
                {
                    await turn.UpdateCardMessageAsync(OutgoingActivity.WithCard(result.Value), ct);
                }

                break;
            case ContentTypes.ActivityMessage when result.Value.ValueKind == JsonValueKind.String:
                await turn.ReplyAsync(OutgoingActivity.Message(result.Value.GetString()!), ct);
                break;
            case ContentTypes.Error:
                var message = result.Value.ValueKind == JsonValueKind.Object &&
                              result.Value.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String
                    ? m.GetString()!
                    : ActionFailedMessage;
                await turn.ReplyAsync(OutgoingActivity.Message(message), ct);
                break;
        }
    }

    private void Add<T>(Dictionary<string, T> routes, string key, T handler, string description)
        where T : Delegate
    {
        ArgumentNullException.ThrowIfNull(handler);
        EnsureNotFrozen();
        if (!routes.TryAdd(key, handler))
        {
            throw new InvalidOperationException($"Duplicate route registration: {description} is already registered.");
        }
    }

    private void EnsureNotFrozen()
    {
        if (_frozen)
        {
            throw new InvalidOperationException("Routes are registered at startup only (IBotRoutes.Register); the router is already built.");
        }
    }
}
