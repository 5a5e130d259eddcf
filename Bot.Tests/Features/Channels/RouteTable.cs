using CrisisBot.Protocol.Routing;

namespace CrisisBot.Tests.Features.Channels;

/// <summary>A minimal <see cref="IRouteBuilder"/> that keeps what a feature registers, so tests can call the handlers by key.</summary>
internal sealed class RouteTable : IRouteBuilder
{
    public Dictionary<string, ActivityHandler> Activities { get; } = new(StringComparer.OrdinalIgnoreCase);

    public Dictionary<string, InvokeHandler> Invokes { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CardActionHandler> Verbs { get; } = new(StringComparer.Ordinal);

    public Dictionary<string, CommandHandler> Commands { get; } = new(StringComparer.OrdinalIgnoreCase);

    public CommandHandler? Unknown { get; private set; }

    public IRouteBuilder OnActivity(string activityType, ActivityHandler handler) => Add(Activities, activityType, handler);

    public IRouteBuilder OnInvoke(string invokeName, InvokeHandler handler) => Add(Invokes, invokeName, handler);

    public IRouteBuilder OnCardAction(string verb, CardActionHandler handler) => Add(Verbs, verb, handler);

    public IRouteBuilder OnCommand(string name, CommandHandler handler) => Add(Commands, name, handler);

    public IRouteBuilder OnUnknownCommand(CommandHandler handler)
    {
        Assert.Null(Unknown);
        Unknown = handler;
        return this;
    }

    /// <summary>Dispatches "name rest" like the router does after stripping the mention.</summary>
    public Task RunCommandAsync(TurnContext turn, string text)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOf(' ', StringComparison.Ordinal);
        var command = space < 0
            ? new Command(trimmed.ToLowerInvariant(), "")
            : new Command(trimmed[..space].ToLowerInvariant(), trimmed[(space + 1)..].Trim());
        var handler = Commands.GetValueOrDefault(command.Name) ?? Unknown ?? throw new InvalidOperationException("no handler");
        return handler(turn, command, CancellationToken.None);
    }

    private RouteTable Add<T>(Dictionary<string, T> table, string key, T handler)
    {
        Assert.True(table.TryAdd(key, handler), $"duplicate registration {key}");
        return this;
    }
}
