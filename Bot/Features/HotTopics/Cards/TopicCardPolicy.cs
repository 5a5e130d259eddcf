using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>What the policy needs to know about a topic's current card.</summary>
/// <param name="Spike">Cards posted for the topic so far (0 = none).</param>
/// <param name="IsFinal">The card shows its final state (resolved or merged).</param>
/// <param name="State">The topic state the card shows.</param>
/// <param name="MutedUntil">Wall-clock end of a mute, if muted.</param>
/// <param name="MutedAtSeverity">Severity when muted.</param>
public sealed record TopicCardFacts(int Spike, bool IsFinal, TopicState State, DateTimeOffset? MutedUntil, AlarmSeverity MutedAtSeverity)
{
    public static TopicCardFacts Of(TopicCard card)
    {
        ArgumentNullException.ThrowIfNull(card);
        return new(card.Spike, card.IsFinal, card.State, card.MutedUntil, card.MutedAtSeverity);
    }

    public bool IsMuted(DateTimeOffset now) => MutedUntil is { } until && until > now;
}

/// <summary>What a topic merge does to the two topics' cards.</summary>
public enum MergeCardOutcome
{
    /// <summary>The merged-away topic had no live card: nothing to show.</summary>
    None = 0,

    /// <summary>The survivor had no live card: it takes over the merged-away topic's card (still one card).</summary>
    SurvivorAdopts = 1,

    /// <summary>Both had live cards: the merged-away card turns final and points at the survivor.</summary>
    FinalPointsAtSurvivor = 2,
}

/// <summary>
/// The publishing rules of hot-topic cards, storage-free so the quality benchmark applies the very same rules:
/// one card per topic per spike (posted when the topic turns hot), then updates in place at most once per
/// <see cref="TopicCardsOptions.UpdateInterval"/>; muted cards stay quiet until severity rises or the mute ends; final
/// cards (resolved, merged) get one last update.
/// </summary>
public static class TopicCardPolicy
{
    /// <summary>
    /// Whether a topic change posts a new card. True when the topic turns hot (a topic alarm onset, or state hot) and it
    /// has no card, or its card is final (a new spike after resolution), or its card shows a calmed-down topic and a new
    /// alarm starts (a new spike). Never while the topic is muted at the same or a higher severity.
    /// </summary>
    public static bool StartsNewCard(TopicCardFacts? card, TopicState state, AlarmSeverity severity, bool onset, DateTimeOffset now)
    {
        var turnsHot = onset || state == TopicState.Hot;
        if (!turnsHot)
        {
            return false;
        }

        if (card is null || card.Spike == 0 || card.IsFinal)
        {
            return true;
        }

        if (card.IsMuted(now) && severity <= card.MutedAtSeverity)
        {
            return false;
        }

        return onset && card.State != TopicState.Hot;
    }

    /// <summary>Whether a live muted card's mute ends because severity rose above the muted level.</summary>
    public static bool SeverityLiftsMute(TopicCardFacts card, AlarmSeverity severity, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(card);
        return card.IsMuted(now) && severity > card.MutedAtSeverity;
    }

    /// <summary>What a merge of <paramref name="from"/> into <paramref name="into"/> does to their cards.</summary>
    public static MergeCardOutcome OnMerge(TopicCardFacts? from, TopicCardFacts? into)
    {
        if (from is null || from.Spike == 0 || from.IsFinal)
        {
            return MergeCardOutcome.None;
        }

        return into is null || into.Spike == 0 || into.IsFinal ? MergeCardOutcome.SurvivorAdopts : MergeCardOutcome.FinalPointsAtSurvivor;
    }

    /// <summary>
    /// When a card with a pending rendering may be sent: at once when it was never posted; otherwise one
    /// <paramref name="interval"/> after the last send, and for a muted live card not before the mute ends, unless an
    /// expert-loop change is waiting (<see cref="TopicCard.ExpertPending"/>): that one is not muted, only rate-limited.
    /// </summary>
    public static DateTimeOffset NextSendAt(TopicCard card, TimeSpan interval, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(card);
        if (card.LastSentAt is not { } last)
        {
            return now;
        }

        var due = last + interval;
        if (card.PostedAt is not null && !card.IsFinal && !card.ExpertPending && card.MutedUntil is { } until && until > due)
        {
            due = until;
        }

        return due;
    }
}
