using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>
/// Keeps each hot topic's card row up to date inside the ingest transaction (<see cref="ITopicChangeObserver"/>):
/// starts a card when a topic turns hot (<see cref="TopicCardPolicy"/>), stores the newest content as pending, marks
/// merged and resolved cards final. Sending is left to <see cref="TopicCardFlusher"/> (woken when the batch commits),
/// so there is one sender and the once-a-minute rate holds however many posts arrive.
/// </summary>
public sealed class TopicCardPublisher(TopicCardFlushSignal signal, TimeProvider time, ILogger<TopicCardPublisher> logger) : ITopicChangeObserver
{
    public async Task OnTopicsChangedAsync(CrisisDbContext db, TopicChangeBatch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsRebuild || (batch.ChangedTopics.Count == 0 && batch.NewMerges.Count == 0))
        {
            return;
        }

        var now = time.GetUtcNow();
        var ids = batch.ChangedTopics.Select(v => v.Topic.Id.Value)
            .Concat(batch.NewMerges.SelectMany(m => new[] { m.From.Value, m.Into.Value }))
            .Distinct().ToList();
        var cards = await db.Set<TopicCard>().Where(c => ids.Contains(c.TopicId)).ToDictionaryAsync(c => c.TopicId, ct);
        var views = batch.ChangedTopics.GroupBy(v => v.Topic.Id.Value).ToDictionary(g => g.Key, g => g.Last());
        var changed = false;

        foreach (var merge in batch.NewMerges)
        {
            changed |= await ApplyMergeAsync(db, cards, views, merge, batch.Watermark, now, ct);
        }

        foreach (var view in views.Values)
        {
            var topic = view.Topic;
            if (topic.MergedInto is not null)
            {
                continue;
            }

            var id = topic.Id.Value;
            var onset = batch.NewAlarms.Any(a => a.Scope == AlarmScope.Topic && a.TopicId == topic.Id && a.Transition == AlarmTransition.Onset);
            cards.TryGetValue(id, out var card);
            var facts = card is null ? null : TopicCardFacts.Of(card);
            var content = TopicCardContent.From(view, batch.Watermark);
            if (TopicCardPolicy.StartsNewCard(facts, topic.State, topic.Severity, onset, now))
            {
                if (card is null)
                {
                    card = TopicCard.Create(id, topic.Product, now);
                    db.Add(card);
                    cards[id] = card;
                }

                card.SetContent(content, content.ToJson());
                card.StartSpike(now);
                TopicCardsLog.CardStarted(logger, id, topic.Product, card.Spike);
                changed = true;
                continue;
            }

            if (card is null || card.Spike == 0 || card.IsFinal)
            {
                // Never hot, or its card is final (resolved, merged): nothing is shown until a new spike.
                continue;
            }

            if (TopicCardPolicy.SeverityLiftsMute(facts!, topic.Severity, now))
            {
                card.ClearMute();
            }

            changed |= card.SetContent(content, content.ToJson());
            if (topic.State == TopicState.Resolved)
            {
                card.Finish();
            }
        }

        if (changed)
        {
            signal.NotifyOnSave(db);
        }
    }

    private static async Task<bool> ApplyMergeAsync(
        CrisisDbContext db, Dictionary<int, TopicCard> cards, Dictionary<int, TopicView> views, TopicMerge merge, DateTimeOffset watermark, DateTimeOffset now, CancellationToken ct)
    {
        cards.TryGetValue(merge.From.Value, out var from);
        cards.TryGetValue(merge.Into.Value, out var into);
        var outcome = TopicCardPolicy.OnMerge(from is null ? null : TopicCardFacts.Of(from), into is null ? null : TopicCardFacts.Of(into));
        switch (outcome)
        {
            case MergeCardOutcome.SurvivorAdopts:
                if (into is null)
                {
                    into = TopicCard.Create(merge.Into.Value, from!.ProductKey, now);
                    db.Add(into);
                    cards[merge.Into.Value] = into;
                }

                var spike = Math.Max(into.Spike, from!.Spike) + 1;
                var posts = await db.Set<TopicCardPost>().Where(p => p.TopicId == from.TopicId && p.Spike == from.Spike).ToListAsync(ct);
                foreach (var post in posts)
                {
                    post.MoveTo(into.TopicId, spike);
                }

                into.AdoptSpike(from, spike);
                if (views.TryGetValue(into.TopicId, out var view))
                {
                    var content = TopicCardContent.From(view, watermark);
                    into.SetContent(content, content.ToJson());
                }

                from.MergeInto(into.TopicId, into.Title, adopted: true);
                return true;

            case MergeCardOutcome.FinalPointsAtSurvivor:
                from!.MergeInto(into!.TopicId, views.TryGetValue(into.TopicId, out var v) ? v.Topic.Title : into.Title, adopted: false);

                // The survivor's card now also shows the merged topic's questions (waiting agents, approved answer).
                into.MarkExpertChanged();
                return true;

            default:
                if (from is { Spike: > 0, IsFinal: true, MergedIntoTopicId: null })
                {
                    // An earlier spike's final card (resolved): it says where the topic went, so its questions can be
                    // found; the survivor's live card, if any, shows them from now on.
                    var title = views.TryGetValue(merge.Into.Value, out var sv) ? sv.Topic.Title : into?.Title;
                    from.MergeInto(merge.Into.Value, title, adopted: false);
                    into?.MarkExpertChanged();
                    return true;
                }

                return false;
        }
    }
}
