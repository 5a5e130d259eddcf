using System.Globalization;
using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Channels;
using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using CrisisBot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>
/// The hot-topic card's own verbs: <c>topic.refresh</c> (the current card), <c>topic.mute</c> and <c>topic.resolve</c>
/// (the product's owners and deputies and <c>Bot:Admins</c> only; others get the not-allowed card, audited, nothing changes).
/// </summary>
public sealed class TopicCardCommands(
    IDbContextFactory<CrisisDbContext> contexts,
    TopicCardRenderer renderer,
    TopicCardFlushSignal signal,
    ProductCatalog catalog,
    AdminPolicy admins,
    IConnectorClient connector,
    IExpertAnswers experts,
    TimeProvider time,
    ILogger<TopicCardCommands> logger)
{
    /// <summary>Mute durations a card may ask for, in hours.</summary>
    public static readonly IReadOnlyList<int> AllowedMuteHours = [1, 4, 24];

    public async Task<InvokeResponse> RefreshAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(action);
        if (!TryTopicId(action.Data, out var id))
        {
            return BadData();
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var card = await db.Set<TopicCard>().AsNoTracking().SingleOrDefaultAsync(c => c.TopicId == id, ct);
        return card is null ? UnknownTopic(id) : InvokeResponse.Card(renderer.Card(card, await ExpertStatusAsync(id, ct)));
    }

    public async Task<InvokeResponse> MuteAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        if (!TryTopicId(action.Data, out var id))
        {
            return BadData();
        }

        var hoursText = ReadString(action.Data, InputIds.MuteHours);
        if (!int.TryParse(hoursText, NumberStyles.None, CultureInfo.InvariantCulture, out var hours) || !AllowedMuteHours.Contains(hours))
        {
            return Refusal(new NotAllowedCardInput(
                "Choose how long to mute",
                $"'{hoursText ?? "(nothing)"}' is not a mute duration I know.",
                "Pick 1 hour, 4 hours or 24 hours in the Mute menu and try again.") { IsError = true });
        }

        return await ChangeAsync(turn, id, "topic.mute", (card, actor, now) =>
        {
            if (card.IsFinal)
            {
                return "The topic is already final; nothing to mute.";
            }

            var until = now.AddHours(hours);
            card.Mute(until, actor.Id, actor.Name);
            return $"muted for {hours} h until {until:yyyy-MM-dd HH:mm} UTC at severity {card.Severity}";
        }, ct);
    }

    public async Task<InvokeResponse> ResolveAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        if (!TryTopicId(action.Data, out var id))
        {
            return BadData();
        }

        return await ChangeAsync(turn, id, "topic.resolve", (card, actor, now) =>
        {
            if (card.IsFinal)
            {
                return "The topic is already final.";
            }

            card.ResolveBy(actor.Id, actor.Name, now);
            return "marked resolved";
        }, ct);
    }

    /// <summary>
    /// Checks the actor, applies <paramref name="change"/> (which returns the audit details, or a sentence starting with
    /// "The topic" when nothing changed), audits and saves in one transaction, and answers with the current card.
    /// </summary>
    private async Task<InvokeResponse> ChangeAsync(
        TurnContext turn, int id, string auditAction, Func<TopicCard, ChannelActor, DateTimeOffset, string> change, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var card = await db.Set<TopicCard>().SingleOrDefaultAsync(c => c.TopicId == id, ct);
        if (card is null)
        {
            return UnknownTopic(id);
        }

        var actor = Actor(turn.Activity);
        var now = time.GetUtcNow();
        var subject = "topic:" + TopicCardRenderer.FormatTopicId(id);
        if (!await IsAllowedAsync(turn.Activity, card.ProductKey, ct))
        {
            TopicCardsLog.TopicActionRefused(logger, id, auditAction, actor.Id);
            db.Add(AuditEntry.Create(now, auditAction + ".refused", actor.Id, actor.Name, subject, $"not an owner or deputy of {card.ProductKey}, nor an admin"));
            await db.SaveChangesAsync(ct);
            var product = renderer.ProductName(card.ProductKey);
            return Refusal(new NotAllowedCardInput(
                auditAction == "topic.mute" ? "You can't mute this topic" : "You can't resolve this topic",
                $"Only the owners and deputies of {product} and CrisisBot admins can do that.",
                $"Ask an owner of {product} (see products.yaml) or an admin."));
        }

        var details = change(card, actor, now);
        if (!details.StartsWith("The topic", StringComparison.Ordinal))
        {
            db.Add(AuditEntry.Create(now, auditAction, actor.Id, actor.Name, subject, details));
            await db.SaveChangesAsync(ct);
            TopicCardsLog.TopicAction(logger, id, auditAction, actor.Id);
            signal.Notify();
        }

        return InvokeResponse.Card(renderer.Card(card, await ExpertStatusAsync(id, ct)));
    }

    private Task<TopicQuestionStatus> ExpertStatusAsync(int topicId, CancellationToken ct) =>
        experts.GetTopicStatusAsync(TopicCardRenderer.ExpertKey(topicId), ct);

    private async Task<bool> IsAllowedAsync(Activity activity, string productKey, CancellationToken ct)
    {
        if (await admins.IsAdminAsync(activity, ct))
        {
            return true;
        }

        var product = catalog.Find(productKey);
        if (product is null)
        {
            return false;
        }

        var people = product.Owners.Concat(product.Deputies).Select(p => p.Trim()).Where(p => p.Length > 0).ToList();
        if (people.Count == 0)
        {
            return false;
        }

        if (Listed(people, activity.From?.AadObjectId))
        {
            return true;
        }

        if (!people.Any(AdminPolicy.LooksLikeUpn) || string.IsNullOrEmpty(activity.From?.Id)
            || string.IsNullOrEmpty(activity.Conversation?.Id) || string.IsNullOrEmpty(activity.ServiceUrl))
        {
            return false;
        }

        try
        {
            var member = await connector.GetMemberAsync(activity.ServiceUrl, ConversationKinds.BaseId(activity.Conversation.Id), activity.From.Id, ct);
            return Listed(people, member.UserPrincipalName) || Listed(people, member.AadObjectId) || Listed(people, member.ObjectId);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            // A failed lookup counts as "not allowed" (logged by the caller as a refusal).
            return false;
        }
    }

    private static bool Listed(List<string> people, string? value) =>
        !string.IsNullOrWhiteSpace(value) && people.Exists(p => string.Equals(p, value.Trim(), StringComparison.OrdinalIgnoreCase));

    private static bool TryTopicId(JsonElement data, out int id) => TopicCardRenderer.TryParseTopicId(ReadString(data, "topicId"), out id);

    private static string? ReadString(JsonElement data, string name)
    {
        if (data.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        foreach (var p in data.EnumerateObject())
        {
            if (string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase))
            {
                return p.Value.ValueKind switch
                {
                    JsonValueKind.String => p.Value.GetString(),
                    JsonValueKind.Number => p.Value.GetRawText(),
                    _ => null,
                };
            }
        }

        return null;
    }

    private static InvokeResponse BadData() =>
        Refusal(new NotAllowedCardInput("This card action is incomplete", "The card did not say which topic it is about.", "Use the buttons of a current hot-topic card.") { IsError = true });

    private static InvokeResponse UnknownTopic(int id) =>
        Refusal(new NotAllowedCardInput(
            "Unknown topic",
            $"There is no hot-topic card for {TopicCardRenderer.FormatTopicId(id)}.",
            "Use the buttons of a current hot-topic card.") { IsError = true });

    private static InvokeResponse Refusal(NotAllowedCardInput input) => InvokeResponse.Card(CardJson.ToElement(NotAllowedCard.Build(input)));

    private static ChannelActor Actor(Activity activity)
    {
        var from = activity.From;
        var id = !string.IsNullOrWhiteSpace(from?.AadObjectId) ? from.AadObjectId : from?.Id;
        return new ChannelActor(string.IsNullOrWhiteSpace(id) ? "unknown" : id, from?.Name);
    }
}
