using CrisisBot.Protocol.Activities;

namespace CrisisBot.Protocol.Hosting;

/// <summary>
/// Where inbound non-invoke activities (messages, conversationUpdate, messageReaction, …) are kept between the 200 and
/// the end of their turn. The durable implementation (<c>Infrastructure/Inbound</c>, registered by <c>AddInbound</c>)
/// commits each activity to the database before the endpoint answers 200, so a crash after the 200 loses nothing: the
/// next start runs it again. Without it, <see cref="InMemoryInboundTurns"/> keeps the old behaviour (queued in memory only).
/// </summary>
public interface IInboundTurns
{
    /// <summary>True when admitted activities survive a restart.</summary>
    bool IsDurable { get; }

    /// <summary>Stores the activity before the 200. A second delivery of the same activity (same conversation and activity
    /// id) is recognised and not admitted again.</summary>
    Task<InboundAdmission> AdmitAsync(Activity activity, CancellationToken ct);

    /// <summary>The turn finished (successfully, or with its failure handled for good).</summary>
    Task CompleteAsync(long id, CancellationToken ct);

    /// <summary>The turn failed: schedules a retry, or dead-letters the activity after the last attempt.</summary>
    Task<InboundFailureOutcome> FailAsync(long id, string reason, CancellationToken ct);

    /// <summary>The turn was interrupted by shutdown: give it back so the next start (or another instance) runs it.</summary>
    Task ReleaseAsync(long id, CancellationToken ct);

    /// <summary>Takes up to <paramref name="max"/> due activities (new after a restart, retries, expired leases of a dead
    /// instance), skipping <paramref name="held"/> (already in this instance's memory).</summary>
    Task<IReadOnlyList<InboundClaim>> ClaimDueAsync(int max, ICollection<long> held, CancellationToken ct);

    /// <summary>Extends the leases of every activity this instance holds (a live instance keeps its work).</summary>
    Task RenewLeasesAsync(CancellationToken ct);
}

/// <summary>Result of <see cref="IInboundTurns.AdmitAsync"/>: the stored row's id (null when nothing is stored), or a duplicate.</summary>
public readonly record struct InboundAdmission(long? Id, bool Duplicate);

/// <summary>A stored activity taken for processing; <paramref name="Attempt"/> counts from 1.</summary>
public sealed record InboundClaim(long Id, Activity Activity, int Attempt);

/// <summary>What <see cref="IInboundTurns.FailAsync"/> did.</summary>
/// <param name="DeadLettered">No attempt left: the activity is dead-lettered (the user gets the error notice).</param>
/// <param name="Attempts">Attempts so far.</param>
/// <param name="NextAttemptAt">When the retry is due (null when dead).</param>
public readonly record struct InboundFailureOutcome(bool DeadLettered, int Attempts, DateTimeOffset? NextAttemptAt);

/// <summary>No persistence: every activity runs once from memory and a failure is final (the behaviour before durable turns).</summary>
public sealed class InMemoryInboundTurns : IInboundTurns
{
    public bool IsDurable => false;

    public Task<InboundAdmission> AdmitAsync(Activity activity, CancellationToken ct) => Task.FromResult(new InboundAdmission(null, false));

    public Task CompleteAsync(long id, CancellationToken ct) => Task.CompletedTask;

    public Task<InboundFailureOutcome> FailAsync(long id, string reason, CancellationToken ct) =>
        Task.FromResult(new InboundFailureOutcome(true, 1, null));

    public Task ReleaseAsync(long id, CancellationToken ct) => Task.CompletedTask;

    public Task<IReadOnlyList<InboundClaim>> ClaimDueAsync(int max, ICollection<long> held, CancellationToken ct) =>
        Task.FromResult<IReadOnlyList<InboundClaim>>([]);

    public Task RenewLeasesAsync(CancellationToken ct) => Task.CompletedTask;
}
