using System.Globalization;
using System.Text;
using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Inbound;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Features.Operations;

/// <summary><c>outbox</c> (pending and dead counts, the last dead rows with reasons) and <c>outbox retry &lt;id&gt;</c>; admins only.</summary>
/// <remarks>Also lists stored inbound turns (pending, dead-lettered) when durable inbound turns are on.</remarks>
public sealed class OutboxCommands(OutboxAdmin outbox, AdminPolicy admins, ChannelsCards cards, ILogger<OutboxCommands> logger,
    InboundAdmin? inbound = null)
{
    /// <summary>How many dead rows the listing shows.</summary>
    public const int DeadShown = 10;

    public async Task OutboxAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        if (!await admins.IsAdminAsync(turn.Activity, ct))
        {
            OperationsLog.NotAdmin(logger, turn.Activity.From?.Id, turn.Activity.From?.AadObjectId);
            await turn.ReplyAsync(OutgoingActivity.WithCard(cards.NotAllowed("inspect the outbox"), "Not allowed"), ct);
            return;
        }

        var arguments = command.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (arguments.Length == 0)
        {
            await turn.ReplyAsync(PlainText(await ListingAsync(ct)), ct);
            return;
        }

        if (arguments.Length == 2 && string.Equals(arguments[0], "retry", StringComparison.OrdinalIgnoreCase))
        {
            if (!long.TryParse(arguments[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                await turn.ReplyAsync(PlainText($"'{Clip(arguments[1])}' is not a row number. Type 'outbox' to see the dead rows and their numbers."), ct);
                return;
            }

            var from = turn.Activity.From;
            var actorId = !string.IsNullOrWhiteSpace(from?.AadObjectId) ? from.AadObjectId : from?.Id ?? "unknown";
            var result = await outbox.RequeueAsync(id, actorId, from?.Name, ct);
            var text = result switch
            {
                RequeueResult.Requeued => $"Row #{id} is queued again; it will be sent shortly.",
                RequeueResult.NotFound => $"There is no outbox row #{id}. Type 'outbox' to see the dead rows.",
                _ => $"Row #{id} is not dead-lettered, so there is nothing to retry.",
            };
            if (result == RequeueResult.Requeued)
            {
                OperationsLog.Requeued(logger, id, actorId);
            }

            await turn.ReplyAsync(PlainText(text), ct);
            return;
        }

        await turn.ReplyAsync(PlainText("Usage: 'outbox' lists pending and dead rows; 'outbox retry <number>' sends a dead row again."), ct);
    }

    private async Task<string> ListingAsync(CancellationToken ct)
    {
        var counts = await outbox.CountAsync(ct);
        var text = new StringBuilder()
            .Append(CultureInfo.InvariantCulture, $"Outbox: {counts.Pending + counts.Sending} pending ({counts.Sending} being sent), {counts.Dead} dead, ")
            .Append(CultureInfo.InvariantCulture, $"{counts.Sent} sent, {counts.Superseded} superseded updates.");
        if (counts.Dead == 0)
        {
            text.Append("\nNo dead rows.");
        }
        else
        {
            text.Append(CultureInfo.InvariantCulture, $"\nLast dead rows (retry with 'outbox retry <number>'):");
            foreach (var row in await outbox.LastDeadAsync(DeadShown, ct))
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"\n#{row.Id} {row.Kind} to {row.ConversationKey}, {row.Attempts} attempt(s), created {row.CreatedAt:yyyy-MM-dd HH:mm} UTC: {Clip(row.LastError ?? "no reason recorded", 200)}");
            }
        }

        if (inbound is not null)
        {
            var (pending, dead) = await inbound.CountAsync(ct);
            text.Append(CultureInfo.InvariantCulture, $"\nInbound activities: {pending} not yet processed, {dead} dead-lettered.");
            IReadOnlyList<InboundTurn> deadRows = dead == 0 ? [] : await inbound.LastDeadAsync(InboundDeadShown, ct);
            foreach (var row in deadRows)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"\ndead inbound {row.Type} {Clip(row.ActivityId ?? "(no id)")} received {row.ReceivedAt:yyyy-MM-dd HH:mm} UTC, {row.Attempts} attempt(s): {Clip(row.LastError ?? "no reason recorded", 200)}");
            }
        }

        return text.ToString();
    }

    /// <summary>How many dead inbound activities the listing shows.</summary>
    public const int InboundDeadShown = 5;

    private static string Clip(string value, int max = 40) => value.Length <= max ? value : value[..max] + "…";

    /// <summary>Reasons quote Connector answers: plain text, so nothing in them is rendered as markdown.</summary>
    private static OutgoingActivity PlainText(string text) => new() { Text = text, TextFormat = "plain" };
}
