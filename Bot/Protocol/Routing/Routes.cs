namespace CrisisBot.Protocol.Routing;

public delegate Task ActivityHandler(TurnContext turn, CancellationToken ct);

public delegate Task<InvokeResponse> InvokeHandler(TurnContext turn, CancellationToken ct);

public delegate Task<InvokeResponse> CardActionHandler(TurnContext turn, CardAction action, CancellationToken ct);

public delegate Task CommandHandler(TurnContext turn, Command command, CancellationToken ct);

/// <summary>
/// A text command: the message text with every <c>&lt;at&gt;…&lt;/at&gt;</c> mention of the bot removed, split into the
/// first word (<see cref="Name"/>, lower-case) and the rest (<see cref="Arguments"/>, trimmed, case kept).
/// </summary>
public sealed record Command(string Name, string Arguments);

/// <summary>
/// Where features register their handlers, at startup. Keys are (activity type), (invoke name) and (card verb).
/// A duplicate key throws <see cref="InvalidOperationException"/> at startup.
/// </summary>
public interface IRouteBuilder
{
    /// <summary>Handles every activity of <paramref name="activityType"/> except invokes (e.g. message, conversationUpdate).</summary>
    IRouteBuilder OnActivity(string activityType, ActivityHandler handler);

    /// <summary>Handles an invoke by name (other than adaptiveCard/action, which is routed by verb).</summary>
    IRouteBuilder OnInvoke(string invokeName, InvokeHandler handler);

    /// <summary>Handles a card verb, from Action.Execute or from its Action.Submit fallback.</summary>
    IRouteBuilder OnCardAction(string verb, CardActionHandler handler);

    /// <summary>Handles a text command (first word, case-insensitive) in personal chat or by @mention.</summary>
    IRouteBuilder OnCommand(string name, CommandHandler handler);

    /// <summary>Handles any command no other registration matched (at most one registration).</summary>
    IRouteBuilder OnUnknownCommand(CommandHandler handler);
}

/// <summary>A feature contributes routes. Every registered <see cref="IBotRoutes"/> is asked once at startup.</summary>
public interface IBotRoutes
{
    void Register(IRouteBuilder routes);
}
