using System.Globalization;
using System.Text.Json;
using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Channels;
using ChannelBinding = CrisisBot.Features.Channels.ChannelBinding;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Experts;

/// <summary>
/// The expert loop's state machine: ask/join, answer, approval chain, delivery, problem reports. Every transition is one
/// database transaction holding the state change, its audit row, its outbox rows (cards) and its timers, guarded by an
/// optimistic check on <see cref="ExpertQuestion.Revision"/>: of two concurrent decisions the first wins and the second
/// sees the current state.
/// </summary>
public sealed class ExpertService(
    IDbContextFactory<CrisisDbContext> contexts,
    ProductCatalog catalog,
    ICrisisState crisis,
    IOutbox outbox,
    IDurableTimers timers,
    ExpertDirectory directory,
    ExpertCards cards,
    IOptionsMonitor<ExpertsOptions> options,
    TimeProvider time,
    IEnumerable<IExpertLoopObserver> observers,
    ITopicLineage lineage,
    ILogger<ExpertService> logger)
{
    private readonly IExpertLoopObserver[] _observers = [.. observers];

    public const string SlaTimerKind = "expert.sla";
    public const string ReviewTimerKind = "expert.libraryReview";
    internal static readonly int[] SlaSteps = [50, 100, 200];

    // ───────────────────────────── Ask / join ─────────────────────────────

    /// <summary>Asks (or joins an open question on the same topic, or a very similar one in the same product).</summary>
    public async Task<AskResult> AskAsync(Activity activity, AskRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(request);
        var product = FindProduct(request.Product);
        if (product is null)
        {
            var known = string.Join(", ", catalog.Products.Select(p => p.Key));
            return Refused(string.IsNullOrWhiteSpace(request.Product)
                ? $"Say which product the question is about: ask <product> <question>. Products: {known}."
                : $"I don't know the product '{request.Product.Trim()}'. Products: {known}.");
        }

        var text = request.Question?.Trim() ?? string.Empty;
        if (text.Length == 0)
        {
            return Refused($"Write the question after the product: ask {product.Key} <question>.");
        }

        if (text.Length > ExpertText.MaxQuestion)
        {
            return Refused($"The question is {text.Length} characters; keep it to {ExpertText.MaxQuestion}.");
        }

        var conversationId = activity.Conversation?.Id;
        if (string.IsNullOrWhiteSpace(conversationId) || string.IsNullOrWhiteSpace(activity.ServiceUrl))
        {
            return Refused("I cannot tell where to send the answer (no conversation in the request).");
        }

        var actor = ExpertActor.From(activity);
        var tenant = TenantOf(activity);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var channel = await ProductChannelAsync(db, product, activity.ServiceUrl, tenant, ct);
        if (channel is null)
        {
            return Refused($"{product.DisplayName} has no expert channel yet. An admin must @mention me in that channel with 'link product {product.Key}'. Nothing was saved.");
        }

        await directory.RememberAsync(db, activity, ct);
        var terms = ExpertText.Terms(text);
        var existing = await FindJoinableAsync(db, product.Key, request.TopicId, terms, ct);
        if (existing is not null)
        {
            return await JoinAsync(db, existing, activity, actor, tenant, conversationId, ct);
        }

        var now = time.GetUtcNow();
        var active = await crisis.GetActiveAsync(ct);
        var inCrisis = active?.Covers(product.Key) == true;
        var minutes = inCrisis ? product.Sla.Crisis : product.Sla.Normal;
        var question = new ExpertQuestion
        {
            ProductKey = product.Key,
            TopicId = Clip(request.TopicId, 128),
            TopicTitle = Clip(request.TopicTitle, 512),
            Text = text,
            Terms = terms,
            Status = QuestionStatus.Open,
            AskedById = actor.AuditId,
            AskedByName = actor.Name,
            AskedAt = now,
            SlaMinutes = minutes,
            CrisisSla = inCrisis,
            RoundStartedAt = now,
            DueAt = now.AddMinutes(minutes),
            ChannelId = channel.ChannelId,
            ServiceUrl = channel.ServiceUrl,
            TenantId = channel.TenantId,
        };

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        db.Add(question);
        await db.SaveChangesAsync(ct);
        var waiter = AddWaiter(db, question, actor, activity.ServiceUrl, tenant, conversationId, now);
        Audit(db, actor, "question.ask", question.Id, null, null, nameof(QuestionStatus.Open), $"{product.Key}: {Clip(text, 300)}" + (inCrisis ? " (crisis SLA)" : ""));
        var context = await ContextAsync(db, question, ct);
        var card = cards.Question(question, context, ownerView: false);
        outbox.Enqueue(db, OutboxRequest.ChannelPost(question.ServiceUrl, question.TenantId, question.ChannelId, ExpertCards.Activity(card, $"Question for {product.DisplayName}"), question.CardId));
        var ack = outbox.Enqueue(db, OutboxRequest.Send(activity.ServiceUrl, tenant, conversationId, ExpertCards.Activity(card, $"Your question was sent to the {product.DisplayName} experts")));
        ScheduleSla(db, question);
        await NotifyAsync(db, new ExpertLoopChange(ExpertLoopChangeKind.QuestionAsked, question.Id, question.ProductKey, question.TopicId, null, false, now)
        {
            Agent = new ExpertLoopAgent(actor.UserId, actor.AadObjectId, actor.Name, activity.ServiceUrl, tenant),
        }, ct);
        await db.SaveChangesAsync(ct);
        waiter.AckOutboxId = ack.Id;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        ExpertsLog.Asked(logger, question.Id, product.Key, question.DueAt);
        return new AskResult(AskOutcome.Created, $"Your question went to the {product.DisplayName} experts (#{question.Id}); due {Time(question.DueAt)}. I'll send the approved answer here.", question.Id);
    }

    /// <summary><c>question.join</c>: adds the sender to an open question's waiting agents.</summary>
    public async Task<AskResult> JoinAsync(Activity activity, long questionId, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var question = await db.Set<ExpertQuestion>().SingleOrDefaultAsync(q => q.Id == questionId, ct);
        if (question is null)
        {
            return Refused($"Question #{questionId} does not exist.");
        }

        if (!question.IsOpen)
        {
            return Refused($"Question #{questionId} is already answered; search the library with 'find'.");
        }

        var conversationId = activity.Conversation?.Id;
        if (string.IsNullOrWhiteSpace(conversationId) || string.IsNullOrWhiteSpace(activity.ServiceUrl))
        {
            return Refused("I cannot tell where to send the answer (no conversation in the request).");
        }

        await directory.RememberAsync(db, activity, ct);
        return await JoinAsync(db, question, activity, ExpertActor.From(activity), TenantOf(activity), conversationId, ct);
    }

    private async Task<AskResult> JoinAsync(CrisisDbContext db, ExpertQuestion question, Activity activity, ExpertActor actor, string tenant, string conversationId, CancellationToken ct)
    {
        var product = Product(question);
        if (await db.Set<QuestionWaiter>().AnyAsync(w => w.QuestionId == question.Id && w.UserId == actor.UserId, ct))
        {
            await db.SaveChangesAsync(ct);
            return new AskResult(AskOutcome.AlreadyWaiting, $"You're already waiting for question #{question.Id} ({product.DisplayName}): \"{Clip(question.Text, 120)}\".", question.Id);
        }

        var now = time.GetUtcNow();
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await ClaimAsync(db, question, ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return new AskResult(AskOutcome.Refused, $"Question #{question.Id} changed just now; please try again.", question.Id);
        }

        var waiter = AddWaiter(db, question, actor, activity.ServiceUrl!, tenant, conversationId, now);
        Audit(db, actor, "question.join", question.Id, null, question.Status.ToString(), question.Status.ToString(), null);
        var context = await ContextAsync(db, question, ct, extra: waiter);
        var card = cards.Question(question, context, ownerView: false);
        outbox.Enqueue(db, OutboxRequest.UpdateCard(question.ServiceUrl, question.TenantId, question.ChannelId, question.CardId, ExpertCards.Activity(card, "Question")));
        var ack = outbox.Enqueue(db, OutboxRequest.Send(activity.ServiceUrl!, tenant, conversationId, ExpertCards.Activity(card, $"You joined question #{question.Id}")));
        await NotifyAsync(db, new ExpertLoopChange(ExpertLoopChangeKind.QuestionJoined, question.Id, question.ProductKey, question.TopicId, null, false, now)
        {
            Agent = new ExpertLoopAgent(actor.UserId, actor.AadObjectId, actor.Name, activity.ServiceUrl!, tenant),
        }, ct);
        await db.SaveChangesAsync(ct);
        waiter.AckOutboxId = ack.Id;
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        ExpertsLog.Joined(logger, question.Id);
        var others = context.Waiters.Count - 1;
        return new AskResult(AskOutcome.Joined,
            $"An open question already covers this, so you joined it (#{question.Id}, {product.DisplayName}): \"{Clip(question.Text, 120)}\". " +
            $"{others} other agent(s) are waiting too; you'll get the approved answer here.", question.Id);
    }

    /// <summary>
    /// The open question "Ask an expert" on <paramref name="topicId"/>'s card joins: the topic's own (oldest first), else
    /// the oldest one asked on a topic merged into it (the card shows those too). Null when there is none.
    /// </summary>
    public async Task<long?> FindTopicQuestionIdAsync(string topicId, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topicId);
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await FindTopicQuestionIdAsync(db, topicId, ct);
    }

    /// <inheritdoc cref="FindTopicQuestionIdAsync(string, CancellationToken)"/>
    private async Task<long?> FindTopicQuestionIdAsync(CrisisDbContext db, string topicId, CancellationToken ct)
    {
        var topics = (await lineage.GetAbsorbedAsync(db, [topicId], ct)).GetValueOrDefault(topicId) ?? [topicId];
        return await db.Set<ExpertQuestion>()
            .Where(q => (q.Status == QuestionStatus.Open || q.Status == QuestionStatus.InReview) && q.TopicId != null && topics.Contains(q.TopicId))
            .OrderBy(q => q.TopicId == topicId ? 0 : 1).ThenBy(q => q.Id)
            .Select(q => (long?)q.Id)
            .FirstOrDefaultAsync(ct);
    }

    private async Task<ExpertQuestion?> FindJoinableAsync(CrisisDbContext db, string productKey, string? topicId, string terms, CancellationToken ct)
    {
        // The topic's own open question, or one asked on a topic that was merged into it, is joined first.
        if (!string.IsNullOrWhiteSpace(topicId) && await FindTopicQuestionIdAsync(db, topicId, ct) is { } sameTopic)
        {
            return await db.Set<ExpertQuestion>().SingleAsync(q => q.Id == sameTopic, ct);
        }

        var threshold = options.CurrentValue.JoinSimilarity;
        var open = await db.Set<ExpertQuestion>()
            .Where(q => (q.Status == QuestionStatus.Open || q.Status == QuestionStatus.InReview) && q.ProductKey == productKey)
            .OrderBy(q => q.Id)
            .ToListAsync(ct);
        return open
            .Select(q => (Question: q, Score: ExpertText.Similarity(q.Terms, terms)))
            .Where(x => x.Score >= threshold)
            .OrderByDescending(x => x.Score)
            .Select(x => x.Question)
            .FirstOrDefault();
    }

    private static QuestionWaiter AddWaiter(CrisisDbContext db, ExpertQuestion question, ExpertActor actor, string serviceUrl, string tenant, string conversationId, DateTimeOffset now)
    {
        var waiter = new QuestionWaiter
        {
            QuestionId = question.Id,
            UserId = actor.UserId,
            AadObjectId = actor.AadObjectId,
            Name = actor.Name,
            ServiceUrl = serviceUrl,
            TenantId = tenant,
            ConversationId = conversationId,
            JoinedAt = now,
        };
        db.Add(waiter);
        return waiter;
    }

    // ───────────────────────────── Question card ─────────────────────────────

    /// <summary><c>question.refresh</c>: owners and deputies get the answer form while the question is open; others the status.</summary>
    public async Task<InvokeResponse> RefreshQuestionAsync(Activity activity, long questionId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var question = await db.Set<ExpertQuestion>().AsNoTracking().SingleOrDefaultAsync(q => q.Id == questionId, ct);
        if (question is null)
        {
            return InvokeResponse.Message($"Question #{questionId} no longer exists.");
        }

        var product = Product(question);
        var answerer = await directory.IsListedAsync(activity, product.Owners.Concat(product.Deputies), ct);
        var context = await ContextAsync(db, question, ct);
        return InvokeResponse.Card(cards.Question(question, context, answerer, await DraftAsync(db, question, ct)));
    }

    /// <summary><c>question.submitAnswer</c>: validates, stores a new answer version and starts the approval chain.</summary>
    public async Task<InvokeResponse> SubmitAnswerAsync(Activity activity, SubmitAnswerData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(data);
        if (!TryId(data.QuestionId, out var questionId))
        {
            return InvokeResponse.Message("This card is missing its question id; open the question card again.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var question = await db.Set<ExpertQuestion>().SingleOrDefaultAsync(q => q.Id == questionId, ct);
        if (question is null)
        {
            return InvokeResponse.Message($"Question #{questionId} no longer exists.");
        }

        var product = Product(question);
        var actor = ExpertActor.From(activity);
        if (!await directory.IsListedAsync(activity, product.Owners.Concat(product.Deputies), ct))
        {
            return await RefuseAsync(actor, "answer.submit", question.Id, null, question.Status, $"You're not an owner or deputy of {product.DisplayName}, so you can't answer this question.", ct);
        }

        var context = await ContextAsync(db, question, ct);
        if (question.Status != QuestionStatus.Open)
        {
            return InvokeResponse.Card(cards.Question(question, context, ownerView: true));
        }

        var draft = new AnswerDraft(data.Facts, data.CustomerReply, data.ShortReply, !string.Equals(data.AddToFaq, "false", StringComparison.OrdinalIgnoreCase), data.InternalNote);
        var error = ValidateAnswer(data.Facts, data.CustomerReply, data.ShortReply, data.InternalNote, factsRequired: true);
        if (error is not null)
        {
            return InvokeResponse.Card(cards.Question(question, context, ownerView: true, draft, error));
        }

        await directory.RememberAsync(db, activity, ct);
        var now = time.GetUtcNow();
        var before = question.Status;
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await ClaimAsync(db, question, ct);
            var answer = await NewAnswerAsync(db, question, actor, data.Facts!, data.CustomerReply!, data.ShortReply!, draft.AddToFaq, data.InternalNote, editedByApprover: false, ct);
            question.FirstAnsweredAt ??= now;
            CancelSla(db, question);
            await StartReviewAsync(db, question, product, answer, actor, "answer.submit", before, ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            ExpertsLog.LostRace(logger, question.Id);
            return await CurrentQuestionAsync(activity, question.Id, ct);
        }

        return await CurrentQuestionAsync(activity, question.Id, ct, ownerView: false);
    }

    private async Task<InvokeResponse> CurrentQuestionAsync(Activity activity, long questionId, CancellationToken ct, bool? ownerView = null)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var question = await db.Set<ExpertQuestion>().AsNoTracking().SingleAsync(q => q.Id == questionId, ct);
        var product = Product(question);
        var owner = ownerView ?? await directory.IsListedAsync(activity, product.Owners.Concat(product.Deputies), ct);
        return InvokeResponse.Card(cards.Question(question, await ContextAsync(db, question, ct), owner));
    }

    private async Task<ExpertAnswer> NewAnswerAsync(CrisisDbContext db, ExpertQuestion question, ExpertActor actor, string facts, string reply, string shortReply, bool addToFaq, string? note, bool editedByApprover, CancellationToken ct)
    {
        var version = await db.Set<ExpertAnswer>().Where(a => a.QuestionId == question.Id).Select(a => (int?)a.Version).MaxAsync(ct) ?? 0;
        var answer = new ExpertAnswer
        {
            QuestionId = question.Id,
            Version = version + 1,
            Facts = facts.Trim(),
            CustomerReply = reply.Trim(),
            ShortReply = shortReply.Trim(),
            AddToFaq = addToFaq,
            InternalNote = string.IsNullOrWhiteSpace(note) ? null : note.Trim(),
            AuthorId = actor.AuditId,
            AuthorName = actor.Name,
            CreatedAt = time.GetUtcNow(),
            EditedByApprover = editedByApprover,
        };
        db.Add(answer);
        await db.SaveChangesAsync(ct);
        return answer;
    }

    /// <summary>Moves the question into review (or straight to delivery when the product has no approval steps) and saves.</summary>
    private async Task StartReviewAsync(CrisisDbContext db, ExpertQuestion question, ProductDefinition product, ExpertAnswer answer, ExpertActor actor, string action, QuestionStatus before, CancellationToken ct)
    {
        question.CurrentAnswerId = answer.Id;
        question.ChangesRequested = null;
        question.ApprovalStep = 0;
        question.ReviewRound++;
        question.Decisions = "";
        question.Revision++;
        if (product.ApprovalSteps.Count == 0)
        {
            Audit(db, actor, action, question.Id, null, before.ToString(), nameof(QuestionStatus.Approved), $"answer v{answer.Version}; no approval steps for {product.Key}");
            await FinalizeAsync(db, question, product, answer, actor.Name, ct);
            return;
        }

        question.Status = QuestionStatus.InReview;
        Audit(db, actor, action, question.Id, null, before.ToString(), nameof(QuestionStatus.InReview), $"answer v{answer.Version}");
        await PostReviewCardAsync(db, question, product, answer, ct);
        await UpdateQuestionCardsAsync(db, question, ct);
        await db.SaveChangesAsync(ct);
        ExpertsLog.Transition(logger, question.Id, action, before.ToString(), question.Status.ToString());
    }

    private async Task PostReviewCardAsync(CrisisDbContext db, ExpertQuestion question, ProductDefinition product, ExpertAnswer answer, CancellationToken ct)
    {
        var step = product.ApprovalSteps[question.ApprovalStep];
        var approvers = await directory.ResolveAsync(db, step.Approvers, ct);
        var previous = await PreviousAnswerAsync(db, answer, ct);
        var card = cards.Review(question, product, answer, previous, approvers, approverView: false);
        var target = await BindingAsync(db, ChannelRole.Approvers, "", ct);
        var (serviceUrl, tenant, channelId) = target is null
            ? (question.ServiceUrl, question.TenantId, question.ChannelId)
            : (target.ServiceUrl, target.TenantId, target.ChannelId);
        outbox.Enqueue(db, OutboxRequest.ChannelPost(serviceUrl, tenant, channelId,
            ExpertCards.Activity(card, $"Answer for review: {product.DisplayName}, {step.Name}"), ReviewCardId(question)));
    }

    private static string ReviewCardId(ExpertQuestion q) =>
        string.Create(CultureInfo.InvariantCulture, $"review:{q.Id}:{q.ReviewRound}:{q.ApprovalStep}");

    // ───────────────────────────── Approval ─────────────────────────────

    /// <summary><c>answer.reviewRefresh</c>: the current step's approvers get the decision buttons; everyone else the status.</summary>
    public async Task<InvokeResponse> RefreshReviewAsync(Activity activity, AnswerReviewData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var loaded = await LoadReviewAsync(db, data.AnswerId, ct);
        if (loaded is null)
        {
            return InvokeResponse.Message("This answer no longer exists.");
        }

        return await ReviewViewAsync(db, activity, loaded.Value.Question, loaded.Value.Answer, ct);
    }

    /// <summary><c>answer.approve</c>.</summary>
    public Task<InvokeResponse> ApproveAsync(Activity activity, ApproveAnswerData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return DecideAsync(activity, data.AnswerId, data.Version, "answer.approve", edit: null, reason: null, ct);
    }

    /// <summary><c>answer.edit</c>: the edited replies become a new version (the review card shows the diff), then approve.</summary>
    public Task<InvokeResponse> EditAsync(Activity activity, EditAnswerData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return DecideAsync(activity, data.AnswerId, data.Version, "answer.edit", (data.EditedReply ?? "", data.EditedShortReply ?? ""), reason: null, ct);
    }

    /// <summary><c>answer.requestChanges</c>: reason required; the question goes back to the owners.</summary>
    public Task<InvokeResponse> RequestChangesAsync(Activity activity, RequestChangesData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return DecideAsync(activity, data.AnswerId, data.Version, "answer.requestChanges", edit: null, reason: data.ChangeReason ?? "", ct);
    }

    private async Task<InvokeResponse> DecideAsync(Activity activity, string answerIdText, int version, string action, (string Reply, string Short)? edit, string? reason, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(activity);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var loaded = await LoadReviewAsync(db, answerIdText, ct, tracked: true);
        if (loaded is null)
        {
            return InvokeResponse.Message("This answer no longer exists.");
        }

        var (question, answer) = loaded.Value;
        var product = Product(question);
        var actor = ExpertActor.From(activity);

        // Stale card (another approver decided, or a newer version exists): show the current state, change nothing.
        if (question.Status != QuestionStatus.InReview || question.CurrentAnswerId != answer.Id || answer.Version != version)
        {
            return await ReviewViewAsync(db, activity, question, answer, ct);
        }

        var step = product.ApprovalSteps[question.ApprovalStep];
        if (!await directory.IsListedAsync(activity, step.Approvers, ct))
        {
            // An approver of an earlier step clicking a card that was just decided (double click, two approvers at once): the
            // card is stale, so show the current state instead of a refusal.
            if (await directory.IsListedAsync(activity, product.ApprovalSteps.Take(question.ApprovalStep).SelectMany(s => s.Approvers), ct))
            {
                return await ReviewViewAsync(db, activity, question, answer, ct);
            }

            var anyStep = await directory.IsListedAsync(activity, product.ApprovalSteps.SelectMany(s => s.Approvers), ct);
            var message = anyStep
                ? $"This answer is waiting for the {step.Name} step of {product.DisplayName}; you approve a different step."
                : $"You're not an approver for {product.DisplayName}.";
            return await RefuseAsync(actor, action, question.Id, null, question.Status, message, ct);
        }

        // Four eyes: one person decides at most one step of a review round (also stops a double click from approving two
        // steps when the same person is listed in both).
        if (question.ApprovalStep > 0 && await DecidedThisRoundAsync(db, question, actor, ct))
        {
            return await RefuseAsync(actor, action, question.Id, null, question.Status,
                $"You already approved an earlier step of this answer; another approver must decide the {step.Name} step.", ct);
        }

        if (reason is not null && string.IsNullOrWhiteSpace(reason))
        {
            return InvokeResponse.Message("Give the expert a reason: say what must change. Nothing was saved.");
        }

        if (reason is { Length: > ExpertText.MaxNote })
        {
            return InvokeResponse.Message($"The reason is {reason.Length} characters; keep it to {ExpertText.MaxNote}. Nothing was saved.");
        }

        if (edit is { } e && ValidateAnswer(answer.Facts, e.Reply, e.Short, null, factsRequired: false) is { } editError)
        {
            return InvokeResponse.Message(editError + " Nothing was saved.");
        }

        await directory.RememberAsync(db, activity, ct);
        var now = time.GetUtcNow();
        var stepLabel = $"{step.Name} ({actor.Name})";
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await ClaimAsync(db, question, ct);
            if (reason is not null)
            {
                await SendBackAsync(db, question, product, answer, actor, reason.Trim(), stepLabel, ct);
            }
            else
            {
                var decided = answer;
                if (edit is { } changed)
                {
                    decided = await NewAnswerAsync(db, question, actor, answer.Facts, changed.Reply, changed.Short, answer.AddToFaq, answer.InternalNote, editedByApprover: true, ct);
                    question.CurrentAnswerId = decided.Id;
                }

                await ApproveStepAsync(db, question, product, answer, decided, actor, action, stepLabel, now, ct);
            }

            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            ExpertsLog.LostRace(logger, question.Id);
            await tx.RollbackAsync(ct);
            await using var fresh = await contexts.CreateDbContextAsync(ct);
            var current = await LoadReviewAsync(fresh, answerIdText, ct);
            return current is null ? InvokeResponse.Message("This answer no longer exists.") : await ReviewViewAsync(fresh, activity, current.Value.Question, current.Value.Answer, ct);
        }

        await using var after = await contexts.CreateDbContextAsync(ct);
        var latest = await LoadReviewAsync(after, answerIdText, ct);
        return await ReviewViewAsync(after, activity, latest!.Value.Question, latest.Value.Answer, ct);
    }

    private static async Task<bool> DecidedThisRoundAsync(CrisisDbContext db, ExpertQuestion question, ExpertActor actor, CancellationToken ct)
    {
        var round = RoundTag(question);
        return await db.Set<ExpertAuditEntry>().AnyAsync(
            e => e.QuestionId == question.Id && e.ActorUserId == actor.UserId && e.Details != null && e.Details.StartsWith(round) &&
                 (e.Action == "answer.approve" || e.Action == "answer.edit"), ct);
    }

    private static string RoundTag(ExpertQuestion question) => string.Create(CultureInfo.InvariantCulture, $"round {question.ReviewRound}: ");

    private async Task ApproveStepAsync(CrisisDbContext db, ExpertQuestion question, ProductDefinition product, ExpertAnswer reviewed, ExpertAnswer decided, ExpertActor actor, string action, string stepLabel, DateTimeOffset now, CancellationToken ct)
    {
        var verb = decided.Id == reviewed.Id ? "Approved" : $"Edited (v{decided.Version}) and approved";
        question.Decisions = (question.Decisions + $"{verb} by {stepLabel}, {Time(now)}\n").TrimStart('\n');
        var before = $"{nameof(QuestionStatus.InReview)}:{product.ApprovalSteps[question.ApprovalStep].Name}";
        var reviewedCardId = ReviewCardId(question);
        var previous = await PreviousAnswerAsync(db, reviewed, ct);
        var approvers = await directory.ResolveAsync(db, product.ApprovalSteps[question.ApprovalStep].Approvers, ct);
        var isLast = question.ApprovalStep + 1 >= product.ApprovalSteps.Count;
        var outcome = $"{verb} by {stepLabel}" + (isLast ? "; the answer is on its way to the agents." : $"; now with {product.ApprovalSteps[question.ApprovalStep + 1].Name}.");
        var reviewCard = cards.Review(question, product, reviewed, previous, approvers, approverView: false, outcome);
        EnqueueReviewUpdate(db, question, reviewedCardId, reviewCard);
        question.Revision++;
        if (isLast)
        {
            Audit(db, actor, action, question.Id, null, before, nameof(QuestionStatus.Approved), RoundTag(question) + $"answer v{decided.Version}");
            await FinalizeAsync(db, question, product, decided, string.Join("; ", question.Decisions.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(ApproverOf)), ct);
            return;
        }

        question.ApprovalStep++;
        var after = $"{nameof(QuestionStatus.InReview)}:{product.ApprovalSteps[question.ApprovalStep].Name}";
        Audit(db, actor, action, question.Id, null, before, after, RoundTag(question) + $"answer v{decided.Version}");
        await PostReviewCardAsync(db, question, product, decided, ct);
        await UpdateQuestionCardsAsync(db, question, ct);
        await db.SaveChangesAsync(ct);
        ExpertsLog.Transition(logger, question.Id, action, before, after);
    }

    private static string ApproverOf(string decision)
    {
        var by = decision.IndexOf(" by ", StringComparison.Ordinal);
        var comma = decision.LastIndexOf(',');
        return by >= 0 && comma > by ? decision[(by + 4)..comma] : decision;
    }

    private async Task SendBackAsync(CrisisDbContext db, ExpertQuestion question, ProductDefinition product, ExpertAnswer answer, ExpertActor actor, string reason, string stepLabel, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var before = $"{nameof(QuestionStatus.InReview)}:{product.ApprovalSteps[question.ApprovalStep].Name}";
        question.Decisions = (question.Decisions + $"Changes requested by {stepLabel}, {Time(now)}\n").TrimStart('\n');
        var previous = await PreviousAnswerAsync(db, answer, ct);
        var approvers = await directory.ResolveAsync(db, product.ApprovalSteps[question.ApprovalStep].Approvers, ct);
        var reviewCard = cards.Review(question, product, answer, previous, approvers, approverView: false, $"Sent back to the owners by {stepLabel}: {reason}");
        EnqueueReviewUpdate(db, question, ReviewCardId(question), reviewCard);
        question.ChangesRequested = $"{reason} ({stepLabel})";
        await ReopenRoundAsync(db, question, ct);
        Audit(db, actor, "answer.requestChanges", question.Id, null, before, nameof(QuestionStatus.Open), reason);
        await UpdateQuestionCardsAsync(db, question, ct);
        await NotifyThreadAsync(db, question, product, $"Changes requested by {stepLabel}: {reason}", product.Owners, ct);
        await db.SaveChangesAsync(ct);
        ExpertsLog.Transition(logger, question.Id, "answer.requestChanges", before, nameof(QuestionStatus.Open));
    }

    /// <summary>Starts a new answer round: open, fresh due time from the SLA, timers rescheduled.</summary>
    private async Task ReopenRoundAsync(CrisisDbContext db, ExpertQuestion question, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var product = Product(question);
        var active = await crisis.GetActiveAsync(ct);
        var inCrisis = active?.Covers(product.Key) == true;
        question.Status = QuestionStatus.Open;
        question.CrisisSla = inCrisis;
        question.SlaMinutes = inCrisis ? product.Sla.Crisis : product.Sla.Normal;
        question.RoundStartedAt = now;
        question.DueAt = now.AddMinutes(question.SlaMinutes);
        question.Revision++;
        ScheduleSla(db, question);
    }

    private void EnqueueReviewUpdate(CrisisDbContext db, ExpertQuestion question, string cardId, JsonElement card)
    {
        // The review card lives in the approvers channel when one is linked, else in the product channel; UpdateCard finds it by id.
        var target = db.Set<ChannelBinding>().AsNoTracking().SingleOrDefault(b => b.Role == ChannelRole.Approvers && b.ProductKey == "");
        var (serviceUrl, tenant, channelId) = target is null
            ? (question.ServiceUrl, question.TenantId, question.ChannelId)
            : (target.ServiceUrl, target.TenantId, target.ChannelId);
        outbox.Enqueue(db, OutboxRequest.UpdateCard(serviceUrl, tenant, channelId, cardId, ExpertCards.Activity(card, "Answer review")));
    }

    private async Task<InvokeResponse> ReviewViewAsync(CrisisDbContext db, Activity activity, ExpertQuestion question, ExpertAnswer answer, CancellationToken ct)
    {
        var product = Product(question);
        var current = question.Status == QuestionStatus.InReview && question.CurrentAnswerId == answer.Id;
        var stepIndex = Math.Min(question.ApprovalStep, Math.Max(0, product.ApprovalSteps.Count - 1));
        var approvers = product.ApprovalSteps.Count == 0 ? [] : await directory.ResolveAsync(db, product.ApprovalSteps[stepIndex].Approvers, ct);
        var previous = await PreviousAnswerAsync(db, answer, ct);
        if (!current)
        {
            var outcome = question.Status switch
            {
                QuestionStatus.Approved => "Approved and delivered. No further decision is needed.",
                QuestionStatus.Open => "Sent back to the owners" + (question.ChangesRequested is { } why ? $": {why}" : "."),
                _ => "A newer version of this answer is in review; its card has the buttons.",
            };
            return InvokeResponse.Card(cards.Review(question, product, answer, previous, approvers, approverView: false, outcome));
        }

        var approver = product.ApprovalSteps.Count > 0 && await directory.IsListedAsync(activity, product.ApprovalSteps[question.ApprovalStep].Approvers, ct);
        return InvokeResponse.Card(cards.Review(question, product, answer, previous, approvers, approver));
    }

    private static async Task<(ExpertQuestion Question, ExpertAnswer Answer)?> LoadReviewAsync(CrisisDbContext db, string answerIdText, CancellationToken ct, bool tracked = false)
    {
        if (!TryId(answerIdText, out var answerId))
        {
            return null;
        }

        var answers = tracked ? db.Set<ExpertAnswer>() : db.Set<ExpertAnswer>().AsNoTracking();
        var answer = await answers.SingleOrDefaultAsync(a => a.Id == answerId, ct);
        if (answer is null)
        {
            return null;
        }

        var questions = tracked ? db.Set<ExpertQuestion>() : db.Set<ExpertQuestion>().AsNoTracking();
        var question = await questions.SingleAsync(q => q.Id == answer.QuestionId, ct);
        return (question, answer);
    }

    private static Task<ExpertAnswer?> PreviousAnswerAsync(CrisisDbContext db, ExpertAnswer answer, CancellationToken ct) =>
        answer.Version <= 1
            ? Task.FromResult<ExpertAnswer?>(null)
            : db.Set<ExpertAnswer>().AsNoTracking().SingleOrDefaultAsync(a => a.QuestionId == answer.QuestionId && a.Version == answer.Version - 1, ct);

    // ───────────────────────────── Delivery ─────────────────────────────

    /// <summary>Final approval: library entry (superseding the previous one), approved card to every waiting agent, notices, final cards. Saves.</summary>
    private async Task FinalizeAsync(CrisisDbContext db, ExpertQuestion question, ProductDefinition product, ExpertAnswer answer, string approvedBy, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        question.Status = QuestionStatus.Approved;
        question.ApprovedAt ??= now;
        question.DeliveredAt = now;
        question.ChangesRequested = null;
        CancelSla(db, question);
        var old = await db.Set<LibraryEntry>().SingleOrDefaultAsync(e => e.QuestionId == question.Id && e.Status == LibraryEntryStatus.Active, ct);
        var entry = new LibraryEntry
        {
            QuestionId = question.Id,
            AnswerId = answer.Id,
            ProductKey = product.Key,
            ProductName = product.DisplayName,
            Question = question.Text,
            CustomerReply = answer.CustomerReply,
            ShortReply = answer.ShortReply,
            AddToFaq = answer.AddToFaq,
            Version = old is null ? 1 : old.Version + 1,
            Status = LibraryEntryStatus.Active,
            ApprovedBy = Clip(approvedBy, 500) ?? "",
            ApprovedAt = now,
            ReviewBy = now.AddDays(options.CurrentValue.ReviewDays),
        };
        db.Add(entry);
        await db.SaveChangesAsync(ct);

        var notified = new HashSet<string>(StringComparer.Ordinal);
        if (old is not null)
        {
            old.Status = LibraryEntryStatus.Superseded;
            old.SupersededById = entry.Id;
            old.Revision++;
            timers.Cancel(db, ReviewTimerKind, ReviewTimerKey(old.Id));
            var reason = question.SupersedeReason ?? "The approved answer was updated.";
            var changedBy = question.SupersedeByName ?? approvedBy;
            var notice = ExpertCards.Superseded(old, entry, reason, changedBy);
            foreach (var recipient in await db.Set<LibraryRecipient>().Where(r => r.EntryId == old.Id).ToListAsync(ct))
            {
                outbox.Enqueue(db, OutboxRequest.Send(recipient.ServiceUrl, recipient.TenantId, recipient.ConversationId, ExpertCards.Activity(notice, "An answer you used has changed")));
                db.Add(new LibraryRecipient
                {
                    EntryId = entry.Id,
                    UserId = recipient.UserId,
                    Name = recipient.Name,
                    ServiceUrl = recipient.ServiceUrl,
                    TenantId = recipient.TenantId,
                    ConversationId = recipient.ConversationId,
                    ReceivedAt = now,
                });
                notified.Add(recipient.UserId);
            }

            Audit(db, new ExpertActor("system", null, changedBy), "library.supersede", question.Id, old.Id, nameof(LibraryEntryStatus.Active), nameof(LibraryEntryStatus.Superseded), $"replaced by entry {entry.Id} (v{entry.Version}): {Clip(reason, 300)}");
            await NotifyAsync(db, new ExpertLoopChange(ExpertLoopChangeKind.AnswerSuperseded, question.Id, question.ProductKey, question.TopicId, old.Id, old.AddToFaq, now), ct);
        }

        var approvedCard = ExpertCards.Approved(entry);
        var waiters = await db.Set<QuestionWaiter>().Where(w => w.QuestionId == question.Id).ToListAsync(ct);
        var delivered = 0;
        foreach (var waiter in waiters.Where(w => w.DeliveredAt is null))
        {
            waiter.DeliveredAt = now;
            if (notified.Contains(waiter.UserId))
            {
                continue;
            }

            outbox.Enqueue(db, OutboxRequest.Send(waiter.ServiceUrl, waiter.TenantId, waiter.ConversationId, ExpertCards.Activity(approvedCard, $"Approved answer: {Clip(question.Text, 80)}")));
            db.Add(new LibraryRecipient
            {
                EntryId = entry.Id,
                UserId = waiter.UserId,
                Name = waiter.Name,
                ServiceUrl = waiter.ServiceUrl,
                TenantId = waiter.TenantId,
                ConversationId = waiter.ConversationId,
                ReceivedAt = now,
            });
            delivered++;
        }

        question.SupersedeReason = null;
        question.SupersedeById = null;
        question.SupersedeByName = null;
        timers.Schedule(db, new DurableTimer(ReviewTimerKind, ReviewTimerKey(entry.Id), entry.ReviewBy, null));
        await UpdateQuestionCardsAsync(db, question, ct);
        Audit(db, new ExpertActor("system", null, "CrisisBot"), "question.deliver", question.Id, entry.Id, nameof(QuestionStatus.Approved), nameof(QuestionStatus.Approved), $"library entry {entry.Id} v{entry.Version}; approved answer sent to {delivered} agent(s)");
        await NotifyAsync(db, new ExpertLoopChange(ExpertLoopChangeKind.AnswerApproved, question.Id, question.ProductKey, question.TopicId, entry.Id, entry.AddToFaq, now), ct);
        await db.SaveChangesAsync(ct);
        ExpertsLog.Delivered(logger, question.Id, delivered, entry.Id);
    }

    /// <summary>Tells every <see cref="IExpertLoopObserver"/> about a change, inside the caller's transaction.</summary>
    internal async Task NotifyAsync(CrisisDbContext db, ExpertLoopChange change, CancellationToken ct)
    {
        foreach (var observer in _observers)
        {
            await observer.OnChangedAsync(db, change, ct);
        }
    }

    internal static string ReviewTimerKey(long entryId) => "e" + entryId.ToString(CultureInfo.InvariantCulture);

    /// <summary>Enqueues the question card's shared view and every waiting agent's acknowledgement card (when already posted).</summary>
    internal async Task UpdateQuestionCardsAsync(CrisisDbContext db, ExpertQuestion question, CancellationToken ct)
    {
        var context = await ContextAsync(db, question, ct);
        var card = cards.Question(question, context, ownerView: false);
        outbox.Enqueue(db, OutboxRequest.UpdateCard(question.ServiceUrl, question.TenantId, question.ChannelId, question.CardId, ExpertCards.Activity(card, "Question")));
        var ackIds = context.Waiters.Where(w => w.AckOutboxId is not null).Select(w => w.AckOutboxId!.Value).ToList();
        if (ackIds.Count == 0)
        {
            return;
        }

        var sent = await db.Set<OutboxMessage>().AsNoTracking()
            .Where(m => ackIds.Contains(m.Id) && m.Status == OutboxStatus.Sent && m.ResultActivityId != null)
            .Select(m => new { m.ServiceUrl, m.TenantId, m.ConversationId, m.ResultConversationId, m.ResultActivityId })
            .ToListAsync(ct);
        foreach (var ack in sent)
        {
            var conversation = ack.ResultConversationId ?? ack.ConversationId;
            if (conversation is not null)
            {
                outbox.Enqueue(db, OutboxRequest.UpdateActivity(ack.ServiceUrl, ack.TenantId, conversation, ack.ResultActivityId!, ExpertCards.Activity(card, "Your question")));
            }
        }
    }

    // ───────────────────────────── Problem reports ─────────────────────────────

    /// <summary><c>answer.reportProblem</c>: reopens the question with the note; the owners are told in the thread.</summary>
    public async Task<InvokeResponse> ReportProblemAsync(Activity activity, ReportProblemData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(data);
        if (string.IsNullOrWhiteSpace(data.Problem))
        {
            return InvokeResponse.Message("Describe the problem, so the owners know what to fix. Nothing was sent.");
        }

        if (data.Problem.Length > ExpertText.MaxNote)
        {
            return InvokeResponse.Message($"The description is {data.Problem.Length} characters; keep it to {ExpertText.MaxNote}. Nothing was sent.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!TryId(data.AnswerId, out var entryId) || await db.Set<LibraryEntry>().SingleOrDefaultAsync(e => e.Id == entryId, ct) is not { } entry)
        {
            return InvokeResponse.Message("This answer no longer exists.");
        }

        var question = await db.Set<ExpertQuestion>().SingleAsync(q => q.Id == entry.QuestionId, ct);
        if (entry.Status != LibraryEntryStatus.Active || question.Status != QuestionStatus.Approved)
        {
            return InvokeResponse.Message($"Thanks. Question #{question.Id} is already being reworked; you'll be told when the new answer is approved.");
        }

        var actor = ExpertActor.From(activity);
        var product = Product(question);
        await directory.RememberAsync(db, activity, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await ClaimAsync(db, question, ct);
            question.ChangesRequested = $"Problem reported by {actor.Name}: {data.Problem.Trim()}";
            question.SupersedeReason = $"Corrected after a report: {data.Problem.Trim()}";
            await ReopenRoundAsync(db, question, ct);
            await EnsureRecipientAsync(db, entry, activity, actor, ct);
            Audit(db, actor, "answer.reportProblem", question.Id, entry.Id, nameof(QuestionStatus.Approved), nameof(QuestionStatus.Open), data.Problem.Trim());
            await UpdateQuestionCardsAsync(db, question, ct);
            await NotifyThreadAsync(db, question, product, question.ChangesRequested, product.Owners, ct);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }
        catch (DbUpdateConcurrencyException)
        {
            return InvokeResponse.Message($"Thanks. Question #{question.Id} was just reopened by someone else.");
        }

        return InvokeResponse.Message($"Thanks. Question #{question.Id} is reopened and the {product.DisplayName} owners are told; you'll get the corrected answer.");
    }

    internal async Task EnsureRecipientAsync(CrisisDbContext db, LibraryEntry entry, Activity activity, ExpertActor actor, CancellationToken ct, bool used = false)
    {
        var now = time.GetUtcNow();
        var recipient = await db.Set<LibraryRecipient>().SingleOrDefaultAsync(r => r.EntryId == entry.Id && r.UserId == actor.UserId, ct);
        if (recipient is null)
        {
            recipient = new LibraryRecipient
            {
                EntryId = entry.Id,
                UserId = actor.UserId,
                Name = actor.Name,
                ServiceUrl = activity.ServiceUrl ?? "",
                TenantId = TenantOf(activity),
                ConversationId = activity.Conversation?.Id ?? "",
            };
            db.Add(recipient);
        }

        if (used)
        {
            recipient.UsedCount++;
            recipient.LastUsedAt = now;
        }
    }

    /// <summary>A message in the question's thread (reply to the question card), @mentioning <paramref name="people"/>.</summary>
    internal async Task NotifyThreadAsync(CrisisDbContext db, ExpertQuestion question, ProductDefinition product, string text, IReadOnlyList<string> people, CancellationToken ct)
    {
        var persons = await directory.ResolveAsync(db, people, ct);
        var mentions = persons.Select(p => new MentionEntity($"<at>{p.Name}</at>", new MentionedAccount(p.UserId, p.Name))).ToList();
        var body = string.Join(", ", mentions.Select(m => m.Text)) + ": " + EscapeMarkdown(text);
        var message = new OutgoingActivity { Text = body, TextFormat = "markdown", Entities = mentions };
        await SendToThreadAsync(db, question, message, ct);
    }

    /// <summary>Replies in the question's thread once its card is posted; until then posts into the product channel.</summary>
    internal async Task SendToThreadAsync(CrisisDbContext db, ExpertQuestion question, OutgoingActivity message, CancellationToken ct)
    {
        var posted = await db.Set<CardMessage>().AsNoTracking().SingleOrDefaultAsync(c => c.CardId == question.CardId, ct);
        if (posted is null)
        {
            outbox.Enqueue(db, OutboxRequest.ChannelPost(question.ServiceUrl, question.TenantId, question.ChannelId, message));
            return;
        }

        var thread = posted.ConversationId.Contains(";messageid=", StringComparison.Ordinal)
            ? posted.ConversationId
            : $"{posted.ConversationId};messageid={posted.ActivityId}";
        outbox.Enqueue(db, OutboxRequest.Send(posted.ServiceUrl, question.TenantId, thread, message));
    }

    // ───────────────────────────── Supersede ─────────────────────────────

    /// <summary>A replacement for the question's library answer: a new answer version in review (inside the caller's transaction).</summary>
    internal async Task SupersedeQuestionAsync(CrisisDbContext db, ExpertQuestion question, ProductDefinition product, LibraryEntry entry, ExpertActor actor, LibrarySupersedeData data, CancellationToken ct)
    {
        await ClaimAsync(db, question, ct);
        var current = await db.Set<ExpertAnswer>().AsNoTracking().SingleAsync(a => a.Id == entry.AnswerId, ct);
        var facts = string.IsNullOrWhiteSpace(data.Facts) ? current.Facts : data.Facts;
        var addToFaq = data.AddToFaq is null ? current.AddToFaq : !string.Equals(data.AddToFaq, "false", StringComparison.OrdinalIgnoreCase);
        var answer = await NewAnswerAsync(db, question, actor, facts, data.CustomerReply!, data.ShortReply!, addToFaq, data.InternalNote, editedByApprover: false, ct);
        question.SupersedeReason = data.Reason!.Trim();
        question.SupersedeById = actor.AuditId;
        question.SupersedeByName = actor.Name;
        await StartReviewAsync(db, question, product, answer, actor, "library.supersede.submit", question.Status, ct);
    }

    // ───────────────────────────── SLA ─────────────────────────────

    /// <summary>
    /// A due SLA timer (inside the scheduler's transaction; no SaveChanges): 50% → reminder @owners in the thread, 100% →
    /// escalation @deputies (owners again when there are none), 200% → escalation card to the crisis channel (active crisis
    /// covering the product) or the leadership channel. Stale timers (question answered, or a newer round) do nothing.
    /// </summary>
    internal async Task HandleSlaAsync(CrisisDbContext db, DurableTimer timer, CancellationToken ct)
    {
        var parts = timer.Key.TrimStart('q').Split(':');
        if (parts.Length != 2 || !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var id) ||
            !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var step))
        {
            return;
        }

        var question = await db.Set<ExpertQuestion>().SingleOrDefaultAsync(q => q.Id == id, ct);
        var now = time.GetUtcNow();
        if (question is null || question.Status != QuestionStatus.Open || now < question.RoundStartedAt + ((question.DueAt - question.RoundStartedAt) * step / 100))
        {
            return;
        }

        await SlaStepAsync(db, question, step, new ExpertActor("system", null, "CrisisBot"), ct);
    }

    private async Task SlaStepAsync(CrisisDbContext db, ExpertQuestion question, int step, ExpertActor actor, CancellationToken ct)
    {
        var product = Product(question);
        var owners = await directory.ResolveAsync(db, product.Owners, ct);
        var deputies = await directory.ResolveAsync(db, product.Deputies, ct);
        var waiting = await db.Set<QuestionWaiter>().CountAsync(w => w.QuestionId == question.Id, ct);
        question.RemindersSent++;
        question.Revision++;
        ExpertsLog.SlaStep(logger, question.Id, step);
        if (step < 100)
        {
            var card = cards.Reminder(question, product, Cards.Templates.SlaReminderKind.Reminder, owners, deputies, waiting);
            await SendToThreadAsync(db, question, ExpertCards.Activity(card, "Reminder: question due soon"), ct);
            Audit(db, actor, "sla.reminder", question.Id, null, "50%", "owners reminded", null);
        }
        else if (step < 200)
        {
            var kind = deputies.Count > 0 ? Cards.Templates.SlaReminderKind.Escalation : Cards.Templates.SlaReminderKind.Reminder;
            var card = cards.Reminder(question, product, kind, owners, deputies, waiting);
            await SendToThreadAsync(db, question, ExpertCards.Activity(card, "Question overdue"), ct);
            Audit(db, actor, "sla.escalate.deputies", question.Id, null, "100%", deputies.Count > 0 ? "deputies mentioned" : "no deputies; owners reminded", null);
        }
        else
        {
            var active = await crisis.GetActiveAsync(ct);
            var target = (active?.Covers(product.Key) == true ? await BindingAsync(db, ChannelRole.Crisis, "", ct) : null)
                         ?? await BindingAsync(db, ChannelRole.Leadership, "", ct);
            if (target is null)
            {
                ExpertsLog.NoEscalationChannel(logger, question.Id);
                Audit(db, actor, "sla.escalate.leadership", question.Id, null, "200%", "not sent: no crisis or leadership channel linked", null);
            }
            else
            {
                var card = cards.Reminder(question, product, Cards.Templates.SlaReminderKind.Leadership, owners, deputies, waiting);
                outbox.Enqueue(db, OutboxRequest.ChannelPost(target.ServiceUrl, target.TenantId, target.ChannelId, ExpertCards.Activity(card, $"Escalation: {product.DisplayName} question unanswered")));
                Audit(db, actor, "sla.escalate.leadership", question.Id, null, "200%", $"escalation card to {target.Role.ToString().ToLowerInvariant()} channel", null);
            }
        }

        await UpdateQuestionCardsAsync(db, question, ct);
    }

    /// <summary><c>sla.snooze</c> (owners and deputies): postpones the next SLA step.</summary>
    public async Task<InvokeResponse> SnoozeAsync(Activity activity, SlaSnoozeData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var minutes = data.Minutes is > 0 and <= 240 ? data.Minutes : options.CurrentValue.SnoozeMinutes;
        return await OwnerActionAsync(activity, data.QuestionId, "sla.snooze", async (db, question, actor) =>
        {
            var until = time.GetUtcNow().AddMinutes(minutes);
            var span = question.DueAt - question.RoundStartedAt;
            foreach (var step in SlaSteps)
            {
                var at = question.RoundStartedAt + (span * step / 100);
                if (at > time.GetUtcNow() && at < until)
                {
                    timers.Schedule(db, new DurableTimer(SlaTimerKind, SlaKey(question.Id, step), until, null));
                }
            }

            Audit(db, actor, "sla.snooze", question.Id, null, nameof(QuestionStatus.Open), nameof(QuestionStatus.Open), $"{minutes} min");
            return InvokeResponse.Message($"Snoozed: no reminder before {Time(until)}. The due time stays {Time(question.DueAt)}.");
        }, ct);
    }

    /// <summary><c>sla.escalate</c> (owners): hands the question to the deputies now.</summary>
    public async Task<InvokeResponse> EscalateNowAsync(Activity activity, QuestionActionData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return await OwnerActionAsync(activity, data.QuestionId, "sla.escalate", async (db, question, actor) =>
        {
            await SlaStepAsync(db, question, 100, actor, ct);
            return InvokeResponse.Message("The deputies are @mentioned in the question's thread.");
        }, ct);
    }

    private async Task<InvokeResponse> OwnerActionAsync(Activity activity, string questionIdText, string action, Func<CrisisDbContext, ExpertQuestion, ExpertActor, Task<InvokeResponse>> change, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(activity);
        if (!TryId(questionIdText, out var id))
        {
            return InvokeResponse.Message("This card is missing its question id.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var question = await db.Set<ExpertQuestion>().SingleOrDefaultAsync(q => q.Id == id, ct);
        if (question is null)
        {
            return InvokeResponse.Message($"Question #{id} no longer exists.");
        }

        var product = Product(question);
        var actor = ExpertActor.From(activity);
        if (!await directory.IsListedAsync(activity, product.Owners.Concat(product.Deputies), ct))
        {
            return await RefuseAsync(actor, action, question.Id, null, question.Status, $"You're not an owner or deputy of {product.DisplayName}.", ct);
        }

        if (question.Status != QuestionStatus.Open)
        {
            return InvokeResponse.Message($"Question #{question.Id} is already answered; nothing to do.");
        }

        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            await ClaimAsync(db, question, ct);
            var response = await change(db, question, actor);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            return response;
        }
        catch (DbUpdateConcurrencyException)
        {
            return InvokeResponse.Message($"Question #{question.Id} changed at the same moment; refresh the card.");
        }
    }

    // ───────────────────────────── Shared helpers ─────────────────────────────

    internal ProductDefinition Product(ExpertQuestion question) =>
        catalog.Find(question.ProductKey) ?? throw new InvalidOperationException($"Product '{question.ProductKey}' of question {question.Id} is no longer in products.yaml.");

    internal ProductDefinition? FindProduct(string? keyOrName)
    {
        if (string.IsNullOrWhiteSpace(keyOrName))
        {
            return null;
        }

        var value = keyOrName.Trim();
        return catalog.Find(value) ?? catalog.Products.FirstOrDefault(p => string.Equals(p.DisplayName, value, StringComparison.OrdinalIgnoreCase));
    }

    internal async Task<QuestionCardContext> ContextAsync(CrisisDbContext db, ExpertQuestion question, CancellationToken ct, QuestionWaiter? extra = null)
    {
        var product = Product(question);
        var waiters = await db.Set<QuestionWaiter>().AsNoTracking().Where(w => w.QuestionId == question.Id).OrderBy(w => w.Id).ToListAsync(ct);
        if (extra is not null && !waiters.Any(w => w.UserId == extra.UserId))
        {
            waiters.Add(extra);
        }

        var owners = await directory.ResolveAsync(db, product.Owners, ct);
        var deputies = await directory.ResolveAsync(db, product.Deputies, ct);
        var refresh = owners.Concat(deputies).Select(p => p.UserId).Distinct(StringComparer.OrdinalIgnoreCase).Take(60).ToArray();
        return new QuestionCardContext(product, waiters, owners, refresh);
    }

    private static async Task<AnswerDraft?> DraftAsync(CrisisDbContext db, ExpertQuestion question, CancellationToken ct)
    {
        if (question.CurrentAnswerId is not { } id || question.Status != QuestionStatus.Open)
        {
            return null;
        }

        var answer = await db.Set<ExpertAnswer>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        return answer is null ? null : new AnswerDraft(answer.Facts, answer.CustomerReply, answer.ShortReply, answer.AddToFaq, answer.InternalNote);
    }

    /// <summary>Null when valid, else the message to show with the re-shown form.</summary>
    internal static string? ValidateAnswer(string? facts, string? reply, string? shortReply, string? note, bool factsRequired)
    {
        var problems = new List<string>();
        if (factsRequired && string.IsNullOrWhiteSpace(facts))
        {
            problems.Add("Add the facts the reply is based on.");
        }

        if (string.IsNullOrWhiteSpace(reply))
        {
            problems.Add("The customer reply is empty.");
        }
        else if (reply.Trim().Length > ExpertText.MaxAnswer)
        {
            problems.Add($"The customer reply is {reply.Trim().Length} characters; keep it to {ExpertText.MaxAnswer}.");
        }

        if (string.IsNullOrWhiteSpace(shortReply))
        {
            problems.Add("The short reply is empty.");
        }
        else if (shortReply.Trim().Length > ExpertText.MaxShortReply)
        {
            problems.Add($"The short reply is {shortReply.Trim().Length} characters; it must fit {ExpertText.MaxShortReply}.");
        }

        if (facts is { Length: > ExpertText.MaxAnswer })
        {
            problems.Add($"The facts are {facts.Length} characters; keep them to {ExpertText.MaxAnswer}.");
        }

        if (note is { Length: > ExpertText.MaxNote })
        {
            problems.Add($"The internal note is {note.Length} characters; keep it to {ExpertText.MaxNote}.");
        }

        return problems.Count == 0 ? null : string.Join(" ", problems);
    }

    internal async Task<InvokeResponse> RefuseAsync(ExpertActor actor, string action, long? questionId, long? entryId, object state, string message, CancellationToken ct)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        Audit(db, actor, action + ".refused", questionId, entryId, state.ToString(), state.ToString(), message);
        await db.SaveChangesAsync(ct);
        ExpertsLog.Refused(logger, action, questionId?.ToString(CultureInfo.InvariantCulture) ?? entryId?.ToString(CultureInfo.InvariantCulture) ?? "-", actor.AuditId, message);
        return InvokeResponse.Message(message);
    }

    internal void Audit(CrisisDbContext db, ExpertActor actor, string action, long? questionId, long? entryId, string? before, string? after, string? details) =>
        db.Add(new ExpertAuditEntry
        {
            At = time.GetUtcNow(),
            Action = action,
            QuestionId = questionId,
            EntryId = entryId,
            ActorAadObjectId = actor.AadObjectId ?? "",
            ActorUserId = actor.UserId,
            ActorName = actor.Name,
            Before = before,
            After = after,
            Details = Clip(details, 4000),
        });

    private void ScheduleSla(CrisisDbContext db, ExpertQuestion question)
    {
        var span = question.DueAt - question.RoundStartedAt;
        foreach (var step in SlaSteps)
        {
            timers.Schedule(db, new DurableTimer(SlaTimerKind, SlaKey(question.Id, step), question.RoundStartedAt + (span * step / 100), null));
        }
    }

    private void CancelSla(CrisisDbContext db, ExpertQuestion question)
    {
        foreach (var step in SlaSteps)
        {
            timers.Cancel(db, SlaTimerKind, SlaKey(question.Id, step));
        }
    }

    /// <summary>
    /// The first statement of a transition's transaction: bumps <see cref="ExpertQuestion.Revision"/> only if it is still the
    /// value this request read. Writing first takes the write lock before any read in the transaction (no SQLite snapshot
    /// conflict); on PostgreSQL the row lock serialises concurrent claims and the loser's WHERE no longer matches.
    /// </summary>
    /// <exception cref="DbUpdateConcurrencyException">Another request changed the question since it was read.</exception>
    internal static async Task ClaimAsync(CrisisDbContext db, ExpertQuestion question, CancellationToken ct)
    {
        var read = question.Revision;
        var claimed = await db.Set<ExpertQuestion>().Where(q => q.Id == question.Id && q.Revision == read)
            .ExecuteUpdateAsync(s => s.SetProperty(q => q.Revision, read + 1), ct);
        if (claimed == 0)
        {
            throw new DbUpdateConcurrencyException($"Question {question.Id} changed since revision {read}.");
        }

        question.Revision = read + 1;
        db.Entry(question).Property(q => q.Revision).OriginalValue = read + 1;
    }

    internal static string SlaKey(long questionId, int step) => string.Create(CultureInfo.InvariantCulture, $"q{questionId}:{step}");

    private static async Task<ChannelBinding?> BindingAsync(CrisisDbContext db, ChannelRole role, string productKey, CancellationToken ct) =>
        await db.Set<ChannelBinding>().AsNoTracking().SingleOrDefaultAsync(b => b.Role == role && b.ProductKey == productKey, ct);

    /// <summary>The product's bound channel (<c>link product &lt;key&gt;</c>), else products.yaml's <c>channel</c> on the asker's service.</summary>
    private static async Task<ChannelTarget?> ProductChannelAsync(CrisisDbContext db, ProductDefinition product, string serviceUrl, string tenant, CancellationToken ct)
    {
        var binding = await BindingAsync(db, ChannelRole.Product, product.Key.ToLowerInvariant(), ct);
        if (binding is not null)
        {
            return new ChannelTarget(binding.ChannelId, binding.ChannelName, binding.TeamId, binding.TeamName, binding.ServiceUrl, binding.TenantId);
        }

        return product.Channel is { } channel ? new ChannelTarget(channel, null, "", null, serviceUrl, tenant) : null;
    }

    internal static string TenantOf(Activity activity) =>
        activity.ChannelData?.Tenant?.Id ?? activity.Conversation?.TenantId ?? OutboxRequest.UnknownTenant;

    internal static bool TryId(string? text, out long id) =>
        long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out id) && id > 0;

    internal static string Time(DateTimeOffset at) => at.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture) + " UTC";

    internal static string? Clip(string? text, int max) =>
        string.IsNullOrWhiteSpace(text) ? null : text.Trim().Length <= max ? text.Trim() : text.Trim()[..max];

    private static string EscapeMarkdown(string text)
    {
        var sb = new System.Text.StringBuilder(text.Length);
        foreach (var c in text)
        {
            if (c is '*' or '_' or '[' or ']' or '<' or '>' or '`' or '#' or '\\')
            {
                sb.Append('\\');
            }

            sb.Append(c is '\r' or '\n' ? ' ' : c);
        }

        return sb.ToString();
    }

    private static AskResult Refused(string message) => new(AskOutcome.Refused, message, null);
}
