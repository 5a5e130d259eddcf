using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Features.Channels;

/// <summary><c>help</c>, <c>status</c>, unknown commands and their refresh verbs.</summary>
public sealed class InfoCommands(StatusService status, ChannelsCards cards)
{
    public Task HelpAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        return turn.ReplyAsync(OutgoingActivity.WithCard(cards.Help(), "CrisisBot commands"), ct);
    }

    /// <summary>Anything the router did not match: the help card, naming what was not understood.</summary>
    public Task UnknownAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var reply = OutgoingActivity.WithCard(cards.Help(), "CrisisBot commands");
        if (!string.IsNullOrWhiteSpace(command.Name))
        {
            var typed = command.Name.Length <= 40 ? command.Name : command.Name[..40] + "…";
            reply = reply with { Text = $"I don't know the command '{typed}'. Here is what I can do:", TextFormat = "plain" };
        }

        return turn.ReplyAsync(reply, ct);
    }

    public async Task StatusAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        await turn.ReplyAsync(OutgoingActivity.WithCard(cards.Status(await status.GetAsync(ct)), "CrisisBot status"), ct);
    }

    public Task<InvokeResponse> RefreshHelpAsync(TurnContext turn, CardAction action, CancellationToken ct) => cards.HelpResponseAsync();

    public async Task<InvokeResponse> RefreshStatusAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        InvokeResponse.Card(cards.Status(await status.GetAsync(ct)));
}
