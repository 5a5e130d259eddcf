using CrisisBot.Features.Experts;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>
/// Keeps hot-topic cards in step with the expert loop (<see cref="IExpertLoopObserver"/>): an ask, a join, an approval, a
/// replacement or a retirement on a topic's question marks that topic's card for a new rendering inside the expert
/// transaction (so it commits or rolls back with the change). <see cref="TopicCardFlusher"/> then renders it with the
/// current <see cref="IExpertAnswers"/> status and sends it as soon as the card's update interval allows: no new posts
/// are needed. A question of a topic merged into another updates the survivor's card (<see cref="ITopicLineage"/>).
/// Questions not asked from a hot-topic card, and topics without a live card, change nothing.
/// </summary>
public sealed class TopicCardExpertObserver(TopicCardFlushSignal signal, ITopicLineage lineage, ILogger<TopicCardExpertObserver> logger) : IExpertLoopObserver
{
    public async Task OnChangedAsync(CrisisDbContext db, ExpertLoopChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(change);
        if (!TopicCardRenderer.TryParseTopicId(change.TopicId, out _))
        {
            return;
        }

        // A question of a topic merged into another shows on the survivor's card: that card is the one to update.
        var survivor = await lineage.GetSurvivorAsync(db, change.TopicId!, ct);
        if (!TopicCardRenderer.TryParseTopicId(survivor, out var topicId))
        {
            return;
        }

        var card = await db.Set<TopicCard>().SingleOrDefaultAsync(c => c.TopicId == topicId, ct);
        if (card is null || card.Spike == 0 || card.MergedIntoTopicId is not null)
        {
            // Never posted, or merged into another topic without the merge being stored yet: nothing to show.
            TopicCardsLog.ExpertChangeNoCard(logger, change.Kind, change.QuestionId, change.TopicId!);
            return;
        }

        card.MarkExpertChanged();
        TopicCardsLog.ExpertChange(logger, topicId, change.Kind, change.QuestionId);
        signal.NotifyOnSave(db);
    }
}

/// <summary>The default <see cref="IExpertAnswers"/> when the expert loop is not registered: no topic has questions.</summary>
internal sealed class NoExpertAnswers : IExpertAnswers
{
    public Task<bool> HasApprovedAnswerAsync(string topicId, CancellationToken ct = default) => Task.FromResult(false);

    public Task<TopicQuestionStatus> GetTopicStatusAsync(string topicId, CancellationToken ct = default) => Task.FromResult(TopicQuestionStatus.None);

    public Task<IReadOnlyList<QuestionMetrics>> GetMetricsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default) =>
        Task.FromResult<IReadOnlyList<QuestionMetrics>>([]);
}
