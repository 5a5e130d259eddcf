using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>
/// Hands a card's newest rendering to the outbox when it is due: a new post into each target channel that has none
/// yet for this spike, an in-place update of each existing post. Adds rows to the caller's context (no SaveChanges).
/// </summary>
public sealed class TopicCardSender(
    TopicCardTargets targets,
    TopicCardRenderer renderer,
    IOutbox outbox,
    IOptionsMonitor<TopicCardsOptions> options,
    ILogger<TopicCardSender> logger)
{
    /// <returns>True when something was handed to the outbox or recorded.</returns>
    public Task<bool> SendIfDueAsync(CrisisDbContext db, TopicCard card, DateTimeOffset now, CancellationToken ct) =>
        SendIfDueAsync(db, card, now, expert: null, ct);

    /// <param name="db">The caller's context (rows are added, not saved).</param>
    /// <param name="card">The card row (tracked by <paramref name="db"/>).</param>
    /// <param name="now">Wall-clock time.</param>
    /// <param name="expert">The topic's expert-loop status shown on the card (null: none).</param>
    /// <param name="ct">Cancellation.</param>
    /// <returns>True when something was handed to the outbox or recorded.</returns>
    public async Task<bool> SendIfDueAsync(CrisisDbContext db, TopicCard card, DateTimeOffset now, TopicQuestionStatus? expert, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(card);
        if (!card.HasPending || card.Spike == 0 || TopicCardPolicy.NextSendAt(card, options.CurrentValue.UpdateInterval, now) > now)
        {
            return false;
        }

        var posts = await db.Set<TopicCardPost>().Where(p => p.TopicId == card.TopicId && p.Spike == card.Spike).ToListAsync(ct);
        // A muted card is sent only for an expert-loop change (see TopicCardPolicy.NextSendAt): it keeps the numbers it
        // had when muted, so volume changes stay quiet until the mute ends.
        var muted = card.ShowsMutedContent(now);
        var activity = renderer.Activity(card, expert, mutedContent: muted);
        var updates = 0;
        foreach (var post in posts)
        {
            outbox.Enqueue(db, OutboxRequest.UpdateCard(post.ServiceUrl, post.TenantId, post.ChannelId, post.CardId, activity));
            updates++;
        }

        var newPosts = 0;
        if (!card.IsFinal)
        {
            if (!posts.Exists(p => p.Role == TopicCardIds.ProductRole))
            {
                var product = await targets.ProductAsync(db, card.ProductKey, ct);
                if (product is not null)
                {
                    newPosts += Post(db, card, TopicCardIds.ProductRole, product, activity, now);
                }
                else if (card.UnboundNoticeAt is null && card.ProductKey != ProductCatalog.TriageKey)
                {
                    await NoticeUnboundAsync(db, card, now, ct);
                }
            }

            if (!posts.Exists(p => p.Role == TopicCardIds.CrisisRole) && await targets.CrisisAsync(db, card.ProductKey, ct) is { } crisis)
            {
                newPosts += Post(db, card, TopicCardIds.CrisisRole, crisis, activity, now);
            }
        }

        if (posts.Count == 0 && newPosts == 0 && !card.IsFinal)
        {
            // Nowhere to post yet: keep it pending and look again after one interval (a binding may appear).
            card.MarkSent(card.SentVersion, now, posted: false);
            return true;
        }

        if (muted)
        {
            card.MarkSentWhileMuted(now);
        }
        else
        {
            card.MarkSent(card.RenderVersion, now, posted: newPosts > 0);
        }

        TopicCardsLog.CardSent(logger, card.TopicId, newPosts, updates, card.RenderVersion);
        return true;
    }

    private int Post(CrisisDbContext db, TopicCard card, string role, CardTarget target, OutgoingActivity activity, DateTimeOffset now)
    {
        var cardId = card.CardId(role);
        outbox.Enqueue(db, OutboxRequest.ChannelPost(target.ServiceUrl, target.TenantId, target.ChannelId, activity, cardId));
        db.Add(TopicCardPost.Create(card.TopicId, card.Spike, role, cardId, target, now));
        return 1;
    }

    private async Task NoticeUnboundAsync(CrisisDbContext db, TopicCard card, DateTimeOffset now, CancellationToken ct)
    {
        card.NoteUnbound(now);
        TopicCardsLog.ProductUnbound(logger, card.TopicId, card.ProductKey);
        if (await targets.AgentsAsync(db, ct) is { } agents)
        {
            var name = renderer.ProductName(card.ProductKey);
            var text = $"Topic {TopicCardRenderer.FormatTopicId(card.TopicId)} \"{card.Title}\" ({name}) is hot, but {name} has no channel yet. "
                + $"An admin can run \"link product {card.ProductKey}\" in the product team's channel; the card is posted there as soon as it is linked.";
            outbox.Enqueue(db, OutboxRequest.ChannelPost(agents.ServiceUrl, agents.TenantId, agents.ChannelId, OutgoingActivity.Message(text) with { TextFormat = "plain" }));
        }
    }
}
