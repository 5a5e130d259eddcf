using CrisisBot.Features.Experts;

namespace CrisisBot.Features.HotTopics.Cards;

internal static partial class TopicCardsLog
{
    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Topic T{TopicId} ({Product}) turned hot: card {Spike} queued")]
    public static partial void CardStarted(ILogger logger, int topicId, string product, int spike);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Topic T{TopicId} is hot but product '{Product}' has no channel (link product {Product}, or set 'channel' in products.yaml); the card is kept and posted once a channel is bound")]
    public static partial void ProductUnbound(ILogger logger, int topicId, string product);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Topic card T{TopicId}: {Posts} post(s), {Updates} update(s) queued (version {Version})")]
    public static partial void CardSent(ILogger logger, int topicId, int posts, int updates, int version);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Error, Message = "Topic card flush failed for T{TopicId}; retried on the next pass")]
    public static partial void FlushFailed(ILogger logger, int topicId, Exception exception);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Information, Message = "Topic T{TopicId} {Action} by {ActorId}")]
    public static partial void TopicAction(ILogger logger, int topicId, string action, string actorId);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Topic T{TopicId}: {Action} refused for {ActorId} (not an owner, deputy or admin)")]
    public static partial void TopicActionRefused(ILogger logger, int topicId, string action, string actorId);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Error, Message = "Topic card flusher pass failed")]
    public static partial void FlusherFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5110, Level = LogLevel.Information, Message = "Topic card T{TopicId} marked for update: {Change} (question {QuestionId})")]
    public static partial void ExpertChange(ILogger logger, int topicId, ExpertLoopChangeKind change, long questionId);

    [LoggerMessage(EventId = 5120, Level = LogLevel.Information, Message = "Topic cards: card path warmed up in {ElapsedMs:F0} ms (process CPU {CpuMs:F0} ms, {JitMethods} methods compiled); nothing was stored or sent")]
    public static partial void WarmedUp(ILogger logger, double elapsedMs, double cpuMs, long jitMethods);

    [LoggerMessage(EventId = 5121, Level = LogLevel.Warning, Message = "Topic cards: the card-path warm-up failed (harmless: the first card compiles the path as it goes)")]
    public static partial void WarmUpFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 5111, Level = LogLevel.Debug, Message = "Expert-loop change {Change} of question {QuestionId} on topic '{Topic}': no live topic card, nothing to update")]
    public static partial void ExpertChangeNoCard(ILogger logger, ExpertLoopChangeKind change, long questionId, string topic);
}
