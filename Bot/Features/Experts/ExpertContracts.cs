namespace CrisisBot.Features.Experts;

/// <summary>What happened to an ask.</summary>
public enum AskOutcome
{
    Created = 0,
    Joined = 1,
    AlreadyWaiting = 2,
    Refused = 3,
}

/// <summary>The result of an ask: outcome, the sentence for the agent, and the question (null when refused).</summary>
public sealed record AskResult(AskOutcome Outcome, string Message, long? QuestionId);

/// <summary>An ask from Teams: product (key or name), question text, optional topic link.</summary>
public sealed record AskRequest(string? Product, string? Question, string? TopicId = null, string? TopicTitle = null);

/// <summary>The expert-loop state of a topic, for the hot-topic card.</summary>
/// <param name="HasOpenQuestion">An open question exists ("Ask an expert" joins it).</param>
/// <param name="WaitingAgents">Agents waiting on the open question(s).</param>
/// <param name="HasApprovedAnswer">An approved answer exists ("approved answer available").</param>
public sealed record TopicQuestionStatus(bool HasOpenQuestion, int WaitingAgents, bool HasApprovedAnswer)
{
    /// <summary>No question about the topic.</summary>
    public static readonly TopicQuestionStatus None = new(false, 0, false);

    /// <summary>The newest active library entry of the topic's questions (set when <see cref="HasApprovedAnswer"/>).</summary>
    public long? ApprovedEntryId { get; init; }

    /// <summary>That entry's short reply (at most 280 characters).</summary>
    public string? ApprovedShortReply { get; init; }

    /// <summary>That entry's version (1 for the first approved answer).</summary>
    public int ApprovedVersion { get; init; }

    /// <summary>When that entry was approved.</summary>
    public DateTimeOffset? ApprovedAt { get; init; }
}

/// <summary>Per-question timings (null while not reached).</summary>
public sealed record QuestionMetrics(
    long QuestionId,
    string ProductKey,
    DateTimeOffset AskedAt,
    TimeSpan? TimeToFirstAnswer,
    TimeSpan? TimeToApproval,
    TimeSpan? TimeToDelivery,
    int WaitingAgents);

/// <summary>
/// Read-only queries other features use: topic cards ("approved answer available", waiting agents) and summaries
/// (per-question metrics).
/// </summary>
public interface IExpertAnswers
{
    Task<bool> HasApprovedAnswerAsync(string topicId, CancellationToken ct = default);

    Task<TopicQuestionStatus> GetTopicStatusAsync(string topicId, CancellationToken ct = default);

    /// <summary>
    /// The status of many topics at once (hot-topic cards flush several per pass): every requested id is in the result
    /// (<see cref="TopicQuestionStatus.None"/> when nothing was asked). The default asks one by one; the expert loop's own
    /// implementation answers with a fixed number of queries whatever the count.
    /// </summary>
    async Task<IReadOnlyDictionary<string, TopicQuestionStatus>> GetTopicStatusesAsync(IReadOnlyCollection<string> topicIds, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(topicIds);
        var result = new Dictionary<string, TopicQuestionStatus>(StringComparer.Ordinal);
        foreach (var id in topicIds.Distinct(StringComparer.Ordinal))
        {
            result[id] = await GetTopicStatusAsync(id, ct);
        }

        return result;
    }

    /// <summary>Metrics of the questions asked in [<paramref name="since"/>, <paramref name="until"/>), oldest first.</summary>
    Task<IReadOnlyList<QuestionMetrics>> GetMetricsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default);
}

/// <summary>What changed in the expert loop (see <see cref="IExpertLoopObserver"/>).</summary>
public enum ExpertLoopChangeKind
{
    /// <summary>A new question (a topic now has an open question and one waiting agent).</summary>
    QuestionAsked = 0,

    /// <summary>An agent joined an open question (the waiting count grew).</summary>
    QuestionJoined = 1,

    /// <summary>An answer passed its last approval step: a new active library entry exists (<see cref="ExpertLoopChange.LibraryEntryId"/>).</summary>
    AnswerApproved = 2,

    /// <summary>An active library entry was replaced by a newer approved version (the entry id is the old one).</summary>
    AnswerSuperseded = 3,

    /// <summary>An active library entry was retired (no longer offered; leaves the FAQ).</summary>
    AnswerRetired = 4,
}

/// <summary>One expert-loop change, as observers see it.</summary>
/// <param name="Kind">What happened.</param>
/// <param name="QuestionId">The question.</param>
/// <param name="ProductKey">Its product.</param>
/// <param name="TopicId">The hot topic it was asked from, if any.</param>
/// <param name="LibraryEntryId">The library entry concerned (approved, superseded or retired), else null.</param>
/// <param name="AddToFaq">The entry's "add to FAQ" flag (false when there is no entry).</param>
/// <param name="At">When it happened.</param>
public sealed record ExpertLoopChange(
    ExpertLoopChangeKind Kind,
    long QuestionId,
    string ProductKey,
    string? TopicId,
    long? LibraryEntryId,
    bool AddToFaq,
    DateTimeOffset At)
{
    /// <summary>The agent who asked or joined (set for <see cref="ExpertLoopChangeKind.QuestionAsked"/> and <see cref="ExpertLoopChangeKind.QuestionJoined"/>), else null.</summary>
    public ExpertLoopAgent? Agent { get; init; }
}

/// <summary>An agent as the expert loop saw them: Teams user id (29:…), Entra object id when known, name, and where to reach them.</summary>
public sealed record ExpertLoopAgent(string UserId, string? AadObjectId, string Name, string ServiceUrl, string TenantId)
{
    /// <summary>The stable id: the Entra object id when known, otherwise the Teams user id.</summary>
    public string Id => string.IsNullOrWhiteSpace(AadObjectId) ? UserId : AadObjectId;
}

/// <summary>One "I used this" click on an approved answer.</summary>
/// <param name="EntryId">The library entry used.</param>
/// <param name="QuestionId">Its question.</param>
/// <param name="ProductKey">Its product.</param>
/// <param name="TopicId">The hot topic the question was asked from, if any.</param>
/// <param name="Agent">Who clicked.</param>
/// <param name="At">When.</param>
public sealed record AnswerUsage(long EntryId, long QuestionId, string ProductKey, string? TopicId, ExpertLoopAgent Agent, DateTimeOffset At);

/// <summary>
/// Told about every "I used this" click inside its transaction (like <see cref="IExpertLoopObserver"/>: add rows to
/// <c>db</c>, never save or commit). A separate hook because usage is not a state change of the question. Register with
/// <c>services.AddSingleton&lt;IAnswerUsageObserver, …&gt;()</c>; used by duty of care ("works on a topic").
/// </summary>
public interface IAnswerUsageObserver
{
    Task OnAnswerUsedAsync(CrisisBot.Infrastructure.Storage.CrisisDbContext db, AnswerUsage usage, CancellationToken ct);
}

/// <summary>
/// Called by the expert loop inside the transaction of the change, before it commits: whatever the observer writes with
/// <paramref name="db"/> (outbox rows, timers, FAQ rows) commits or rolls back with the change. Used by the hot-topic
/// cards ("approved answer available", waiting agents) and the public FAQ (publish on approval). Register with
/// <c>services.AddSingleton&lt;IExpertLoopObserver, …&gt;()</c> (several are allowed); an observer must not call
/// <c>SaveChanges</c> or commit.
/// </summary>
public interface IExpertLoopObserver
{
    Task OnChangedAsync(CrisisBot.Infrastructure.Storage.CrisisDbContext db, ExpertLoopChange change, CancellationToken ct);
}

/// <summary>
/// Which topics count as one after hot-topic merges, for the expert loop: a question asked on a topic that was later
/// merged into another belongs to the surviving topic too (its card shows it, "Ask an expert" there joins it). Keys are
/// the topic ids questions carry ("T12"). Implemented by the hot-topic cards (from the stored topics); the expert loop
/// registers <see cref="SingleTopicLineage"/> with <c>TryAdd</c> (every topic stands alone). Implementations register
/// with <c>services.Replace</c>. Both methods only read through <c>db</c>.
/// </summary>
public interface ITopicLineage
{
    /// <summary>For each key: the key itself first, then the keys of every topic merged into it (directly or through a chain).</summary>
    Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAbsorbedAsync(
        CrisisBot.Infrastructure.Storage.CrisisDbContext db, IReadOnlyCollection<string> topicKeys, CancellationToken ct);

    /// <summary>The key of the topic <paramref name="topicKey"/> now lives on (merges followed); the key itself when not merged or unknown.</summary>
    Task<string> GetSurvivorAsync(CrisisBot.Infrastructure.Storage.CrisisDbContext db, string topicKey, CancellationToken ct);
}

/// <summary>The default <see cref="ITopicLineage"/>: no merges known, every topic stands alone.</summary>
public sealed class SingleTopicLineage : ITopicLineage
{
    public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAbsorbedAsync(
        CrisisBot.Infrastructure.Storage.CrisisDbContext db, IReadOnlyCollection<string> topicKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(topicKeys);
        IReadOnlyDictionary<string, IReadOnlyList<string>> map = topicKeys.Distinct(StringComparer.Ordinal)
            .ToDictionary(k => k, k => (IReadOnlyList<string>)[k], StringComparer.Ordinal);
        return Task.FromResult(map);
    }

    public Task<string> GetSurvivorAsync(CrisisBot.Infrastructure.Storage.CrisisDbContext db, string topicKey, CancellationToken ct) =>
        Task.FromResult(topicKey);
}
