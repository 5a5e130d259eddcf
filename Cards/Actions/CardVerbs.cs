namespace CrisisBot.Cards.Actions;

/// <summary>
/// Every Action.Execute verb. The card builders and the bot's handlers both use these constants, so a verb can
/// never be misspelt on one side only. Each verb's data record is named in its comment (Cards/Actions/ActionData.cs).
/// </summary>
public static class CardVerbs
{
    /// <summary>Re-renders the help card (no stored state needed). No data.</summary>
    public const string HelpRefresh = "help.refresh";

    /// <summary>Re-renders the status card with fresh numbers. No data.</summary>
    public const string StatusRefresh = "status.refresh";

    /// <summary>Re-renders the channel links listing. No data.</summary>
    public const string LinksRefresh = "links.refresh";

    /// <summary>Re-renders a hot-topic card. <see cref="TopicActionData"/>.</summary>
    public const string TopicRefresh = "topic.refresh";

    /// <summary>An agent asks the product experts about a topic (joins the open question if one exists). <see cref="AskExpertData"/>.</summary>
    public const string TopicAskExpert = "topic.askExpert";

    /// <summary>Proposes declaring a crisis from a topic. <see cref="ProposeCrisisData"/>.</summary>
    public const string TopicProposeCrisis = "topic.proposeCrisis";

    /// <summary>Mutes a topic's alerts for a while. <see cref="MuteTopicData"/>.</summary>
    public const string TopicMute = "topic.mute";

    /// <summary>Marks a topic resolved. <see cref="TopicActionData"/>.</summary>
    public const string TopicResolve = "topic.resolve";

    /// <summary>An agent sends the ask-an-expert form (product, question, optional topic). <see cref="AskQuestionData"/>.</summary>
    public const string QuestionAsk = "question.ask";

    /// <summary>Refresh of the question card (owners get the answer form). <see cref="QuestionActionData"/>.</summary>
    public const string QuestionRefresh = "question.refresh";

    /// <summary>An agent adds themselves to the waiting agents. <see cref="QuestionActionData"/>.</summary>
    public const string QuestionJoin = "question.join";

    /// <summary>An owner submits an answer. <see cref="SubmitAnswerData"/> (with the form's inputs).</summary>
    public const string QuestionSubmitAnswer = "question.submitAnswer";

    /// <summary>Refresh of the answer review card (approvers get the decision form). <see cref="AnswerReviewData"/>.</summary>
    public const string AnswerReviewRefresh = "answer.reviewRefresh";

    /// <summary>An approver approves. <see cref="ApproveAnswerData"/>.</summary>
    public const string AnswerApprove = "answer.approve";

    /// <summary>An approver edits and approves. <see cref="EditAnswerData"/>.</summary>
    public const string AnswerEdit = "answer.edit";

    /// <summary>An approver sends the answer back with a required reason. <see cref="RequestChangesData"/>.</summary>
    public const string AnswerRequestChanges = "answer.requestChanges";

    /// <summary>An agent records that they used an approved answer. <see cref="AnswerUsedData"/>.</summary>
    public const string AnswerUsed = "answer.used";

    /// <summary>An agent reports a problem with an approved answer. <see cref="ReportProblemData"/>.</summary>
    public const string AnswerReportProblem = "answer.reportProblem";

    /// <summary>An agent confirms they saw that an answer they used was superseded. <see cref="SupersededAckData"/>.</summary>
    public const string AnswerSupersededAck = "answer.supersededAck";

    /// <summary>Publishes a previewed FAQ entry. <see cref="FaqEntryData"/>.</summary>
    public const string FaqPublish = "faq.publish";

    /// <summary>Withdraws a FAQ entry. <see cref="FaqEntryData"/>.</summary>
    public const string FaqWithdraw = "faq.withdraw";

    /// <summary>Runs a library search. <see cref="LibrarySearchData"/> (with the query inputs).</summary>
    public const string LibrarySearch = "library.search";

    /// <summary>Shows one library answer as an approved-answer card. <see cref="LibraryOpenData"/>.</summary>
    public const string LibraryOpen = "library.open";

    /// <summary>Sends one library answer's approved-answer card to the clicking agent's personal chat (from the hot-topic card). <see cref="LibraryOpenData"/>.</summary>
    public const string LibrarySendToMe = "library.sendToMe";

    /// <summary>An owner confirms a library answer is still correct (new review-by date). <see cref="LibraryEntryData"/>.</summary>
    public const string LibraryConfirm = "library.confirm";

    /// <summary>An owner retires a library answer (reason required). <see cref="LibraryRetireData"/>.</summary>
    public const string LibraryRetire = "library.retire";

    /// <summary>An owner or approver replaces a library answer; the replacement goes through approval. <see cref="LibrarySupersedeData"/>.</summary>
    public const string LibrarySupersede = "library.supersede";

    /// <summary>Snoozes an SLA reminder. <see cref="SlaSnoozeData"/>.</summary>
    public const string SlaSnooze = "sla.snooze";

    /// <summary>Hands a question to the deputies now. <see cref="QuestionActionData"/>.</summary>
    public const string SlaEscalate = "sla.escalate";

    /// <summary>A leader acknowledges a summary. <see cref="SummaryActionData"/>.</summary>
    public const string SummaryAcknowledge = "summary.acknowledge";

    /// <summary>Re-renders a leadership summary (acknowledgement list). <see cref="SummaryActionData"/>.</summary>
    public const string SummaryRefresh = "summary.refresh";

    /// <summary>Re-renders the crisis card. <see cref="CrisisActionData"/>.</summary>
    public const string CrisisRefresh = "crisis.refresh";

    /// <summary>Stands a crisis down, with a required reason. <see cref="StandDownData"/>.</summary>
    public const string CrisisStandDown = "crisis.standDown";

    /// <summary>A crisis lead confirms a proposed crisis (declares it). <see cref="CrisisProposalData"/>.</summary>
    public const string CrisisConfirmProposal = "crisis.confirmProposal";

    /// <summary>A crisis lead declines a proposed crisis. <see cref="CrisisProposalData"/>.</summary>
    public const string CrisisDeclineProposal = "crisis.declineProposal";

    /// <summary>The lead submits the requested status update. <see cref="StatusUpdateData"/> (with the text input).</summary>
    public const string CrisisSubmitStatusUpdate = "crisis.submitStatusUpdate";

    /// <summary>A lead marks a "decision needed" item as decided. <see cref="DecisionActionData"/>.</summary>
    public const string DecisionResolve = "decision.resolve";

    /// <summary>Re-renders the list of open decisions. No data.</summary>
    public const string DecisionsRefresh = "decisions.refresh";

    /// <summary>An agent takes the offered break. <see cref="TakeBreakData"/>.</summary>
    public const string DutyTakeBreak = "duty.takeBreak";

    /// <summary>An agent asks a lead for support (coaching, abusive posts). <see cref="DutyOfCareData"/>.</summary>
    public const string DutyRequestSupport = "duty.requestSupport";

    /// <summary>An agent dismisses the break prompt for now. <see cref="DutyOfCareData"/>.</summary>
    public const string DutyDismiss = "duty.dismiss";
}
