using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Features.Experts;

/// <summary>SLA steps of a question (<c>expert.sla</c>, keys <c>q{id}:50|100|200</c>).</summary>
internal sealed class ExpertSlaTimerHandler(ExpertService experts) : ITimerHandler
{
    public string Kind => ExpertService.SlaTimerKind;

    public Task HandleAsync(CrisisDbContext db, DurableTimer timer, CancellationToken ct) => experts.HandleSlaAsync(db, timer, ct);
}

/// <summary>Review-by date of a library entry (<c>expert.libraryReview</c>, key <c>e{id}</c>): the owners get "still correct?".</summary>
internal sealed class LibraryReviewTimerHandler(LibraryService library) : ITimerHandler
{
    public string Kind => ExpertService.ReviewTimerKind;

    public Task HandleAsync(CrisisDbContext db, DurableTimer timer, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(timer);
        return long.TryParse(timer.Key.TrimStart('e'), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var id)
            ? library.PostReviewDueAsync(db, id, ct)
            : Task.CompletedTask;
    }
}
