using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Cards;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Bench.Quality;

/// <summary>
/// Applies the bot's card publishing rules (<see cref="TopicCardPolicy"/>, the class <c>TopicCardPublisher</c> uses) to the
/// engine's output after every post, the way the publisher sees an ingest batch of one post: which topics changed, their
/// alarms and merges. Records every card that would be posted. Event time stands in for the wall clock (a live feed).
/// </summary>
internal sealed class CardSimulator(HotTopicEngine engine)
{
    private readonly Dictionary<int, TopicCardFacts> _cards = [];
    private int _alarmsSeen;
    private int _mergesSeen;

    /// <summary>Cards posted: the topic at posting time and the event time.</summary>
    public List<(TopicId Topic, DateTimeOffset At)> Posted { get; } = [];

    public void After(PostOutcome outcome, DateTimeOffset at)
    {
        var alarms = engine.Alarms.Skip(_alarmsSeen).Where(a => a.Scope == AlarmScope.Topic).ToList();
        _alarmsSeen = engine.Alarms.Count;
        var merges = engine.Merges.Skip(_mergesSeen).ToList();
        _mergesSeen = engine.Merges.Count;

        foreach (var m in merges)
        {
            var source = _cards.GetValueOrDefault(m.From.Value);
            var target = _cards.GetValueOrDefault(m.Into.Value);
            switch (TopicCardPolicy.OnMerge(source, target))
            {
                case MergeCardOutcome.SurvivorAdopts:
                    _cards[m.Into.Value] = source! with { Spike = Math.Max(target?.Spike ?? 0, source!.Spike) + 1, IsFinal = false };
                    _cards[m.From.Value] = source with { IsFinal = true };
                    break;
                case MergeCardOutcome.FinalPointsAtSurvivor:
                    _cards[m.From.Value] = source! with { IsFinal = true };
                    break;
            }
        }

        var changed = new HashSet<int>();
        if (outcome.TopicId is { } t)
        {
            changed.Add(engine.Canonical(t).Value);
        }

        foreach (var a in alarms)
        {
            changed.Add(engine.Canonical(a.TopicId!.Value).Value);
        }

        foreach (var m in merges)
        {
            changed.Add(engine.Canonical(m.Into).Value);
        }

        foreach (var id in changed.Order())
        {
            var topic = engine.GetTopic(new TopicId(id));
            if (topic is null || topic.MergedInto is not null)
            {
                continue;
            }

            var onset = alarms.Exists(a => a.TopicId == topic.Id && a.Transition == AlarmTransition.Onset);
            var card = _cards.GetValueOrDefault(id);
            if (TopicCardPolicy.StartsNewCard(card, topic.State, topic.Severity, onset, at))
            {
                _cards[id] = new TopicCardFacts((card?.Spike ?? 0) + 1, false, topic.State, null, AlarmSeverity.None);
                Posted.Add((topic.Id, at));
            }
            else if (card is { Spike: > 0, IsFinal: false })
            {
                _cards[id] = card with { State = topic.State, IsFinal = topic.State == TopicState.Resolved };
            }
        }
    }
}
