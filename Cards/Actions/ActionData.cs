namespace CrisisBot.Cards.Actions;

// The data records carried by Action.Execute (and its Action.Submit fallback). Builders serialize them with
// CardJson.Data; handlers read them with CardJson.ReadData. Nullable properties whose names match InputIds are
// filled by Teams with the values of the card's inputs; the builder leaves them null.

/// <summary>Ids of the inputs on our cards; each equals the JSON name of the data property that receives it.</summary>
public static class InputIds
{
    public const string MuteHours = "muteHours";
    public const string Facts = "facts";
    public const string CustomerReply = "customerReply";
    public const string ShortReply = "shortReply";
    public const string AddToFaq = "addToFaq";
    public const string InternalNote = "internalNote";
    public const string ApproverComment = "approverComment";
    public const string EditedReply = "editedReply";
    public const string EditedShortReply = "editedShortReply";
    public const string ChangeReason = "changeReason";
    public const string Problem = "problem";
    public const string Query = "query";
    public const string Product = "product";
    public const string StandDownReason = "standDownReason";
    public const string SupportNote = "supportNote";
    public const string Question = "question";
    public const string Reason = "reason";
    public const string RetireReason = "retireReason";
    public const string Lessons = "lessons";
    public const string StatusUpdate = "statusUpdate";
}

/// <summary>
/// <see cref="CardVerbs.TopicAskExpert"/>. <see cref="TopicTitle"/> and <see cref="Product"/> (product key) are optional: when
/// the card carries them the ask form is pre-filled, otherwise the agent picks the product.
/// </summary>
public sealed record AskExpertData(string TopicId, string? TopicTitle = null, string? Product = null);

/// <summary><see cref="CardVerbs.QuestionAsk"/>: <c>product</c> and <c>question</c> come from the form's inputs.</summary>
public sealed record AskQuestionData(string? TopicId = null, string? TopicTitle = null, string? Product = null, string? Question = null);

/// <summary><see cref="CardVerbs.TopicRefresh"/>, <see cref="CardVerbs.TopicResolve"/>.</summary>
public sealed record TopicActionData(string TopicId);

/// <summary><see cref="CardVerbs.TopicMute"/>; <c>muteHours</c> comes from the card's choice input.</summary>
public sealed record MuteTopicData(string TopicId, string? MuteHours = null);

/// <summary><see cref="CardVerbs.TopicProposeCrisis"/>: the topic's title and product travel along, so the proposal can be shown without a lookup.</summary>
public sealed record ProposeCrisisData(string TopicId, string? Title = null, string? Product = null);

/// <summary><see cref="CardVerbs.QuestionRefresh"/>, <see cref="CardVerbs.QuestionJoin"/>, <see cref="CardVerbs.SlaEscalate"/>.</summary>
public sealed record QuestionActionData(string QuestionId);

/// <summary><see cref="CardVerbs.QuestionSubmitAnswer"/>: the owner's answer form.</summary>
public sealed record SubmitAnswerData(
    string QuestionId,
    string? Facts = null,
    string? CustomerReply = null,
    string? ShortReply = null,
    string? AddToFaq = null,
    string? InternalNote = null);

/// <summary><see cref="CardVerbs.AnswerReviewRefresh"/>.</summary>
public sealed record AnswerReviewData(string AnswerId, int Version);

/// <summary><see cref="CardVerbs.AnswerApprove"/>.</summary>
public sealed record ApproveAnswerData(string AnswerId, int Version, string? ApproverComment = null);

/// <summary><see cref="CardVerbs.AnswerEdit"/>: the approver's edited texts.</summary>
public sealed record EditAnswerData(string AnswerId, int Version, string? EditedReply = null, string? EditedShortReply = null);

/// <summary><see cref="CardVerbs.AnswerRequestChanges"/>: the reason is a required input.</summary>
public sealed record RequestChangesData(string AnswerId, int Version, string? ChangeReason = null);

/// <summary><see cref="CardVerbs.AnswerUsed"/>.</summary>
public sealed record AnswerUsedData(string AnswerId);

/// <summary><see cref="CardVerbs.AnswerReportProblem"/>.</summary>
public sealed record ReportProblemData(string AnswerId, string? Problem = null);

/// <summary><see cref="CardVerbs.FaqPublish"/>, <see cref="CardVerbs.FaqWithdraw"/>.</summary>
public sealed record FaqEntryData(string FaqEntryId);

/// <summary><see cref="CardVerbs.LibrarySearch"/>: query and product filter come from the card's inputs.</summary>
public sealed record LibrarySearchData(string? Query = null, string? Product = null);

/// <summary><see cref="CardVerbs.LibraryOpen"/>.</summary>
public sealed record LibraryOpenData(string AnswerId);

/// <summary><see cref="CardVerbs.LibraryConfirm"/>.</summary>
public sealed record LibraryEntryData(string EntryId);

/// <summary><see cref="CardVerbs.LibraryRetire"/>: the reason is a required input.</summary>
public sealed record LibraryRetireData(string EntryId, string? RetireReason = null);

/// <summary><see cref="CardVerbs.LibrarySupersede"/>: the replacement answer form plus the reason for the change.</summary>
public sealed record LibrarySupersedeData(
    string EntryId,
    string? Facts = null,
    string? CustomerReply = null,
    string? ShortReply = null,
    string? AddToFaq = null,
    string? InternalNote = null,
    string? Reason = null);

/// <summary><see cref="CardVerbs.AnswerSupersededAck"/>.</summary>
public sealed record SupersededAckData(string OldAnswerId, string NewAnswerId);

/// <summary><see cref="CardVerbs.SlaSnooze"/>.</summary>
public sealed record SlaSnoozeData(string QuestionId, int Minutes);

/// <summary><see cref="CardVerbs.SummaryAcknowledge"/>, <see cref="CardVerbs.SummaryRefresh"/>.</summary>
public sealed record SummaryActionData(string SummaryId);

/// <summary><see cref="CardVerbs.CrisisRefresh"/>.</summary>
public sealed record CrisisActionData(string CrisisId);

/// <summary><see cref="CardVerbs.CrisisStandDown"/>: the reason is a required input; lessons (free text, one per line) are optional.</summary>
public sealed record StandDownData(string CrisisId, string? StandDownReason = null, string? Lessons = null);

/// <summary><see cref="CardVerbs.CrisisConfirmProposal"/>, <see cref="CardVerbs.CrisisDeclineProposal"/>.</summary>
public sealed record CrisisProposalData(string ProposalId);

/// <summary><see cref="CardVerbs.CrisisSubmitStatusUpdate"/>: <c>statusUpdate</c> comes from the card's text input.</summary>
public sealed record StatusUpdateData(string CrisisId, int Request, string? StatusUpdate = null);

/// <summary><see cref="CardVerbs.DecisionResolve"/>.</summary>
public sealed record DecisionActionData(string DecisionId);

/// <summary><see cref="CardVerbs.DutyTakeBreak"/>.</summary>
public sealed record TakeBreakData(string PromptId, int Minutes);

/// <summary><see cref="CardVerbs.DutyRequestSupport"/>, <see cref="CardVerbs.DutyDismiss"/>.</summary>
public sealed record DutyOfCareData(string PromptId, string? SupportNote = null);
