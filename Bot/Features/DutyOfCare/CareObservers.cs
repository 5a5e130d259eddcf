using CrisisBot.Features.Experts;
using CrisisBot.Features.HotTopics.Pipeline;
using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Features.DutyOfCare;

/// <summary>Asks and joins (expert-loop observer) and "I used this" clicks (usage hook) mark an agent as working on a topic.</summary>
internal sealed class CareExpertObserver(CareTracker tracker) : IExpertLoopObserver, IAnswerUsageObserver
{
    public Task OnChangedAsync(CrisisDbContext db, ExpertLoopChange change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(change);
        if (change.Agent is not { } agent || change.Kind is not (ExpertLoopChangeKind.QuestionAsked or ExpertLoopChangeKind.QuestionJoined))
        {
            return Task.CompletedTask;
        }

        var kind = change.Kind == ExpertLoopChangeKind.QuestionAsked ? CareEngagementKind.Asked : CareEngagementKind.Joined;
        return tracker.RecordEngagementAsync(db, agent, change.TopicId, change.ProductKey, kind, change.QuestionId, null, ct);
    }

    public Task OnAnswerUsedAsync(CrisisDbContext db, AnswerUsage usage, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(usage);
        return tracker.RecordEngagementAsync(db, usage.Agent, usage.TopicId, usage.ProductKey, CareEngagementKind.UsedAnswer, usage.QuestionId, usage.EntryId, ct);
    }
}

/// <summary>Every ingest batch: new abusive posts become exposures of the agents working on their topics.</summary>
internal sealed class CareTopicObserver(CareTracker tracker) : ITopicChangeObserver
{
    public async Task OnTopicsChangedAsync(CrisisDbContext db, TopicChangeBatch batch, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(batch);
        if (batch.IsRebuild)
        {
            return; // the start-up rebuild replays stored posts; they were counted when they arrived
        }

        await tracker.OnPostsArrivedAsync(db, ct);
    }
}
