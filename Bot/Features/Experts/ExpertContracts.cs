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
public sealed record TopicQuestionStatus(bool HasOpenQuestion, int WaitingAgents, bool HasApprovedAnswer);

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

    /// <summary>Metrics of the questions asked in [<paramref name="since"/>, <paramref name="until"/>), oldest first.</summary>
    Task<IReadOnlyList<QuestionMetrics>> GetMetricsAsync(DateTimeOffset since, DateTimeOffset until, CancellationToken ct = default);
}
