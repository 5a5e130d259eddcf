using CrisisBot.Cards.Actions;
using CrisisBot.Protocol.Routing;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.Experts;

/// <summary>Registers the expert loop's commands and card verbs.</summary>
internal sealed class ExpertRoutes(ExpertHandlers handlers) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes
            .OnCommand("ask", handlers.AskAsync)
            .OnCommand("find", handlers.FindAsync)
            .OnCommand("library", handlers.LibraryAsync)
            .OnCommand("supersede", handlers.SupersedeAsync)
            .OnCardAction(CardVerbs.TopicAskExpert, handlers.AskFromTopicAsync)
            .OnCardAction(CardVerbs.QuestionAsk, handlers.AskFromFormAsync)
            .OnCardAction(CardVerbs.QuestionJoin, handlers.JoinAsync)
            .OnCardAction(CardVerbs.QuestionRefresh, handlers.RefreshQuestionAsync)
            .OnCardAction(CardVerbs.QuestionSubmitAnswer, handlers.SubmitAnswerAsync)
            .OnCardAction(CardVerbs.AnswerReviewRefresh, handlers.RefreshReviewAsync)
            .OnCardAction(CardVerbs.AnswerApprove, handlers.ApproveAsync)
            .OnCardAction(CardVerbs.AnswerEdit, handlers.EditAsync)
            .OnCardAction(CardVerbs.AnswerRequestChanges, handlers.RequestChangesAsync)
            .OnCardAction(CardVerbs.AnswerUsed, handlers.UsedAsync)
            .OnCardAction(CardVerbs.AnswerReportProblem, handlers.ReportProblemAsync)
            .OnCardAction(CardVerbs.AnswerSupersededAck, handlers.SupersededAckAsync)
            .OnCardAction(CardVerbs.LibrarySearch, handlers.SearchAsync)
            .OnCardAction(CardVerbs.LibraryOpen, handlers.OpenAsync)
            .OnCardAction(CardVerbs.LibrarySendToMe, handlers.SendToMeAsync)
            .OnCardAction(CardVerbs.LibraryConfirm, handlers.ConfirmAsync)
            .OnCardAction(CardVerbs.LibraryRetire, handlers.RetireAsync)
            .OnCardAction(CardVerbs.LibrarySupersede, handlers.ReplaceAsync)
            .OnCardAction(CardVerbs.SlaSnooze, handlers.SnoozeAsync)
            .OnCardAction(CardVerbs.SlaEscalate, handlers.EscalateAsync);
    }
}
