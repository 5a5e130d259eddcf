using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;
using CrisisBot.Features.Channels;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.Summaries;

/// <summary><c>summary [today|24h|7d]</c> and the card verbs Acknowledge and Refresh.</summary>
public sealed class SummaryCommands(SummaryService summaries)
{
    /// <summary>
    /// <c>summary [today|24h|7d]</c> (anyone): in a channel the card is posted in that channel; in a personal or group chat
    /// it is the reply. A bad argument gets the usage and nothing is generated.
    /// </summary>
    public async Task SummaryAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var args = command.Arguments.Trim();
        var period = SummaryPeriod.Last24Hours;
        if (args.Length > 0 && (args.Contains(' ', StringComparison.Ordinal) || !SummaryPeriods.TryParse(args, out period)))
        {
            await turn.ReplyAsync(Plain($"I don't know the period '{Clip(args)}'. {SummaryPeriods.Usage}"), ct);
            return;
        }

        var activity = turn.Activity;
        var tenant = activity.ChannelData?.Tenant?.Id ?? activity.Conversation?.TenantId;
        if (string.IsNullOrWhiteSpace(activity.ServiceUrl) || activity.Conversation?.Id is not { Length: > 0 } conversationId)
        {
            await turn.ReplyAsync(Plain("I cannot tell where to post the summary (no conversation in the request)."), ct);
            return;
        }

        var channel = TeamChannelContext.From(activity);
        var target = channel is not null && !string.IsNullOrWhiteSpace(tenant)
            ? new SummaryTarget(channel.ServiceUrl, tenant, channel.ChannelId, true)
            : new SummaryTarget(activity.ServiceUrl, tenant ?? "", conversationId, false);
        var from = activity.From;
        var userId = !string.IsNullOrWhiteSpace(from?.AadObjectId) ? from.AadObjectId : from?.Id ?? "unknown";
        var outcome = await summaries.GenerateAsync(period, StoredSummary.TriggerOnDemand, target, (userId, from?.Name), ct);
        if (target.IsChannelPost || outcome.Notes.Count > 0)
        {
            var where = target.IsChannelPost ? "The summary card is posted in this channel." : "";
            await turn.ReplyAsync(Plain((where + " " + string.Join(" ", outcome.Notes)).Trim()), ct);
        }
    }

    /// <summary><see cref="CardVerbs.SummaryAcknowledge"/>: records who acknowledged (once per person) and returns the updated card.</summary>
    public async Task<InvokeResponse> AcknowledgeAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        if (Read(action.Data) is not { } id)
        {
            return InvokeResponse.Message("This card does not say which summary it is. Type 'summary' for a fresh one.");
        }

        var from = turn.Activity.From;
        var userId = !string.IsNullOrWhiteSpace(from?.AadObjectId) ? from.AadObjectId : from?.Id;
        if (string.IsNullOrWhiteSpace(userId))
        {
            return InvokeResponse.Message("I cannot tell who you are, so I cannot record your acknowledgement.");
        }

        var result = await summaries.AcknowledgeAsync(id, userId, from?.Name ?? userId, ct);
        return result is { } done ? InvokeResponse.Card(done.Card) : InvokeResponse.Message("This summary no longer exists. Type 'summary' for a fresh one.");
    }

    /// <summary><see cref="CardVerbs.SummaryRefresh"/>: the current card.</summary>
    public async Task<InvokeResponse> RefreshAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(action);
        var card = Read(action.Data) is { } id ? await summaries.CardAsync(id, ct) : null;
        return card is { } c ? InvokeResponse.Card(c) : InvokeResponse.Message("This summary no longer exists. Type 'summary' for a fresh one.");
    }

    private static string? Read(JsonElement data)
    {
        try
        {
            var id = CardJson.ReadData<SummaryActionData>(data)?.SummaryId;
            return id is { Length: 32 } && id.All(Uri.IsHexDigit) ? id : null;
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    private static string Clip(string text) => text.Length <= 40 ? text : text[..40] + "…";

    private static OutgoingActivity Plain(string text) => new() { Text = text, TextFormat = "plain" };
}

internal sealed class SummaryRoutes(SummaryCommands commands) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .OnCommand("summary", commands.SummaryAsync)
            .OnCardAction(CardVerbs.SummaryAcknowledge, commands.AcknowledgeAsync)
            .OnCardAction(CardVerbs.SummaryRefresh, commands.RefreshAsync);
    }
}
