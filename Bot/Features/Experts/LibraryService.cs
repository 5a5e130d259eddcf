using System.Globalization;
using CrisisBot.Cards.Actions;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Experts;

/// <summary>A page of library results (best first) and how many matched in all.</summary>
public sealed record LibraryPage(IReadOnlyList<LibraryEntry> Entries, int Total);

/// <summary>
/// The response library: full-text search (SQLite FTS5 / PostgreSQL tsvector), listing, usage, and the review cycle
/// (confirm, retire, supersede through approval).
/// </summary>
public sealed class LibraryService(
    IDbContextFactory<CrisisDbContext> contexts,
    ProductCatalog catalog,
    ExpertService experts,
    ExpertDirectory directory,
    ExpertCards cards,
    IOutbox outbox,
    IDurableTimers timers,
    IOptionsMonitor<ExpertsOptions> options,
    TimeProvider time,
    IEnumerable<IAnswerUsageObserver> usageObservers,
    ILogger<LibraryService> logger)
{
    private readonly IAnswerUsageObserver[] _usageObservers = [.. usageObservers];

    public const int FindLimit = 5;
    public const int ListLimit = 10;

    /// <summary>Active entries ranked by full-text relevance; every word may match (OR), prefixes count.</summary>
    public async Task<LibraryPage> SearchAsync(string query, string? productKey = null, int limit = FindLimit, CancellationToken ct = default)
    {
        var words = ExpertText.SearchWords(query);
        if (words.Count == 0)
        {
            return new LibraryPage([], 0);
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        List<long> ids;
        if (db.Database.IsNpgsql())
        {
            var tsQuery = string.Join(" | ", words.Select(w => w + ":*"));
            ids = await db.Database.SqlQueryRaw<long>(
                $"SELECT \"Id\" AS \"Value\" FROM \"LibraryEntries\" WHERE \"Status\" = 'Active' AND ({{1}} = '' OR \"ProductKey\" = {{1}}) " +
                $"AND {LibrarySearchSql.PostgresDocument} @@ to_tsquery('english', {{0}}) " +
                $"ORDER BY ts_rank({LibrarySearchSql.PostgresDocument}, to_tsquery('english', {{0}})) DESC, \"Id\" DESC",
                tsQuery, productKey ?? "").ToListAsync(ct);
        }
        else
        {
            var match = string.Join(" OR ", words.Select(w => "\"" + w + "\"*"));
            ids = await db.Database.SqlQueryRaw<long>(
                "SELECT e.\"Id\" AS \"Value\" FROM \"LibraryEntriesFts\" f JOIN \"LibraryEntries\" e ON e.\"Id\" = f.rowid " +
                "WHERE \"LibraryEntriesFts\" MATCH {0} AND e.\"Status\" = 'Active' AND ({1} = '' OR e.\"ProductKey\" = {1}) " +
                "ORDER BY bm25(\"LibraryEntriesFts\"), e.\"Id\" DESC",
                match, productKey ?? "").ToListAsync(ct);
        }

        var top = ids.Take(limit).ToList();
        var entries = await db.Set<LibraryEntry>().AsNoTracking().Where(e => top.Contains(e.Id)).ToListAsync(ct);
        return new LibraryPage([.. top.Select(id => entries.Single(e => e.Id == id))], ids.Count);
    }

    /// <summary>Active entries of a product, newest first.</summary>
    public async Task<LibraryPage> ListAsync(string productKey, int limit = ListLimit, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var query = db.Set<LibraryEntry>().AsNoTracking().Where(e => e.Status == LibraryEntryStatus.Active && e.ProductKey == productKey);
        var total = await query.CountAsync(ct);
        var entries = await query.OrderByDescending(e => e.Id).Take(limit).ToListAsync(ct);
        return new LibraryPage(entries, total);
    }

    /// <summary>Every version of an entry's question, oldest first.</summary>
    public async Task<IReadOnlyList<LibraryEntry>> VersionsAsync(long questionId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<LibraryEntry>().AsNoTracking().Where(e => e.QuestionId == questionId).OrderBy(e => e.Version).ToListAsync(ct);
    }

    /// <summary>The search card for <c>find</c> and the library.search verb.</summary>
    public async Task<System.Text.Json.JsonElement> SearchCardAsync(string query, string? productFilter, CancellationToken ct = default)
    {
        var product = productFilter is null or "" or Cards.Templates.LibrarySearchCard.AllProducts ? null : experts.FindProduct(productFilter);
        var page = await SearchAsync(query, product?.Key, FindLimit, ct);
        return cards.Search(query, page.Entries, page.Total, ProductNames(), product?.DisplayName);
    }

    /// <summary>The listing card for <c>library &lt;product&gt;</c>.</summary>
    public async Task<System.Text.Json.JsonElement> ListCardAsync(ProductDefinition product, CancellationToken ct = default)
    {
        var page = await ListAsync(product.Key, ListLimit, ct);
        return cards.Search("", page.Entries, page.Total, ProductNames(), product.DisplayName);
    }

    private string[] ProductNames() => [.. catalog.Products.Select(p => p.DisplayName)];

    /// <summary><c>library.open</c>: the entry as an approved-answer card (counts as received).</summary>
    public async Task<InvokeResponse> OpenAsync(Activity activity, LibraryOpenData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!ExpertService.TryId(data.AnswerId, out var id) || await db.Set<LibraryEntry>().SingleOrDefaultAsync(e => e.Id == id, ct) is not { } entry)
        {
            return InvokeResponse.Message("This answer is no longer in the library.");
        }

        if (entry.Status != LibraryEntryStatus.Active)
        {
            return InvokeResponse.Message(entry.Status == LibraryEntryStatus.Retired
                ? "This answer was retired; don't use it. Search again with 'find'."
                : "This answer was replaced by a newer version; search again with 'find'.");
        }

        await experts.EnsureRecipientAsync(db, entry, activity, ExpertActor.From(activity), ct);
        await db.SaveChangesAsync(ct);
        return InvokeResponse.Card(ExpertCards.Approved(entry));
    }

    /// <summary>
    /// <c>library.sendToMe</c> (the hot-topic card's "Send me the answer"): the entry's approved-answer card goes to the clicking
    /// agent's personal chat through the outbox (in personal chat: that chat), and the agent counts as a recipient (so a later
    /// replacement reaches them). The card that was clicked stays as it is.
    /// </summary>
    public async Task<InvokeResponse> SendToMeAsync(Activity activity, LibraryOpenData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(activity);
        ArgumentNullException.ThrowIfNull(data);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!ExpertService.TryId(data.AnswerId, out var id) || await db.Set<LibraryEntry>().SingleOrDefaultAsync(e => e.Id == id, ct) is not { } entry)
        {
            return InvokeResponse.Message("This answer is no longer in the library.");
        }

        if (entry.Status != LibraryEntryStatus.Active)
        {
            return InvokeResponse.Message(entry.Status == LibraryEntryStatus.Retired
                ? "This answer was retired; don't use it. Search again with 'find'."
                : "This answer was replaced by a newer version; refresh the card or search again with 'find'.");
        }

        if (string.IsNullOrWhiteSpace(activity.From?.Id) || !Uri.TryCreate(activity.ServiceUrl, UriKind.Absolute, out _))
        {
            return InvokeResponse.Message("I cannot tell who you are or where to send the answer; use 'find' in your chat with me instead.");
        }

        var actor = ExpertActor.From(activity);
        var card = ExpertCards.Activity(ExpertCards.Approved(entry), $"Approved answer: {entry.Question}");
        var tenant = ExpertService.TenantOf(activity);
        var personal = activity.Conversation?.ConversationType == "personal" && !string.IsNullOrWhiteSpace(activity.Conversation.Id);
        outbox.Enqueue(db, personal
            ? OutboxRequest.Send(activity.ServiceUrl!, tenant, activity.Conversation!.Id!, card)
            : OutboxRequest.NotifyPerson(activity.ServiceUrl!, tenant, activity.From.Id, card));
        await experts.EnsureRecipientAsync(db, entry, activity, actor, ct);
        experts.Audit(db, actor, "answer.sentToMe", entry.QuestionId, entry.Id, null, null, personal ? "personal chat" : "1:1 chat from a card");
        await db.SaveChangesAsync(ct);
        ExpertsLog.LibraryAction(logger, entry.Id, "sent to " + actor.AuditId);
        return InvokeResponse.Message(personal
            ? "Here is the approved answer (below)."
            : "I sent you the approved answer in your personal chat with CrisisBot.");
    }

    /// <summary><c>answer.used</c>: records usage (recall and metrics), returns the card with the new count.</summary>
    public async Task<InvokeResponse> UsedAsync(Activity activity, AnswerUsedData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!ExpertService.TryId(data.AnswerId, out var id) || !await db.Set<LibraryEntry>().AnyAsync(e => e.Id == id, ct))
        {
            return InvokeResponse.Message("This answer is no longer in the library.");
        }

        var actor = ExpertActor.From(activity);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        await db.Set<LibraryEntry>().Where(e => e.Id == id).ExecuteUpdateAsync(s => s.SetProperty(e => e.UsedCount, e => e.UsedCount + 1), ct);
        var entry = await db.Set<LibraryEntry>().SingleAsync(e => e.Id == id, ct);
        await experts.EnsureRecipientAsync(db, entry, activity, actor, ct, used: true);
        experts.Audit(db, actor, "answer.used", entry.QuestionId, entry.Id, null, null, null);
        if (_usageObservers.Length > 0)
        {
            var topicId = await db.Set<ExpertQuestion>().Where(q => q.Id == entry.QuestionId).Select(q => q.TopicId).SingleOrDefaultAsync(ct);
            var usage = new AnswerUsage(entry.Id, entry.QuestionId, entry.ProductKey, topicId,
                new ExpertLoopAgent(actor.UserId, actor.AadObjectId, actor.Name, activity.ServiceUrl ?? "", ExpertService.TenantOf(activity)), time.GetUtcNow());
            foreach (var observer in _usageObservers)
            {
                await observer.OnAnswerUsedAsync(db, usage, ct);
            }
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (entry.Status != LibraryEntryStatus.Active)
        {
            return InvokeResponse.Message("Recorded. Note: this answer has since been replaced or retired; check the newer version.");
        }

        return InvokeResponse.Card(ExpertCards.Approved(entry));
    }

    /// <summary><c>answer.supersededAck</c>: the agent saw the notice (audited; the card stays for reference).</summary>
    public async Task<InvokeResponse> SupersededAckAsync(Activity activity, SupersededAckData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (!ExpertService.TryId(data.OldAnswerId, out var oldId))
        {
            return InvokeResponse.Message("This notice is missing its answer id.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        experts.Audit(db, ExpertActor.From(activity), "answer.supersededAck", null, oldId, null, null, $"new entry {data.NewAnswerId}");
        await db.SaveChangesAsync(ct);
        return InvokeResponse.Message("Thanks. Use the new reply from now on.");
    }

    /// <summary>The "still correct?" card for an entry (owners or approvers only): <c>supersede &lt;entry&gt;</c>.</summary>
    public async Task<(bool Allowed, System.Text.Json.JsonElement? Card, string Message)> ReviewCardForAsync(Activity activity, long entryId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var entry = await db.Set<LibraryEntry>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId, ct);
        if (entry is null || entry.Status != LibraryEntryStatus.Active)
        {
            return (false, null, $"Library answer {entryId} is not active (search with 'find' for the current version).");
        }

        var product = catalog.Find(entry.ProductKey);
        if (product is null || !await directory.IsListedAsync(activity, product.Owners.Concat(product.Deputies).Concat(product.Approvers).Concat(product.ApprovalSteps.SelectMany(s => s.Approvers)), ct))
        {
            return (false, null, $"Only the owners and approvers of {product?.DisplayName ?? entry.ProductKey} can replace this answer.");
        }

        var owners = await directory.ResolveAsync(db, product.Owners, ct);
        var recipients = await db.Set<LibraryRecipient>().CountAsync(r => r.EntryId == entry.Id, ct);
        return (true, cards.LibraryReview(entry, owners, recipients), "");
    }

    /// <summary>Review timer: posts the "still correct?" card to the product channel.</summary>
    internal async Task PostReviewDueAsync(CrisisDbContext db, long entryId, CancellationToken ct)
    {
        var entry = await db.Set<LibraryEntry>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == entryId, ct);
        if (entry is null || entry.Status != LibraryEntryStatus.Active || entry.ReviewBy > time.GetUtcNow())
        {
            return;
        }

        var question = await db.Set<ExpertQuestion>().AsNoTracking().SingleAsync(q => q.Id == entry.QuestionId, ct);
        var product = experts.Product(question);
        var owners = await directory.ResolveAsync(db, product.Owners, ct);
        var recipients = await db.Set<LibraryRecipient>().CountAsync(r => r.EntryId == entry.Id, ct);
        outbox.Enqueue(db, OutboxRequest.ChannelPost(question.ServiceUrl, question.TenantId, question.ChannelId,
            ExpertCards.Activity(cards.LibraryReview(entry, owners, recipients), $"Still correct? {product.DisplayName}"), ReviewCardId(entry)));
        experts.Audit(db, new ExpertActor("system", null, "CrisisBot"), "library.reviewDue", question.Id, entry.Id, null, null, $"review-by {ExpertService.Time(entry.ReviewBy)}");
        ExpertsLog.LibraryAction(logger, entry.Id, "review due");
    }

    private static string ReviewCardId(LibraryEntry entry) =>
        string.Create(CultureInfo.InvariantCulture, $"library-review:{entry.Id}:{entry.ReviewBy.ToUnixTimeSeconds()}");

    /// <summary><c>library.confirm</c> (owners and deputies): still correct, next review in <see cref="ExpertsOptions.ReviewDays"/>.</summary>
    public Task<InvokeResponse> ConfirmAsync(Activity activity, LibraryEntryData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        return EntryActionAsync(activity, data.EntryId, "library.confirm", ownersOnly: true, async (db, entry, question, product, actor) =>
        {
            var cardId = ReviewCardId(entry);
            entry.ReviewBy = time.GetUtcNow().AddDays(options.CurrentValue.ReviewDays);
            entry.ReviewedAt = time.GetUtcNow();
            timers.Schedule(db, new DurableTimer(ExpertService.ReviewTimerKind, ExpertService.ReviewTimerKey(entry.Id), entry.ReviewBy, null));
            experts.Audit(db, actor, "library.confirm", question.Id, entry.Id, nameof(LibraryEntryStatus.Active), nameof(LibraryEntryStatus.Active), $"next review {ExpertService.Time(entry.ReviewBy)}");
            return await FinishCardAsync(db, entry, question, product, cardId, $"Confirmed by {actor.Name}; next review {ExpertService.Time(entry.ReviewBy)}.", ct);
        }, ct);
    }

    /// <summary><c>library.retire</c> (owners, deputies, approvers; reason required): no longer offered to agents.</summary>
    public Task<InvokeResponse> RetireAsync(Activity activity, LibraryRetireData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (string.IsNullOrWhiteSpace(data.RetireReason) || data.RetireReason.Length > ExpertText.MaxNote)
        {
            return Task.FromResult(InvokeResponse.Message($"Give a reason for retiring the answer (at most {ExpertText.MaxNote} characters). Nothing was changed."));
        }

        return EntryActionAsync(activity, data.EntryId, "library.retire", ownersOnly: false, async (db, entry, question, product, actor) =>
        {
            var cardId = ReviewCardId(entry);
            entry.Status = LibraryEntryStatus.Retired;
            entry.RetiredReason = data.RetireReason.Trim();
            timers.Cancel(db, ExpertService.ReviewTimerKind, ExpertService.ReviewTimerKey(entry.Id));
            experts.Audit(db, actor, "library.retire", question.Id, entry.Id, nameof(LibraryEntryStatus.Active), nameof(LibraryEntryStatus.Retired), entry.RetiredReason);
            await experts.NotifyAsync(db, new ExpertLoopChange(ExpertLoopChangeKind.AnswerRetired, question.Id, question.ProductKey, question.TopicId, entry.Id, entry.AddToFaq, time.GetUtcNow()), ct);
            return await FinishCardAsync(db, entry, question, product, cardId, $"Retired by {actor.Name}: {entry.RetiredReason}", ct);
        }, ct);
    }

    /// <summary>
    /// <c>library.supersede</c> (owners, deputies, approvers): the replacement becomes a new answer version of the entry's question
    /// and goes through the approval chain; on final approval everyone who received or used the old answer gets the notice.
    /// </summary>
    public async Task<InvokeResponse> SupersedeAsync(Activity activity, LibrarySupersedeData data, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(data);
        var error = ExpertService.ValidateAnswer(data.Facts, data.CustomerReply, data.ShortReply, data.InternalNote, factsRequired: false);
        if (string.IsNullOrWhiteSpace(data.Reason))
        {
            error = (error is null ? "" : error + " ") + "Say what changed: agents who used the old answer see the reason.";
        }

        if (error is not null)
        {
            return InvokeResponse.Message(error + " Nothing was saved.");
        }

        return await EntryActionAsync(activity, data.EntryId, "library.supersede", ownersOnly: false, async (db, entry, question, product, actor) =>
        {
            if (question.Status != QuestionStatus.Approved)
            {
                return InvokeResponse.Message($"Question #{question.Id} is already being reworked; its card has the current state.");
            }

            var cardId = ReviewCardId(entry);
            await experts.SupersedeQuestionAsync(db, question, product, entry, actor, data, ct);
            return await FinishCardAsync(db, entry, question, product, cardId, $"Replacement sent for approval by {actor.Name}: {data.Reason!.Trim()}", ct);
        }, ct);
    }

    private async Task<InvokeResponse> FinishCardAsync(CrisisDbContext db, LibraryEntry entry, ExpertQuestion question, ProductDefinition product, string cardId, string outcome, CancellationToken ct)
    {
        var owners = await directory.ResolveAsync(db, product.Owners, ct);
        var recipients = await db.Set<LibraryRecipient>().CountAsync(r => r.EntryId == entry.Id, ct);
        var card = cards.LibraryReview(entry, owners, recipients, outcome);
        outbox.Enqueue(db, OutboxRequest.UpdateCard(question.ServiceUrl, question.TenantId, question.ChannelId, cardId, ExpertCards.Activity(card, "Still correct?")));
        return InvokeResponse.Card(card);
    }

    private async Task<InvokeResponse> EntryActionAsync(
        Activity activity,
        string entryIdText,
        string action,
        bool ownersOnly,
        Func<CrisisDbContext, LibraryEntry, ExpertQuestion, ProductDefinition, ExpertActor, Task<InvokeResponse>> change,
        CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(activity);
        await using var db = await contexts.CreateDbContextAsync(ct);
        if (!ExpertService.TryId(entryIdText, out var id) || await db.Set<LibraryEntry>().SingleOrDefaultAsync(e => e.Id == id, ct) is not { } entry)
        {
            return InvokeResponse.Message("This answer is no longer in the library.");
        }

        var question = await db.Set<ExpertQuestion>().SingleAsync(q => q.Id == entry.QuestionId, ct);
        var product = experts.Product(question);
        var actor = ExpertActor.From(activity);
        var allowed = product.Owners.Concat(product.Deputies);
        if (!ownersOnly)
        {
            allowed = allowed.Concat(product.Approvers).Concat(product.ApprovalSteps.SelectMany(s => s.Approvers));
        }

        if (!await directory.IsListedAsync(activity, allowed, ct))
        {
            var who = ownersOnly ? "an owner" : "an owner or approver";
            return await experts.RefuseAsync(actor, action, question.Id, entry.Id, entry.Status, $"You're not {who} of {product.DisplayName}, so you can't change this library answer.", ct);
        }

        if (entry.Status != LibraryEntryStatus.Active)
        {
            return InvokeResponse.Message($"This answer is already {entry.Status.ToString().ToLowerInvariant()}; nothing changed.");
        }

        await directory.RememberAsync(db, activity, ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        try
        {
            var read = entry.Revision;
            if (await db.Set<LibraryEntry>().Where(e => e.Id == entry.Id && e.Revision == read).ExecuteUpdateAsync(s => s.SetProperty(e => e.Revision, read + 1), ct) == 0)
            {
                throw new DbUpdateConcurrencyException($"Library entry {entry.Id} changed since revision {read}.");
            }

            entry.Revision = read + 1;
            db.Entry(entry).Property(e => e.Revision).OriginalValue = read + 1;
            var response = await change(db, entry, question, product, actor);
            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
            ExpertsLog.LibraryAction(logger, entry.Id, action);
            return response;
        }
        catch (DbUpdateConcurrencyException)
        {
            return InvokeResponse.Message("Someone else changed this answer at the same moment; refresh to see its state.");
        }
    }
}
