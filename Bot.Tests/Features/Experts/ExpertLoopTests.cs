using System.Text.Json;
using CrisisBot.Cards.Actions;
using CrisisBot.Features.Experts;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using CrisisBot.Tests.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static CrisisBot.Tests.Features.Experts.ExpertTestHost;

namespace CrisisBot.Tests.Features.Experts;

/// <summary>The whole expert loop against the recording Connector, on SQLite (and PostgreSQL in the subclass).</summary>
public class ExpertLoopTests : StorageProviderTests
{
    private const string Question = "Are strike cancellations covered by travel insurance bought before the strike?";
    private ExpertTestHost _host = null!;

    private readonly RecordingObserver _observer = new();

    protected override async Task StartAsync() => _host = await ExpertTestHost.StartAsync(Postgres, s => s.AddSingleton<IExpertLoopObserver>(_observer));

    protected override async Task StopAsync()
    {
        await _host.DisposeAsync();
        DeleteDirectory(_host.DataDirectory);
    }

    [StorageFact]
    public async Task FullLoop_AskJoinAnswerChangesTwoStepApprovalSupersede_EveryoneGetsTheRightCards()
    {
        var h = _host;

        // 1. Bob asks in personal chat: question card in the product channel @mentioning the owner, acknowledgement to Bob.
        await h.CommandAsync(Bob, "ask travel-insurance " + Question);
        Assert.Contains("went to the Travel Insurance experts", h.Replies.Last().Text, StringComparison.Ordinal);
        await h.DeliverAsync();
        var post = Assert.Single(h.Connector.Calls, c => c.Operation == "create" && c.ConversationId == ProductChannel);
        var postJson = Json(post.Activity!);
        Assert.Contains("strike cancellations", postJson, StringComparison.Ordinal);
        Assert.Contains($"\"id\":\"{Carol.Aad}\"", postJson, StringComparison.Ordinal); // mention entity of the owner
        Assert.Contains("\"userIds\":[", postJson, StringComparison.Ordinal);
        Assert.Contains(h.Connector.Calls, c => c.Operation == "send" && c.ConversationId == Tests.TestData.ActivityBuilder.PersonalConversationId);
        var questionId = await SingleQuestionIdAsync();

        // 2. Frank asks a very similar question from the agents channel thread: he joins instead of a duplicate.
        h.Time.Advance(TimeSpan.FromMinutes(5));
        await h.CommandAsync(Frank, "ask Travel Insurance are strike cancellations covered by travel insurance bought before a strike", AgentsThread);
        Assert.Contains("joined", h.Replies.Last().Text, StringComparison.Ordinal);
        Assert.Equal(questionId, await SingleQuestionIdAsync());
        await using (var db = await h.DbAsync())
        {
            Assert.Equal(2, await db.Set<QuestionWaiter>().CountAsync(w => w.QuestionId == questionId));
        }

        await h.DeliverAsync();
        Assert.Contains(h.Connector.Calls, c => c.Operation == "update" && Json(c.Activity!).Contains("Frank Agent", StringComparison.Ordinal));

        // 3. Role views: the owner (object id) and the deputy (UPN, via the member record) get the form, a stranger the status.
        var ownerView = await h.InvokeAsync(Carol, CardVerbs.QuestionRefresh, new QuestionActionData(Id(questionId)));
        Assert.Contains(CardVerbs.QuestionSubmitAnswer, CardText(ownerView), StringComparison.Ordinal);
        var deputyView = await h.InvokeAsync(Dave, CardVerbs.QuestionRefresh, new QuestionActionData(Id(questionId)));
        Assert.Contains(CardVerbs.QuestionSubmitAnswer, CardText(deputyView), StringComparison.Ordinal);
        var strangerView = await h.InvokeAsync(Mallory, CardVerbs.QuestionRefresh, new QuestionActionData(Id(questionId)));
        Assert.DoesNotContain(CardVerbs.QuestionSubmitAnswer, CardText(strangerView), StringComparison.Ordinal);
        Assert.Contains("Waiting for the product owners", CardText(strangerView), StringComparison.Ordinal);

        // 4. The owner answers; the first approver sends it back; the owner answers again.
        h.Time.Advance(TimeSpan.FromMinutes(10));
        var submitted = await Answer(Carol, questionId, "Covered if bought before the strike was announced.", "Yes, you're covered if you bought before the announcement.");
        Assert.Contains("in review", CardText(submitted), StringComparison.Ordinal);
        Assert.Equal(QuestionStatus.InReview, (await QuestionAsync(questionId)).Status);
        await h.DeliverAsync();
        Assert.Single(h.Connector.Calls, c => c.Operation == "create" && c.ConversationId == ApproversChannel);

        var v1 = await CurrentAnswerAsync(questionId);
        var noReason = await h.InvokeAsync(Dan, CardVerbs.AnswerRequestChanges, new RequestChangesData(Id(v1.Id), v1.Version), Inputs((InputIds.ChangeReason, "  ")));
        Assert.Contains("reason", Message(noReason), StringComparison.Ordinal);
        Assert.Equal(QuestionStatus.InReview, (await QuestionAsync(questionId)).Status);
        await h.InvokeAsync(Dan, CardVerbs.AnswerRequestChanges, new RequestChangesData(Id(v1.Id), v1.Version), Inputs((InputIds.ChangeReason, "Name the announcement date.")));
        var reopened = await QuestionAsync(questionId);
        Assert.Equal(QuestionStatus.Open, reopened.Status);
        Assert.Contains("announcement date", reopened.ChangesRequested, StringComparison.Ordinal);
        var ownerAgain = await h.InvokeAsync(Carol, CardVerbs.QuestionRefresh, new QuestionActionData(Id(questionId)));
        Assert.Contains("Changes requested", CardText(ownerAgain), StringComparison.Ordinal);

        h.Time.Advance(TimeSpan.FromMinutes(10));
        await Answer(Carol, questionId, "Announced 3 March.", "You're covered if you bought your policy before 3 March, when the strike was announced.");
        var v2 = await CurrentAnswerAsync(questionId);
        Assert.Equal(2, v2.Version);

        // 5. Two steps: Brand (Dan), then Legal (Erin), who edits then approves.
        await h.InvokeAsync(Dan, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(v2.Id), v2.Version));
        Assert.Equal(1, (await QuestionAsync(questionId)).ApprovalStep);
        h.Time.Advance(TimeSpan.FromMinutes(5));
        var approved = await h.InvokeAsync(Erin, CardVerbs.AnswerEdit, new EditAnswerData(Id(v2.Id), v2.Version), Inputs(
            (InputIds.EditedReply, "You're covered if you bought your policy before 3 March 2026, when the strike was announced."),
            (InputIds.EditedShortReply, "Covered if bought before 3 March 2026.")));
        Assert.Contains("Approved and delivered", CardText(approved), StringComparison.Ordinal);
        var final = await QuestionAsync(questionId);
        Assert.Equal(QuestionStatus.Approved, final.Status);
        Assert.Equal(TimeSpan.FromMinutes(15), final.FirstAnsweredAt - final.AskedAt);
        Assert.Equal(TimeSpan.FromMinutes(30), final.ApprovedAt - final.AskedAt);

        // 6. Delivery: both agents get the approved card where they asked; the library has the edited version.
        var approvedAt = h.Time.GetUtcNow();
        await h.DeliverAsync();
        var delivered = h.CallsWith("Covered if bought before 3 March 2026.").Where(c => c.Operation == "send").Select(c => c.ConversationId).ToList();
        Assert.Contains(Tests.TestData.ActivityBuilder.PersonalConversationId, delivered);
        Assert.Contains(AgentsThread, delivered);
        LibraryEntry entry;
        await using (var db = await h.DbAsync())
        {
            entry = await db.Set<LibraryEntry>().SingleAsync();
            Assert.Equal(1, entry.Version);
            Assert.Equal(LibraryEntryStatus.Active, entry.Status);
            Assert.Equal(approvedAt.AddDays(14), entry.ReviewBy);
            Assert.Contains("Erin Legal", entry.ApprovedBy, StringComparison.Ordinal);
            var edited = await db.Set<ExpertAnswer>().SingleAsync(a => a.Id == entry.AnswerId);
            Assert.True(edited.EditedByApprover);
            Assert.Equal(3, edited.Version);
            Assert.Equal(2, await db.Set<LibraryRecipient>().CountAsync(r => r.EntryId == entry.Id));
        }

        Assert.True(await h.Get<IExpertAnswers>().GetMetricsAsync(DateTimeOffset.MinValue, DateTimeOffset.MaxValue) is [{ TimeToDelivery: not null, WaitingAgents: 2 }]);

        // 7. find + I used this.
        var page = await h.Get<LibraryService>().SearchAsync("strike cancelled cover");
        Assert.Equal(entry.Id, Assert.Single(page.Entries).Id);
        await h.CommandAsync(Bob, "find strike");
        Assert.Contains("Covered if bought before 3 March 2026.", Json(h.Replies.Last()), StringComparison.Ordinal);
        var used = await h.InvokeAsync(Bob, CardVerbs.AnswerUsed, new AnswerUsedData(Id(entry.Id)));
        Assert.Contains("1 agent", CardText(used), StringComparison.Ordinal);

        // 8. Supersede: the owner replaces the answer; it goes through both steps; everyone who received it gets the notice.
        var replace = await h.InvokeAsync(Carol, CardVerbs.LibrarySupersede, new LibrarySupersedeData(Id(entry.Id)), Inputs(
            (InputIds.CustomerReply, "Strike cover now also applies to policies bought up to 10 March 2026."),
            (InputIds.ShortReply, "Covered if bought before 10 March 2026."),
            (InputIds.Reason, "The insurer extended the cut-off to 10 March.")));
        Assert.Contains("sent for approval", CardText(replace), StringComparison.Ordinal);
        var v4 = await CurrentAnswerAsync(questionId);
        await h.InvokeAsync(Dan, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(v4.Id), v4.Version));
        await h.InvokeAsync(Erin, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(v4.Id), v4.Version));
        await h.DeliverAsync();
        await using (var db = await h.DbAsync())
        {
            var entries = await db.Set<LibraryEntry>().OrderBy(e => e.Id).ToListAsync();
            Assert.Equal([LibraryEntryStatus.Superseded, LibraryEntryStatus.Active], entries.Select(e => e.Status));
            Assert.Equal(entries[1].Id, entries[0].SupersededById);
            Assert.Equal(2, entries[1].Version);
        }

        var notices = h.CallsWith("The insurer extended the cut-off").Where(c => c.Operation == "send").Select(c => c.ConversationId).ToList();
        Assert.Contains(Tests.TestData.ActivityBuilder.PersonalConversationId, notices);
        Assert.Contains(AgentsThread, notices);
        var search = await h.Get<LibraryService>().SearchAsync("strike");
        Assert.Equal("Covered if bought before 10 March 2026.", Assert.Single(search.Entries).ShortReply);

        // 9. The audit trail has every transition with actor, before and after.
        await using (var db = await h.DbAsync())
        {
            var audit = await db.Set<ExpertAuditEntry>().OrderBy(a => a.Id).ToListAsync();
            var actions = audit.Select(a => a.Action).ToList();
            Assert.Equal(
                ["question.ask", "question.join", "answer.submit", "answer.requestChanges", "answer.submit", "answer.approve", "answer.edit", "question.deliver", "answer.used", "library.supersede.submit", "answer.approve", "answer.approve", "library.supersede", "question.deliver"],
                actions.Where(a => !a.EndsWith(".refused", StringComparison.Ordinal)));
            var legal = audit.Single(a => a.Action == "answer.edit");
            Assert.Equal(Erin.Aad, legal.ActorAadObjectId);
            Assert.Equal("Erin Legal", legal.ActorName);
            Assert.Equal("InReview:Legal", legal.Before);
            Assert.Equal("Approved", legal.After);
        }
    }

    [StorageFact]
    public async Task Refusals_StrangerAndWrongStep_ChangeNothingAndAreAudited()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask travel-insurance " + Question);
        var questionId = await SingleQuestionIdAsync();

        var stranger = await h.InvokeAsync(Mallory, CardVerbs.QuestionSubmitAnswer, new SubmitAnswerData(Id(questionId)), AnswerInputs("facts", "reply", "short"));
        Assert.Equal("You're not an owner or deputy of Travel Insurance, so you can't answer this question.", Message(stranger));
        Assert.Equal(QuestionStatus.Open, (await QuestionAsync(questionId)).Status);

        await Answer(Carol, questionId, "facts", "The reply.");
        var answer = await CurrentAnswerAsync(questionId);
        var notApprover = await h.InvokeAsync(Mallory, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(answer.Id), answer.Version));
        Assert.Equal("You're not an approver for Travel Insurance.", Message(notApprover));
        var wrongStep = await h.InvokeAsync(Erin, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(answer.Id), answer.Version));
        Assert.Contains("waiting for the Brand step", Message(wrongStep), StringComparison.Ordinal);
        var changesByStranger = await h.InvokeAsync(Mallory, CardVerbs.AnswerRequestChanges, new RequestChangesData(Id(answer.Id), answer.Version), Inputs((InputIds.ChangeReason, "no")));
        Assert.Equal("You're not an approver for Travel Insurance.", Message(changesByStranger));

        var q = await QuestionAsync(questionId);
        Assert.Equal(QuestionStatus.InReview, q.Status);
        Assert.Equal(0, q.ApprovalStep);
        Assert.Equal("", q.Decisions);
        await using var db = await h.DbAsync();
        var refused = await db.Set<ExpertAuditEntry>().Where(a => a.Action.EndsWith(".refused")).OrderBy(a => a.Id).ToListAsync();
        Assert.Equal(["answer.submit.refused", "answer.approve.refused", "answer.approve.refused", "answer.requestChanges.refused"], refused.Select(a => a.Action));
        Assert.All(refused.Where(a => a.ActorUserId == Mallory.Id), a => Assert.Equal(Mallory.Aad, a.ActorAadObjectId));
    }

    [StorageFact]
    public async Task SubmitAnswer_InvalidForm_ReshowsFormWithMessageAndSavesNothing()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask travel-insurance " + Question);
        var questionId = await SingleQuestionIdAsync();

        var tooLong = await h.InvokeAsync(Carol, CardVerbs.QuestionSubmitAnswer, new SubmitAnswerData(Id(questionId)), AnswerInputs("facts", "reply", new string('x', 281)));
        var card = CardText(tooLong);
        Assert.Contains("The short reply is 281 characters; it must fit 280.", card, StringComparison.Ordinal);
        Assert.Contains(CardVerbs.QuestionSubmitAnswer, card, StringComparison.Ordinal); // the form is back
        Assert.Contains("\"value\":\"facts\"", card, StringComparison.Ordinal);            // with what was typed

        var empty = await h.InvokeAsync(Carol, CardVerbs.QuestionSubmitAnswer, new SubmitAnswerData(Id(questionId)), AnswerInputs(" ", "", "short"));
        Assert.Contains("Add the facts", CardText(empty), StringComparison.Ordinal);
        Assert.Contains("The customer reply is empty.", CardText(empty), StringComparison.Ordinal);

        await using var db = await h.DbAsync();
        Assert.Equal(0, await db.Set<ExpertAnswer>().CountAsync());
        Assert.Equal(QuestionStatus.Open, (await db.Set<ExpertQuestion>().SingleAsync()).Status);
    }

    [StorageFact]
    public async Task Approve_TwoClicksAtOnce_FirstWinsSecondSeesCurrentState()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask travel-insurance " + Question);
        var questionId = await SingleQuestionIdAsync();
        await Answer(Carol, questionId, "facts", "The reply.");
        var answer = await CurrentAnswerAsync(questionId);

        var clicks = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ =>
            Task.Run(() => h.InvokeAsync(Dan, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(answer.Id), answer.Version)))));

        var q = await QuestionAsync(questionId);
        Assert.Equal(1, q.ApprovalStep); // exactly one step advanced
        Assert.Single(q.Decisions.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.All(clicks, c => Assert.Equal(ContentTypes.AdaptiveCard, c.Type)); // everyone sees a card, nobody an error
        Assert.All(clicks, c => Assert.DoesNotContain(CardVerbs.AnswerApprove + "\"", CardText(c), StringComparison.Ordinal));
        await using var db = await h.DbAsync();
        Assert.Equal(1, await db.Set<ExpertAuditEntry>().CountAsync(a => a.Action == "answer.approve"));
    }

    [StorageFact]
    public async Task Approve_SamePersonListedInTwoSteps_DecidesOnlyOne()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask credit-card Is the card blocked abroad?");
        var questionId = await SingleQuestionIdAsync();
        await Answer(Carol, questionId, "No block.", "Your card works abroad.");
        var answer = await CurrentAnswerAsync(questionId);
        await h.InvokeAsync(Dan, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(answer.Id), answer.Version));
        var second = await h.InvokeAsync(Dan, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(answer.Id), answer.Version));
        Assert.Contains("another approver must decide the Compliance step", Message(second), StringComparison.Ordinal);
        Assert.Equal(QuestionStatus.InReview, (await QuestionAsync(questionId)).Status);
        await h.InvokeAsync(Erin, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(answer.Id), answer.Version));
        Assert.Equal(QuestionStatus.Approved, (await QuestionAsync(questionId)).Status);
    }

    [StorageFact]
    public async Task Ask_CrisisCoversProduct_CrisisSlaAndAudited()
    {
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        var crisis = new FixedCrisis(new CrisisBot.Features.Crisis.ActiveCrisis(1, "Rail strike", ["travel-insurance"], _host.Time.GetUtcNow()));
        await using var host = await StartOnAsync(directory, null, s => s.AddSingleton<CrisisBot.Features.Crisis.ICrisisState>(crisis), link: true);
        try
        {
            await host.CommandAsync(Bob, "ask travel-insurance " + Question);
            await host.CommandAsync(Bob, "ask mail Why are parcels late?");
            await using var db = await host.DbAsync();
            var questions = await db.Set<ExpertQuestion>().OrderBy(q => q.Id).ToListAsync();
            Assert.Equal([20, 30], questions.Select(q => q.SlaMinutes)); // crisis SLA only where the crisis applies
            Assert.True(questions[0].CrisisSla);
            Assert.Equal(host.Time.GetUtcNow().AddMinutes(20), questions[0].DueAt);
            Assert.Contains("crisis SLA", (await db.Set<ExpertAuditEntry>().FirstAsync(a => a.QuestionId == questions[0].Id)).Details, StringComparison.Ordinal);
        }
        finally
        {
            DeleteDirectory(directory);
        }
    }

    private sealed class FixedCrisis(CrisisBot.Features.Crisis.ActiveCrisis crisis) : CrisisBot.Features.Crisis.ICrisisState
    {
        public Task<CrisisBot.Features.Crisis.ActiveCrisis?> GetActiveAsync(CancellationToken ct = default) => Task.FromResult<CrisisBot.Features.Crisis.ActiveCrisis?>(crisis);
    }

    [StorageFact]
    public async Task Ask_BadInput_ClearErrorsAndNothingSaved()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask");
        Assert.Contains("Say which product", h.Replies.Last().Text, StringComparison.Ordinal);
        await h.CommandAsync(Bob, "ask pensions Is my pension safe?");
        Assert.Contains("I don't know the product 'pensions'", h.Replies.Last().Text, StringComparison.Ordinal);
        await h.CommandAsync(Bob, "ask mail");
        Assert.Contains("Write the question after the product", h.Replies.Last().Text, StringComparison.Ordinal);
        await h.CommandAsync(Bob, "ask mail " + new string('a', 501));
        Assert.Contains("keep it to 500", h.Replies.Last().Text, StringComparison.Ordinal);
        await h.Get<CrisisBot.Features.Channels.ChannelStore>().UnlinkAsync(new(CrisisBot.Features.Channels.ChannelRole.Product, "mail"), new("admin", "Admin"));
        await h.CommandAsync(Bob, "ask mail Where is my parcel?");
        Assert.Contains("link product mail", h.Replies.Last().Text, StringComparison.Ordinal);

        await using var db = await h.DbAsync();
        Assert.Equal(0, await db.Set<ExpertQuestion>().CountAsync());
        Assert.Equal(0, await db.Set<CrisisBot.Infrastructure.Outbox.OutboxMessage>().CountAsync(m => m.Kind != CrisisBot.Infrastructure.Outbox.OutboxKind.ChannelPost));
    }

    [StorageFact]
    public async Task AskExpert_FromTopicCard_FormThenQuestionThenSecondAgentJoins()
    {
        var h = _host;
        var first = await h.InvokeAsync(Bob, CardVerbs.TopicAskExpert, new AskExpertData("topic-17", "Strike cancellations", "travel-insurance"), conversationId: AgentsThread);
        Assert.Contains("question form", Message(first), StringComparison.Ordinal);
        await h.DeliverAsync();
        var form = Assert.Single(h.Connector.Calls, c => c.Operation == "send" && c.ConversationId == AgentsThread);
        Assert.Contains(CardVerbs.QuestionAsk, Json(form.Activity!), StringComparison.Ordinal);
        Assert.Contains("Strike cancellations", Json(form.Activity!), StringComparison.Ordinal);

        var empty = await h.InvokeAsync(Bob, CardVerbs.QuestionAsk, new AskQuestionData("topic-17", "Strike cancellations"), Inputs((InputIds.Product, "travel-insurance"), (InputIds.Question, "")), AgentsThread);
        Assert.Contains("Write the question", CardText(empty), StringComparison.Ordinal); // form re-shown with the message

        var asked = await h.InvokeAsync(Bob, CardVerbs.QuestionAsk, new AskQuestionData("topic-17", "Strike cancellations"), Inputs((InputIds.Product, "travel-insurance"), (InputIds.Question, "What do we tell customers whose trip was cancelled by the strike?")), AgentsThread);
        Assert.Contains("went to the Travel Insurance experts", Message(asked), StringComparison.Ordinal);
        Assert.Equal("topic-17", (await QuestionAsync(await SingleQuestionIdAsync())).TopicId);

        var second = await h.InvokeAsync(Frank, CardVerbs.TopicAskExpert, new AskExpertData("topic-17"), conversationId: AgentsThread);
        Assert.Contains("joined", Message(second), StringComparison.Ordinal);
        var again = await h.InvokeAsync(Frank, CardVerbs.TopicAskExpert, new AskExpertData("topic-17"), conversationId: AgentsThread);
        Assert.Contains("already waiting", Message(again), StringComparison.Ordinal);
        var status = await h.Get<IExpertAnswers>().GetTopicStatusAsync("topic-17");
        Assert.Equal(new TopicQuestionStatus(true, 2, false), status);
        Assert.False(await h.Get<IExpertAnswers>().HasApprovedAnswerAsync("topic-17"));
    }

    [StorageFact]
    public async Task Answer_ProductWithoutApprovers_DeliveredAtOnceAndTopicHasApprovedAnswer()
    {
        var h = _host;
        var asked = await h.InvokeAsync(Bob, CardVerbs.QuestionAsk, new AskQuestionData("topic-3", "Parcels late"), Inputs((InputIds.Product, "mail"), (InputIds.Question, "Why are parcels late this week?")), AgentsThread);
        Assert.Contains("Mail experts", Message(asked), StringComparison.Ordinal);
        var questionId = await SingleQuestionIdAsync();
        await Answer(Carol, questionId, "Storm closed two hubs.", "Deliveries are running a day late after the storm.");
        Assert.Equal(QuestionStatus.Approved, (await QuestionAsync(questionId)).Status);
        Assert.True(await h.Get<IExpertAnswers>().HasApprovedAnswerAsync("topic-3"));
        await h.DeliverAsync();
        Assert.Contains(h.CallsWith("Deliveries are running a day late"), c => c.Operation == "send" && c.ConversationId == AgentsThread);
        var timers = await h.TimerRowsAsync();
        Assert.DoesNotContain(timers, t => t.Kind == ExpertService.SlaTimerKind);
        Assert.Single(timers, t => t.Kind == ExpertService.ReviewTimerKind);
    }

    [StorageFact]
    public async Task ReportProblem_ReopensQuestionAndTellsOwners_NoteRequired()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask mail Why are parcels late this week?");
        var questionId = await SingleQuestionIdAsync();
        await Answer(Carol, questionId, "Storm.", "Deliveries are a day late.");
        await h.DeliverAsync();
        long entryId;
        await using (var db = await h.DbAsync())
        {
            entryId = (await db.Set<LibraryEntry>().SingleAsync()).Id;
        }

        var noNote = await h.InvokeAsync(Bob, CardVerbs.AnswerReportProblem, new ReportProblemData(Id(entryId)), Inputs((InputIds.Problem, "")));
        Assert.Contains("Describe the problem", Message(noNote), StringComparison.Ordinal);
        Assert.Equal(QuestionStatus.Approved, (await QuestionAsync(questionId)).Status);

        var report = await h.InvokeAsync(Bob, CardVerbs.AnswerReportProblem, new ReportProblemData(Id(entryId)), Inputs((InputIds.Problem, "It is two days now.")));
        Assert.Contains("reopened", Message(report), StringComparison.Ordinal);
        var q = await QuestionAsync(questionId);
        Assert.Equal(QuestionStatus.Open, q.Status);
        Assert.Contains("It is two days now.", q.ChangesRequested, StringComparison.Ordinal);
        await h.DeliverAsync();
        Assert.Contains(h.CallsWith("It is two days now."), c => c.Operation == "send" && c.ConversationId.StartsWith(ProductChannel + ";messageid=", StringComparison.Ordinal));
        Assert.Equal(3, (await h.TimerRowsAsync()).Count(t => t.Kind == ExpertService.SlaTimerKind));

        // The corrected answer supersedes the first; Bob (who reported) gets the notice with the reason.
        await Answer(Carol, questionId, "Storm, second wave.", "Deliveries are two days late.");
        await h.DeliverAsync();
        Assert.Contains(h.CallsWith("It is two days now."), c => c.Operation == "send" && c.ConversationId == Tests.TestData.ActivityBuilder.PersonalConversationId);
    }

    [StorageFact]
    public async Task SlaTimers_HalfDueDoubleDue_RemindOwnersDeputiesAndLeadership_AnswerCancels()
    {
        var h = _host;
        await h.LinkAsync(new(CrisisBot.Features.Channels.ChannelRole.Leadership, ""), LeadershipChannel);
        await h.CommandAsync(Bob, "ask travel-insurance " + Question);
        var questionId = await SingleQuestionIdAsync();
        await h.DeliverAsync(); // the question card is posted, so reminders go into its thread
        Assert.Equal(h.Time.GetUtcNow().AddMinutes(60), (await QuestionAsync(questionId)).DueAt);

        h.Time.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, await h.FireDueTimersAsync());
        h.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(1, await h.FireDueTimersAsync());
        await h.DeliverAsync();
        var reminder = Assert.Single(h.CallsWith("Reminder: question due"));
        Assert.StartsWith(ProductChannel + ";messageid=", reminder.ConversationId, StringComparison.Ordinal);
        Assert.Contains(Carol.Aad, Json(reminder.Activity!), StringComparison.Ordinal);

        h.Time.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(1, await h.FireDueTimersAsync());
        await h.DeliverAsync();
        var escalation = Assert.Single(h.CallsWith("Escalated: question unanswered"));
        Assert.Contains("dave@contoso.test", Json(escalation.Activity!), StringComparison.Ordinal); // the deputy, @mentioned by UPN

        h.Time.Advance(TimeSpan.FromMinutes(60));
        Assert.Equal(1, await h.FireDueTimersAsync());
        await h.DeliverAsync();
        var leadership = Assert.Single(h.CallsWith("Escalation: expert question still unanswered"));
        Assert.Equal(LeadershipChannel, leadership.ConversationId);
        Assert.Equal(3, (await QuestionAsync(questionId)).RemindersSent);

        // A new question: answering before 50% cancels every step.
        await h.CommandAsync(Frank, "ask mail Why are parcels late this week?");
        long mailId;
        await using (var db = await h.DbAsync())
        {
            mailId = await db.Set<ExpertQuestion>().Where(q => q.ProductKey == "mail").Select(q => q.Id).SingleAsync();
        }

        await Answer(Carol, mailId, "Storm.", "A day late.");
        h.Time.Advance(TimeSpan.FromHours(5));
        Assert.Equal(0, await h.FireDueTimersAsync());
    }

    [StorageFact]
    public async Task Reminder_SnoozeAndHandToDeputies_OwnersOnly()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask travel-insurance " + Question);
        var questionId = await SingleQuestionIdAsync();
        await h.DeliverAsync();

        var stranger = await h.InvokeAsync(Mallory, CardVerbs.SlaSnooze, new SlaSnoozeData(Id(questionId), 15));
        Assert.Equal("You're not an owner or deputy of Travel Insurance.", Message(stranger));

        // Snooze at 25 min: the 50 % reminder (30 min) moves to 40 min; the due time stays.
        h.Time.Advance(TimeSpan.FromMinutes(25));
        var snoozed = await h.InvokeAsync(Carol, CardVerbs.SlaSnooze, new SlaSnoozeData(Id(questionId), 15));
        Assert.Contains("no reminder before", Message(snoozed), StringComparison.Ordinal);
        h.Time.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, await h.FireDueTimersAsync());
        h.Time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(1, await h.FireDueTimersAsync());

        var handed = await h.InvokeAsync(Carol, CardVerbs.SlaEscalate, new QuestionActionData(Id(questionId)));
        Assert.Contains("deputies", Message(handed), StringComparison.Ordinal);
        await h.DeliverAsync();
        Assert.Single(h.CallsWith("Escalated: question unanswered"));
        await using var db = await h.DbAsync();
        Assert.Equal(["sla.snooze.refused", "sla.snooze", "sla.reminder", "sla.escalate.deputies"],
            await db.Set<ExpertAuditEntry>().Where(a => a.Action.StartsWith("sla.")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync());
    }

    [StorageFact]
    public async Task SlaTimer_RestartMidTimer_FiresOnceAfterRestart()
    {
        await _host.CommandAsync(Bob, "ask travel-insurance " + Question);
        var questionId = await SingleQuestionIdAsync();
        await _host.DeliverAsync();
        var askedAt = _host.Time.GetUtcNow();
        var directory = _host.DataDirectory;
        await _host.DisposeAsync();

        // The process is gone for 40 minutes; a new one starts on the same database with the clock past the 50% step.
        _host = await StartOnAsync(directory, Postgres, configure: null, link: false, now: askedAt.AddMinutes(40));
        Assert.Equal(1, await _host.FireDueTimersAsync());
        Assert.Equal(0, await _host.FireDueTimersAsync());
        await _host.DeliverAsync();
        var reminder = Assert.Single(_host.CallsWith("Reminder: question due"));
        Assert.StartsWith(ProductChannel + ";messageid=", reminder.ConversationId, StringComparison.Ordinal);
        Assert.Equal(1, (await QuestionAsync(questionId)).RemindersSent);
        Assert.Equal(2, (await _host.TimerRowsAsync()).Count(t => t.Kind == ExpertService.SlaTimerKind));
    }

    [StorageFact]
    public async Task LibraryReview_DueDate_StillCorrectCardConfirmAndRetire()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask mail Why are parcels late this week?");
        var questionId = await SingleQuestionIdAsync();
        await Answer(Carol, questionId, "Storm.", "Deliveries are a day late.");
        await h.DeliverAsync();

        h.Time.Advance(TimeSpan.FromDays(14));
        Assert.Equal(1, await h.FireDueTimersAsync());
        await h.DeliverAsync();
        var card = Assert.Single(h.CallsWith("Still correct?"), c => c.Operation == "create");
        Assert.Equal(ProductChannel, card.ConversationId);
        long entryId;
        await using (var db = await h.DbAsync())
        {
            entryId = (await db.Set<LibraryEntry>().SingleAsync()).Id;
        }

        var stranger = await h.InvokeAsync(Mallory, CardVerbs.LibraryConfirm, new LibraryEntryData(Id(entryId)));
        Assert.Contains("You're not an owner of Mail", Message(stranger), StringComparison.Ordinal);
        var confirmed = await h.InvokeAsync(Carol, CardVerbs.LibraryConfirm, new LibraryEntryData(Id(entryId)));
        Assert.Contains("Confirmed by Carol Expert", CardText(confirmed), StringComparison.Ordinal);
        Assert.Equal(h.Time.GetUtcNow().AddDays(14), Assert.Single(await h.TimerRowsAsync(), t => t.Kind == ExpertService.ReviewTimerKind).DueAt);

        var noReason = await h.InvokeAsync(Carol, CardVerbs.LibraryRetire, new LibraryRetireData(Id(entryId)));
        Assert.Contains("Give a reason", Message(noReason), StringComparison.Ordinal);
        await h.InvokeAsync(Carol, CardVerbs.LibraryRetire, new LibraryRetireData(Id(entryId)), Inputs((InputIds.RetireReason, "Storm is over.")));
        Assert.Empty((await h.Get<LibraryService>().SearchAsync("parcels")).Entries);
        Assert.Empty(await h.TimerRowsAsync());
    }

    [StorageFact]
    public async Task Find_QuerySyntaxAndProductFilter_SafeAndRanked()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask mail Why are parcels late this week?");
        await Answer(Carol, await SingleQuestionIdAsync(), "Storm closed two hubs.", "Parcels are a day late after the storm.");
        var library = h.Get<LibraryService>();

        Assert.Single((await library.SearchAsync("PARCELS \"late\" OR storm* NEAR(")).Entries);
        Assert.Single((await library.SearchAsync("parcel", "mail")).Entries);           // prefix match, product filter
        Assert.Empty((await library.SearchAsync("parcels", "travel-insurance")).Entries);
        Assert.Empty((await library.SearchAsync("' ; --")).Entries);

        await h.CommandAsync(Bob, "find");
        Assert.Contains("Type words to search for", h.Replies.Last().Text, StringComparison.Ordinal);
        await h.CommandAsync(Bob, "library Mail");
        Assert.Contains("Parcels are a day late", Json(h.Replies.Last()), StringComparison.Ordinal);
        await h.CommandAsync(Bob, "library pensions");
        Assert.Contains("I don't know the product 'pensions'", h.Replies.Last().Text, StringComparison.Ordinal);
        var bad = await h.InvokeAsync(Bob, CardVerbs.AnswerApprove, new QuestionActionData("x"), Inputs(("version", "not a number")));
        Assert.Contains("not valid", Message(bad), StringComparison.Ordinal);
    }

    [StorageFact]
    public async Task Observers_AskJoinApproveRetire_SeeEachChangeInItsTransaction()
    {
        var h = _host;
        await h.CommandAsync(Bob, "ask travel-insurance " + Question);
        await h.CommandAsync(Frank, "ask Travel Insurance are strike cancellations covered by travel insurance bought before a strike", AgentsThread);
        var questionId = await SingleQuestionIdAsync();
        await Answer(Carol, questionId, "Announced 3 March.", "Covered if bought before 3 March.");
        var answer = await CurrentAnswerAsync(questionId);
        await h.InvokeAsync(Dan, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(answer.Id), answer.Version));
        await h.InvokeAsync(Erin, CardVerbs.AnswerApprove, new ApproveAnswerData(Id(answer.Id), answer.Version));
        long entryId;
        await using (var db = await h.DbAsync())
        {
            entryId = (await db.Set<LibraryEntry>().SingleAsync()).Id;
        }

        var retired = await h.InvokeAsync(Carol, CardVerbs.LibraryRetire, new LibraryRetireData(Id(entryId)), Inputs((InputIds.RetireReason, "The strike is over.")));
        Assert.Contains("Retired", CardText(retired), StringComparison.Ordinal);

        Assert.Equal(
            [ExpertLoopChangeKind.QuestionAsked, ExpertLoopChangeKind.QuestionJoined, ExpertLoopChangeKind.AnswerApproved, ExpertLoopChangeKind.AnswerRetired],
            _observer.Changes.Select(c => c.Change.Kind));
        Assert.All(_observer.Changes, c => Assert.Equal(questionId, c.Change.QuestionId));
        Assert.All(_observer.Changes, c => Assert.True(c.InTransaction));
        Assert.Equal([null, null, entryId, entryId], _observer.Changes.Select(c => c.Change.LibraryEntryId));
        Assert.True(_observer.Changes[2].Change.AddToFaq);
    }

    [StorageFact]
    public async Task JoinFromTopic_OwnAndAbsorbedQuestions_CardAndAskJoinTheSameOwnFirstThenOldestAbsorbed()
    {
        var lineage = new MapLineage();
        var directory = _host.DataDirectory;
        await _host.DisposeAsync();
        _host = await StartOnAsync(directory, Postgres, s => s.Replace(ServiceDescriptor.Singleton<ITopicLineage>(lineage)), link: false);
        async Task<long> AskOnAsync(TestUser user, string topic, string text)
        {
            var answer = await _host.InvokeAsync(user, CardVerbs.QuestionAsk, new AskQuestionData(topic, topic),
                Inputs((InputIds.Product, "travel-insurance"), (InputIds.Question, text)), AgentsThread);
            Assert.Contains("went to the Travel Insurance experts", Message(answer), StringComparison.Ordinal);
            await using var db = await _host.DbAsync();
            return await db.Set<ExpertQuestion>().Where(q => q.TopicId == topic).Select(q => q.Id).SingleAsync();
        }

        async Task<long[]> JoinedAsync(TestUser user)
        {
            await using var db = await _host.DbAsync();
            return [.. await db.Set<QuestionWaiter>().Where(w => w.UserId == user.Id).OrderBy(w => w.QuestionId).Select(w => w.QuestionId).ToListAsync()];
        }

        var oldestAbsorbed = await AskOnAsync(Bob, "topic-2", "Are hotel nights refunded when the airport closes?");
        var laterAbsorbed = await AskOnAsync(Bob, "topic-5", "Which documents prove a strike cancellation for a claim?");
        var own = await AskOnAsync(Bob, "topic-9", "Do we cover taxis to another airport during the strike?");

        // Then merges: topic-9 absorbed topic-5 then topic-2 (lineage order); topic-8 absorbed the same two and has no question of its own.
        lineage.Absorbed["topic-9"] = ["topic-9", "topic-5", "topic-2"];
        lineage.Absorbed["topic-8"] = ["topic-8", "topic-5", "topic-2"];

        // The topic's own question first, from the card and from an ask on the topic alike.
        Assert.Contains("joined", Message(await _host.InvokeAsync(Frank, CardVerbs.TopicAskExpert, new AskExpertData("topic-9"), conversationId: AgentsThread)), StringComparison.Ordinal);
        await _host.InvokeAsync(Dave, CardVerbs.QuestionAsk, new AskQuestionData("topic-9", "Strike"),
            Inputs((InputIds.Product, "travel-insurance"), (InputIds.Question, "Anything else customers should know about the walkout?")), AgentsThread);
        Assert.Equal([own], await JoinedAsync(Frank));
        Assert.Equal([own], await JoinedAsync(Dave));

        // No own question: the oldest absorbed one (not the first in lineage order), again from both paths.
        Assert.Contains("joined", Message(await _host.InvokeAsync(Erin, CardVerbs.TopicAskExpert, new AskExpertData("topic-8"), conversationId: AgentsThread)), StringComparison.Ordinal);
        await _host.InvokeAsync(Mallory, CardVerbs.QuestionAsk, new AskQuestionData("topic-8", "Strike"),
            Inputs((InputIds.Product, "travel-insurance"), (InputIds.Question, "What should agents say about the picket lines?")), AgentsThread);
        Assert.Equal([oldestAbsorbed], await JoinedAsync(Erin));
        Assert.Equal([oldestAbsorbed], await JoinedAsync(Mallory));
        Assert.NotEqual(oldestAbsorbed, laterAbsorbed);
    }

    private sealed class MapLineage : ITopicLineage
    {
        public Dictionary<string, string[]> Absorbed { get; } = [];

        public Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> GetAbsorbedAsync(CrisisBot.Infrastructure.Storage.CrisisDbContext db, IReadOnlyCollection<string> topicKeys, CancellationToken ct)
        {
            IReadOnlyDictionary<string, IReadOnlyList<string>> map = topicKeys.Distinct(StringComparer.Ordinal)
                .ToDictionary(k => k, k => (IReadOnlyList<string>)(Absorbed.TryGetValue(k, out var keys) ? keys : [k]), StringComparer.Ordinal);
            return Task.FromResult(map);
        }

        public Task<string> GetSurvivorAsync(CrisisBot.Infrastructure.Storage.CrisisDbContext db, string topicKey, CancellationToken ct) =>
            Task.FromResult(Absorbed.FirstOrDefault(a => a.Value.Skip(1).Contains(topicKey)).Key ?? topicKey);
    }

    private sealed class RecordingObserver : IExpertLoopObserver
    {
        public List<(ExpertLoopChange Change, bool InTransaction)> Changes { get; } = [];

        public Task OnChangedAsync(CrisisBot.Infrastructure.Storage.CrisisDbContext db, ExpertLoopChange change, CancellationToken ct)
        {
            Changes.Add((change, db.Database.CurrentTransaction is not null));
            return Task.CompletedTask;
        }
    }

    // ───────── helpers ─────────

    private Task<InvokeResponse> Answer(TestUser owner, long questionId, string facts, string reply) =>
        _host.InvokeAsync(owner, CardVerbs.QuestionSubmitAnswer, new SubmitAnswerData(Id(questionId)), AnswerInputs(facts, reply, reply.Length <= 280 ? reply : reply[..280]));

    private static Dictionary<string, object?> AnswerInputs(string facts, string reply, string shortReply) => new()
    {
        [InputIds.Facts] = facts,
        [InputIds.CustomerReply] = reply,
        [InputIds.ShortReply] = shortReply,
        [InputIds.AddToFaq] = "true",
        [InputIds.InternalNote] = "",
    };

    private static Dictionary<string, object?> Inputs(params (string Key, object? Value)[] inputs) => inputs.ToDictionary(i => i.Key, i => i.Value);

    private async Task<long> SingleQuestionIdAsync()
    {
        await using var db = await _host.DbAsync();
        return await db.Set<ExpertQuestion>().Select(q => q.Id).SingleAsync();
    }

    private async Task<ExpertQuestion> QuestionAsync(long id)
    {
        await using var db = await _host.DbAsync();
        return await db.Set<ExpertQuestion>().AsNoTracking().SingleAsync(q => q.Id == id);
    }

    private async Task<ExpertAnswer> CurrentAnswerAsync(long questionId)
    {
        await using var db = await _host.DbAsync();
        var q = await db.Set<ExpertQuestion>().AsNoTracking().SingleAsync(q => q.Id == questionId);
        return await db.Set<ExpertAnswer>().AsNoTracking().SingleAsync(a => a.Id == q.CurrentAnswerId);
    }

    private static string Id(long id) => id.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static string Json(OutgoingActivity activity) => JsonSerializer.Serialize(activity, CrisisBot.Protocol.ProtocolJsonContext.Default.OutgoingActivity);

    private static string CardText(InvokeResponse response)
    {
        Assert.Equal(ContentTypes.AdaptiveCard, response.Type);
        return response.Value.GetRawText();
    }

    private static string Message(InvokeResponse response)
    {
        Assert.Equal(ContentTypes.ActivityMessage, response.Type);
        return response.Value.GetString()!;
    }
}

/// <summary>The same loop on PostgreSQL (each test on its own database).</summary>
[PostgresTests]
public sealed class ExpertLoopPostgresTests : ExpertLoopTests
{
    protected override bool OnPostgres => true;
}
