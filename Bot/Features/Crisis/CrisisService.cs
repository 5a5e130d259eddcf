using System.Globalization;
using CrisisBot.Cards.Templates;
using ChannelBinding = CrisisBot.Features.Channels.ChannelBinding;
using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Graph;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Scheduling;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Crisis;

/// <summary>A request to declare a crisis (from the command or a confirmed proposal).</summary>
/// <param name="Origin">The team channel the request came from, when it came from one.</param>
public sealed record DeclareRequest(string Name, IReadOnlyList<string> Products, string Reason, CrisisActor Actor, TeamChannelContext? Origin, long? ProposalId = null);

/// <summary>A refusal with what to do instead (shown on a NotAllowed card).</summary>
public sealed record CrisisRefusal(string Title, string Reason, string NextStep);

/// <summary>The result of a declaration: the crisis and notes for the declarer, or a refusal.</summary>
public sealed record DeclareOutcome(CrisisRecord? Crisis, CrisisChannel? Channel, IReadOnlyList<string> Notes, CrisisRefusal? Refusal)
{
    public static DeclareOutcome Refused(CrisisRefusal refusal, IReadOnlyList<string>? notes = null) => new(null, null, notes ?? [], refusal);
}

/// <summary>
/// The crisis workflow: declare (Graph channel or the linked crisis channel), roles, proposals, decisions, status updates and
/// stand-down. Every state change commits in one transaction with its audit rows, outbox posts and timers.
/// </summary>
public sealed class CrisisService(
    IDbContextFactory<CrisisDbContext> contexts,
    ITeamsGraph graph,
    ChannelStore channels,
    IOutbox outbox,
    OutboxSignal outboxSignal,
    IDurableTimers timers,
    CrisisState state,
    CrisisCards cards,
    CrisisCatalog catalog,
    ICrisisActivitySource activity,
    IOptionsMonitor<CrisisOptions> options,
    TimeProvider time,
    ILogger<CrisisService> logger)
{
    /// <summary>Timer kind of the status-update cadence (<see cref="CrisisCadenceHandler"/>).</summary>
    public const string CadenceTimerKind = "crisis.statusUpdate";

    public static string CadenceTimerKey(int crisisId, int request) => $"crisis:{crisisId}:{request}";

    public async Task<CrisisRecord?> GetActiveAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<CrisisRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.ActiveSlot == 1, ct);
    }

    public async Task<CrisisRecord?> FindAsync(int id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<CrisisRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == id, ct);
    }

    public async Task<IReadOnlyList<CrisisRoleAssignment>> GetRolesAsync(int crisisId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<CrisisRoleAssignment>().AsNoTracking().Where(r => r.CrisisId == crisisId && r.RemovedAt == null).OrderBy(r => r.Id).ToListAsync(ct);
    }

    /// <summary>Validates the name and products, picks the crisis channel, then stores and announces the crisis.</summary>
    public async Task<DeclareOutcome> DeclareAsync(DeclareRequest request, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var name = request.Name.Trim();
        if (name.Length == 0)
        {
            return DeclareOutcome.Refused(new CrisisRefusal("The crisis needs a name",
                "A crisis is declared with a short name everyone will recognise.", "Type: declare crisis \"Airport strike\" [product keys…]"));
        }

        if (name.Length > CrisisRecord.MaxNameLength)
        {
            return DeclareOutcome.Refused(new CrisisRefusal("The crisis name is too long",
                $"The name has {name.Length} characters; at most {CrisisRecord.MaxNameLength} are allowed.", "Use a shorter name, e.g. \"Airport strike\"."));
        }

        var products = new List<string>();
        var unknown = new List<string>();
        foreach (var raw in request.Products.Where(p => !string.IsNullOrWhiteSpace(p)))
        {
            if (catalog.Find(raw.Trim()) is { } product)
            {
                if (!products.Contains(product.Key, StringComparer.OrdinalIgnoreCase))
                {
                    products.Add(product.Key);
                }
            }
            else
            {
                unknown.Add(raw.Trim());
            }
        }

        if (unknown.Count > 0)
        {
            return DeclareOutcome.Refused(new CrisisRefusal("Unknown product" + (unknown.Count == 1 ? "" : "s"),
                $"{string.Join(", ", unknown)} {(unknown.Count == 1 ? "is" : "are")} not in products.yaml.",
                $"Use product keys: {string.Join(", ", catalog.Products.Select(p => p.Key))}; or none for all products."));
        }

        if (await GetActiveAsync(ct) is { } active)
        {
            return DeclareOutcome.Refused(ActiveRefusal(active));
        }

        var (channel, notes) = await ResolveChannelAsync(name, request.Origin, ct);
        if (channel is null)
        {
            return DeclareOutcome.Refused(new CrisisRefusal("No crisis channel",
                "I could not create a crisis channel and no channel is linked as the crisis channel, so the crisis was not declared.",
                "An admin types '@CrisisBot link crisis' in the channel to use as the war room, then declare again."), notes);
        }

        var now = time.GetUtcNow();
        await using var db = await contexts.CreateDbContextAsync(ct);
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var crisis = CrisisRecord.Declare(name, products, request.Reason, request.Actor, channel, options.CurrentValue.UpdateCadenceHours, now, request.ProposalId);
        crisis.MarkDeclaredAtPost(await LatestPostSeqAsync(db, ct));
        db.Add(crisis);
        try
        {
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException)
        {
            // The unique ActiveSlot: another declaration committed first.
            await tx.RollbackAsync(ct);
            var winner = await GetActiveAsync(ct);
            return DeclareOutcome.Refused(winner is null
                ? new CrisisRefusal("The crisis was not declared", "Storing the crisis failed.", "Try again.")
                : ActiveRefusal(winner), notes);
        }

        var lead = CrisisRoleAssignment.Create(crisis.Id, CrisisRole.Lead, request.Actor, request.Actor, now);
        db.Add(lead);
        var scope = products.Count == 0 ? "all products" : string.Join(",", products);
        db.Add(AuditEntry.Create(now, "crisis.declare", request.Actor.Id, request.Actor.Name, Subject(crisis.Id),
            $"'{crisis.Name}' for {scope} in channel {channel.ChannelName ?? "?"} ({channel.ChannelId}, {channel.Origin})" +
            (request.ProposalId is { } p ? $", from proposal {p}" : "")));
        if (channel.Origin == CrisisRecord.OriginGraph)
        {
            await BindCrisisChannelAsync(db, channel, request.Actor, now, ct);
        }

        if (request.ProposalId is { } proposalId && await db.Set<CrisisProposal>().FindAsync([proposalId], ct) is { } proposal)
        {
            proposal.Confirm(request.Actor, crisis.Id, now);
            db.Add(AuditEntry.Create(now, "crisis.proposal.confirm", request.Actor.Id, request.Actor.Name, $"proposal:{proposalId}", $"declared crisis {crisis.Id}"));
        }

        var card = cards.Declared(crisis, [lead]);
        outbox.Enqueue(db, OutboxRequest.ChannelPost(channel.ServiceUrl, channel.TenantId, channel.ChannelId,
            OutgoingActivity.WithCard(card, $"Crisis declared: {crisis.Name}"), crisis.CardId));
        timers.Schedule(db, new DurableTimer(CadenceTimerKind, CadenceTimerKey(crisis.Id, 1), crisis.NextStatusRequestAt!.Value, null));
        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        state.Invalidate();
        outboxSignal.Notify();
        CrisisLog.Declared(logger, crisis.Id, channel.ChannelId, channel.Origin, request.Actor.Id);
        return new DeclareOutcome(crisis, channel, notes, null);
    }

    /// <summary>Stores a refusal in the audit trail (non-lead attempts).</summary>
    public async Task AuditRefusalAsync(string action, CrisisActor actor, string subject, string details, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        db.Add(AuditEntry.Create(time.GetUtcNow(), action, actor.Id, actor.Name, subject, details));
        await db.SaveChangesAsync(ct);
    }

    /// <summary>Assigns a crisis role (lead, comms, approver) in the active crisis and refreshes the crisis card.</summary>
    public async Task<CrisisRefusal?> AssignRoleAsync(CrisisRole role, CrisisActor person, CrisisActor by, bool remove, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(by);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var crisis = await db.Set<CrisisRecord>().SingleOrDefaultAsync(c => c.ActiveSlot == 1, ct);
        if (crisis is null)
        {
            return NoActiveRefusal("assign crisis roles");
        }

        var now = time.GetUtcNow();
        var current = await db.Set<CrisisRoleAssignment>().Where(r => r.CrisisId == crisis.Id && r.Role == role && r.RemovedAt == null).ToListAsync(ct);
        var existing = current.Where(r => r.Matches(person.Id, person.TeamsUserId)).ToList();
        if (remove)
        {
            if (existing.Count == 0)
            {
                return new CrisisRefusal("Nothing to remove", $"{person.Display} is not {Article(role)} {Label(role)} of this crisis.", "Type 'crisis' to see the roles.");
            }

            if (role == CrisisRole.Lead && current.Count == existing.Count)
            {
                return new CrisisRefusal("A crisis needs a lead", $"{person.Display} is the only lead.", "Assign another lead first: crisis role lead @someone");
            }

            existing.ForEach(r => r.Remove(now));
        }
        else if (existing.Count > 0)
        {
            return new CrisisRefusal("Already assigned", $"{person.Display} is already {Article(role)} {Label(role)} of this crisis.", "Nothing changed.");
        }
        else
        {
            db.Add(CrisisRoleAssignment.Create(crisis.Id, role, person, by, now));
        }

        db.Add(AuditEntry.Create(now, remove ? "crisis.role.remove" : "crisis.role.assign", by.Id, by.Name, Subject(crisis.Id), $"{Label(role)}: {person.Display} ({person.Id})"));
        await db.SaveChangesAsync(ct);
        var roles = await db.Set<CrisisRoleAssignment>().AsNoTracking().Where(r => r.CrisisId == crisis.Id && r.RemovedAt == null).OrderBy(r => r.Id).ToListAsync(ct);
        outbox.Enqueue(db, OutboxRequest.UpdateCard(crisis.ServiceUrl, crisis.TenantId, crisis.ChannelId, crisis.CardId,
            OutgoingActivity.WithCard(cards.Declared(crisis, roles), $"Crisis: {crisis.Name}")));
        await db.SaveChangesAsync(ct);
        return null;
    }

    /// <summary>"Propose crisis" on a hot-topic card: stores the proposal and posts it to the leadership channel (else into <paramref name="replyConversation"/>).</summary>
    public async Task<(CrisisProposal? Proposal, string Message)> ProposeAsync(
        string topicId, string? title, string? product, CrisisActor by, (string ServiceUrl, string? TenantId, string ConversationId)? replyConversation, IReadOnlyList<Person> leads, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(topicId);
        ArgumentNullException.ThrowIfNull(by);
        if (await GetActiveAsync(ct) is { } active)
        {
            return (null, $"A crisis is already active: '{active.Name}'. Its crisis channel is where the team coordinates.");
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var pending = await db.Set<CrisisProposal>().AsNoTracking()
            .SingleOrDefaultAsync(p => p.TopicId == topicId && p.Status == ProposalStatus.Pending, ct);
        if (pending is not null)
        {
            return (pending, $"A crisis was already proposed for this topic by {pending.ProposedByName ?? pending.ProposedById}; it is waiting for a lead.");
        }

        var now = time.GetUtcNow();
        var productKey = product is null ? null : catalog.Find(product)?.Key ?? product;
        var topicTitle = string.IsNullOrWhiteSpace(title) ? $"Topic {topicId}" : title.Trim();
        var proposal = CrisisProposal.Create(topicId, topicTitle.Length > 256 ? topicTitle[..256] : topicTitle, productKey, by, now);
        db.Add(proposal);
        await db.SaveChangesAsync(ct);
        db.Add(AuditEntry.Create(now, "crisis.propose", by.Id, by.Name, $"proposal:{proposal.Id}", $"topic {topicId} '{proposal.TopicTitle}'"));
        var leadership = await db.Set<ChannelBinding>().AsNoTracking().SingleOrDefaultAsync(b => b.Role == ChannelRole.Leadership && b.ProductKey == "", ct);
        var card = OutgoingActivity.WithCard(cards.Proposal(proposal, leads), $"Crisis proposed: {proposal.TopicTitle}");
        string message;
        if (leadership is not null)
        {
            outbox.Enqueue(db, OutboxRequest.ChannelPost(leadership.ServiceUrl, leadership.TenantId, leadership.ChannelId, card, proposal.CardId));
            message = $"Crisis proposed. The crisis leads were asked to confirm in {leadership.ChannelName ?? "the leadership channel"}.";
        }
        else if (replyConversation is { } reply)
        {
            outbox.Enqueue(db, OutboxRequest.Send(reply.ServiceUrl, reply.TenantId, reply.ConversationId, card));
            message = "Crisis proposed here (no leadership channel is linked). A crisis lead or admin can confirm it on the proposal card.";
        }
        else
        {
            message = "Crisis proposed, but no leadership channel is linked to show it: an admin can 'link leadership'.";
        }

        await db.SaveChangesAsync(ct);
        return (proposal, message);
    }

    public async Task<CrisisProposal?> FindProposalAsync(long id, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<CrisisProposal>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == id, ct);
    }

    /// <summary>Declines a pending proposal; returns the stored proposal (already decided ones are returned unchanged).</summary>
    public async Task<CrisisProposal?> DeclineProposalAsync(long id, CrisisActor by, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var proposal = await db.Set<CrisisProposal>().SingleOrDefaultAsync(p => p.Id == id, ct);
        if (proposal is null || proposal.Status != ProposalStatus.Pending)
        {
            return proposal;
        }

        var now = time.GetUtcNow();
        proposal.Decline(by, now);
        db.Add(AuditEntry.Create(now, "crisis.proposal.decline", by.Id, by.Name, $"proposal:{id}", $"topic {proposal.TopicId}"));
        await db.SaveChangesAsync(ct);
        return proposal;
    }

    /// <summary><c>decide &lt;text&gt;</c>: a "decision needed" item, attached to the active crisis if any.</summary>
    public async Task<CrisisDecision> RaiseDecisionAsync(string text, CrisisActor by, CancellationToken ct = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        await using var db = await contexts.CreateDbContextAsync(ct);
        var crisisId = await db.Set<CrisisRecord>().Where(c => c.ActiveSlot == 1).Select(c => (int?)c.Id).SingleOrDefaultAsync(ct);
        var now = time.GetUtcNow();
        var decision = CrisisDecision.Raise(crisisId, text, by, now);
        db.Add(decision);
        await db.SaveChangesAsync(ct);
        db.Add(AuditEntry.Create(now, "decision.raise", by.Id, by.Name, $"decision:{decision.Id}", decision.Text));
        await db.SaveChangesAsync(ct);
        return decision;
    }

    /// <summary>Marks a decision as decided (who/when); false when unknown, null-safe for already decided ones.</summary>
    public async Task<(CrisisDecision? Decision, bool Changed)> ResolveDecisionAsync(long id, CrisisActor by, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var decision = await db.Set<CrisisDecision>().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (decision is null)
        {
            return (null, false);
        }

        var now = time.GetUtcNow();
        if (!decision.Resolve(by, now))
        {
            return (decision, false);
        }

        db.Add(AuditEntry.Create(now, "decision.resolve", by.Id, by.Name, $"decision:{id}", decision.Text));
        await db.SaveChangesAsync(ct);
        return (decision, true);
    }

    /// <summary>Open decisions (oldest first) and the 5 most recently decided.</summary>
    public async Task<(IReadOnlyList<CrisisDecision> Open, IReadOnlyList<CrisisDecision> Resolved)> ListDecisionsAsync(CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        var open = await db.Set<CrisisDecision>().AsNoTracking().Where(d => d.ResolvedAt == null).OrderBy(d => d.Id).ToListAsync(ct);
        var resolved = await db.Set<CrisisDecision>().AsNoTracking().Where(d => d.ResolvedAt != null).OrderByDescending(d => d.ResolvedAt).Take(5).ToListAsync(ct);
        return (open, resolved);
    }

    /// <summary>Stores a status update for an active crisis (answering cadence request <paramref name="request"/>, 0 = unrequested).</summary>
    public async Task<(CrisisStatusUpdate? Update, CrisisRefusal? Refusal)> RecordStatusUpdateAsync(int crisisId, int request, string text, CrisisActor by, CancellationToken ct = default)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return (null, new CrisisRefusal("The update is empty", "A status update needs a few words for leadership.", "Write what changed, what is next and what you need."));
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var crisis = await db.Set<CrisisRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == crisisId, ct);
        if (crisis is null || !crisis.IsActive)
        {
            return (null, new CrisisRefusal("This crisis is over", "Status updates are only collected while the crisis is active.", "Nothing to do."));
        }

        var trimmed = text.Trim();
        var update = CrisisStatusUpdate.Create(crisisId, request, trimmed.Length > CrisisStatusUpdate.MaxTextLength ? trimmed[..CrisisStatusUpdate.MaxTextLength] : trimmed, by, time.GetUtcNow());
        db.Add(update);
        db.Add(AuditEntry.Create(update.At, "crisis.statusUpdate", by.Id, by.Name, Subject(crisisId), $"request {request}"));
        await db.SaveChangesAsync(ct);
        return (update, null);
    }

    public async Task<CrisisStatusUpdate?> LatestStatusUpdateAsync(int crisisId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<CrisisStatusUpdate>().AsNoTracking().Where(u => u.CrisisId == crisisId).OrderByDescending(u => u.Id).FirstOrDefaultAsync(ct);
    }

    /// <summary>
    /// Stands the active crisis down: stores reason and lessons, cancels the cadence, replaces the crisis card with the
    /// report and posts the report to the leadership channel (when linked elsewhere). Returns the report card.
    /// </summary>
    public async Task<(System.Text.Json.JsonElement? Report, CrisisRefusal? Refusal)> StandDownAsync(int crisisId, string? reason, string? lessons, CrisisActor by, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(by);
        if (string.IsNullOrWhiteSpace(reason))
        {
            return (null, new CrisisRefusal("Give a reason", "The stand-down report says why the crisis is over.", "Fill in 'Why is the crisis over?' and press Stand down again."));
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var crisis = await db.Set<CrisisRecord>().SingleOrDefaultAsync(c => c.Id == crisisId, ct);
        if (crisis is null)
        {
            return (null, new CrisisRefusal("Unknown crisis", $"There is no crisis {crisisId}.", "Type 'crisis' to see the active one."));
        }

        if (!crisis.IsActive)
        {
            return (null, new CrisisRefusal("Already stood down",
                $"'{crisis.Name}' was stood down by {crisis.StoodDownByName ?? crisis.StoodDownById} at {crisis.StoodDownAt:yyyy-MM-dd HH:mm} UTC.", "Nothing to do."));
        }

        var now = time.GetUtcNow();
        var pendingRequest = crisis.StatusRequests + 1;
        crisis.StandDown(by, reason.Length > 1000 ? reason[..1000] : reason, lessons is { Length: > 4000 } ? lessons[..4000] : lessons, now);
        crisis.MarkStoodDownAtPost(await LatestPostSeqAsync(db, ct));
        timers.Cancel(db, CadenceTimerKind, CadenceTimerKey(crisis.Id, pendingRequest));
        db.Add(AuditEntry.Create(now, "crisis.standDown", by.Id, by.Name, Subject(crisis.Id), crisis.StandDownReason));
        var report = await BuildReportAsync(db, crisis, ct);
        var reportCard = cards.Report(report);
        var post = OutgoingActivity.WithCard(reportCard, $"Crisis stood down: {crisis.Name}");
        outbox.Enqueue(db, OutboxRequest.UpdateCard(crisis.ServiceUrl, crisis.TenantId, crisis.ChannelId, crisis.CardId, post));
        var leadership = await db.Set<ChannelBinding>().AsNoTracking().SingleOrDefaultAsync(b => b.Role == ChannelRole.Leadership && b.ProductKey == "", ct);
        if (leadership is not null && leadership.ChannelId != crisis.ChannelId)
        {
            outbox.Enqueue(db, OutboxRequest.ChannelPost(leadership.ServiceUrl, leadership.TenantId, leadership.ChannelId, post, $"{crisis.CardId}:report"));
        }

        // Claim the stand-down in the database first, so two simultaneous stand-downs cannot both win.
        await using var tx = await db.Database.BeginTransactionAsync(ct);
        var claimed = await db.Set<CrisisRecord>().Where(c => c.Id == crisis.Id && c.ActiveSlot == 1)
            .ExecuteUpdateAsync(s => s.SetProperty(c => c.ActiveSlot, (int?)null), ct);
        if (claimed != 1)
        {
            await tx.RollbackAsync(ct);
            return (null, new CrisisRefusal("Already stood down", "Someone stood the crisis down at the same moment.", "Nothing to do."));
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        outboxSignal.Notify();
        state.Invalidate();
        CrisisLog.StoodDown(logger, crisis.Id, by.Id);
        return (reportCard, null);
    }

    /// <summary>The report of a stood-down (or active) crisis, e.g. for the card refresh.</summary>
    public async Task<CrisisReport> ReportAsync(CrisisRecord crisis, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await BuildReportAsync(db, crisis, ct);
    }

    private async Task<CrisisReport> BuildReportAsync(CrisisDbContext db, CrisisRecord crisis, CancellationToken ct)
    {
        var period = CrisisPeriod.Of(crisis, time.GetUtcNow());
        var volumes = await activity.GetVolumesAsync(period, crisis.Products, ct);
        var questions = await activity.GetQuestionsAsync(period.From, period.To, crisis.Products, ct);
        var (timeline, decisions) = await TimelineAsync(db, crisis, ct);
        return new CrisisReport(crisis, volumes, questions, timeline, [.. decisions.Where(d => d.IsOpen)]);
    }

    /// <summary>The crisis timeline (proposal, declaration, decisions, status updates, stand-down), oldest first, and its decisions.</summary>
    internal static async Task<(IReadOnlyList<TimelineEntry> Timeline, IReadOnlyList<CrisisDecision> Decisions)> TimelineAsync(CrisisDbContext db, CrisisRecord crisis, CancellationToken ct)
    {
        var timeline = new List<TimelineEntry>();
        string? proposer = null;
        if (crisis.ProposalId is { } proposalId
            && await db.Set<CrisisProposal>().AsNoTracking().SingleOrDefaultAsync(p => p.Id == proposalId, ct) is { } proposal)
        {
            proposer = $" (proposed by {proposal.ProposedByName ?? proposal.ProposedById} from the hot topic \"{proposal.TopicTitle}\")";
            timeline.Add(new TimelineEntry(proposal.ProposedAt, $"Crisis proposed by {proposal.ProposedByName ?? proposal.ProposedById}: \"{proposal.TopicTitle}\""));
        }

        timeline.Add(new TimelineEntry(crisis.DeclaredAt, $"Crisis declared by {crisis.DeclaredByName ?? crisis.DeclaredById}{proposer}"));
        var decisions = await db.Set<CrisisDecision>().AsNoTracking().Where(d => d.CrisisId == crisis.Id).OrderBy(d => d.Id).ToListAsync(ct);
        foreach (var decision in decisions)
        {
            timeline.Add(new TimelineEntry(decision.RaisedAt, $"Decision needed ({decision.RaisedByName ?? decision.RaisedById}): {decision.Text}"));
            if (decision.ResolvedAt is { } at)
            {
                timeline.Add(new TimelineEntry(at, $"Decided ({decision.ResolvedByName ?? decision.ResolvedById}): {decision.Text}"));
            }
        }

        var updates = await db.Set<CrisisStatusUpdate>().AsNoTracking().Where(u => u.CrisisId == crisis.Id).OrderBy(u => u.Id).ToListAsync(ct);
        timeline.AddRange(updates.Select(u => new TimelineEntry(u.At, $"Status update ({u.AuthorName ?? u.AuthorId}): {u.Text}")));
        if (crisis.StoodDownAt is { } stoodDown)
        {
            timeline.Add(new TimelineEntry(stoodDown, $"Stood down by {crisis.StoodDownByName ?? crisis.StoodDownById}"));
        }

        return ([.. timeline.OrderBy(e => e.At)], decisions);
    }

    private async Task<(CrisisChannel? Channel, List<string> Notes)> ResolveChannelAsync(string name, TeamChannelContext? origin, CancellationToken ct)
    {
        var notes = new List<string>();
        GraphFailure failure;
        if (!graph.IsConfigured)
        {
            failure = NotConfiguredTeamsGraph.NotConfigured("crisis channel creation");
        }
        else
        {
            var created = await CreateGraphChannelAsync(name, origin, ct);
            if (created.Channel is not null)
            {
                return (created.Channel, notes);
            }

            failure = created.Failure!;
        }

        var linked = await channels.FindBindingAsync(new ChannelBindingKey(ChannelRole.Crisis, ""), ct);
        if (failure.Kind == GraphFailureKind.NotConfigured)
        {
            notes.Add(linked is null
                ? "Crisis channel creation needs Graph, and no crisis channel is linked."
                : "Crisis channel creation needs Graph; using the linked crisis channel instead.");
        }
        else
        {
            notes.Add(failure.Message + (linked is null ? "" : " Using the linked crisis channel instead."));
            notes.Add("For admins: " + failure.AdminMessage);
        }

        if (linked is null)
        {
            return (null, notes);
        }

        return (new CrisisChannel(linked.ChannelId, linked.ChannelName, linked.TeamId, linked.TeamName, linked.ServiceUrl, linked.TenantId, CrisisRecord.OriginLinked, null), notes);
    }

    private async Task<(CrisisChannel? Channel, GraphFailure? Failure)> CreateGraphChannelAsync(string name, TeamChannelContext? origin, CancellationToken ct)
    {
        var teamAad = graph.TeamId ?? origin?.TeamAadGroupId;
        if (string.IsNullOrWhiteSpace(teamAad))
        {
            return (null, new GraphFailure(GraphFailureKind.NotFound,
                "I don't know which team to create the crisis channel in.",
                "Set Graph:TeamId to the team's Entra group id (aadGroupId), or declare from a channel of that team."));
        }

        var team = await FindTeamAsync(teamAad, origin, ct);
        if (team is null)
        {
            return (null, new GraphFailure(GraphFailureKind.NotFound,
                "CrisisBot is not installed in the team configured for crisis channels.",
                $"Install CrisisBot in the team with aadGroupId {teamAad} (Graph:TeamId) so it can post in the channel it creates."));
        }

        var prefix = options.CurrentValue.ChannelNamePrefix;
        var description = $"War room for the crisis '{name}', created by CrisisBot.";
        var result = await graph.CreateChannelAsync(teamAad, ChannelName(prefix, name, null), description, ct);
        if (result.Failure?.Kind == GraphFailureKind.NameConflict)
        {
            var stamp = time.GetUtcNow().ToString("yyyy-MM-dd HH.mm", CultureInfo.InvariantCulture);
            result = await graph.CreateChannelAsync(teamAad, ChannelName(prefix, name, stamp), description, ct);
        }

        if (!result.Succeeded)
        {
            return (null, result.Failure);
        }

        var created = result.Value!;
        return (new CrisisChannel(created.Id, created.DisplayName, team.Value.TeamId, team.Value.TeamName, team.Value.ServiceUrl,
            string.IsNullOrWhiteSpace(team.Value.TenantId) ? OutboxRequest.UnknownTenant : team.Value.TenantId, CrisisRecord.OriginGraph, created.WebUrl), null);
    }

    private async Task<(string TeamId, string? TeamName, string ServiceUrl, string? TenantId)?> FindTeamAsync(string teamAad, TeamChannelContext? origin, CancellationToken ct)
    {
        if (origin is not null && string.Equals(origin.TeamAadGroupId, teamAad, StringComparison.OrdinalIgnoreCase))
        {
            return (origin.TeamId, origin.TeamName, origin.ServiceUrl, origin.TenantId);
        }

        await using var db = await contexts.CreateDbContextAsync(ct);
        var reference = await db.Set<ConversationReference>().AsNoTracking()
            .Where(r => r.TeamAadGroupId == teamAad && r.IsActive && r.TeamId != null)
            .OrderBy(r => r.ConversationId).FirstOrDefaultAsync(ct);
        return reference is null ? null : (reference.TeamId!, reference.TeamName, reference.ServiceUrl, reference.TenantId);
    }

    /// <summary>
    /// "Crisis - &lt;name&gt;" within Teams' 50 characters, without the characters Teams refuses in channel names.
    /// </summary>
    internal static string ChannelName(string prefix, string name, string? suffix)
    {
        const string forbidden = "~#%&*{}+/\\:<>?|'\",.";
        var clean = new string([.. name.Select(c => forbidden.Contains(c, StringComparison.Ordinal) || char.IsControl(c) ? ' ' : c)]);
        clean = string.Join(' ', clean.Split(' ', StringSplitOptions.RemoveEmptyEntries));
        var tail = suffix is null ? "" : " " + suffix;
        var head = $"{prefix} - ";
        var room = 50 - head.Length - tail.Length;
        if (clean.Length > room)
        {
            clean = clean[..room].TrimEnd();
        }

        return (head + (clean.Length == 0 ? "room" : clean) + tail).Trim();
    }

    private static async Task BindCrisisChannelAsync(CrisisDbContext db, CrisisChannel channel, CrisisActor actor, DateTimeOffset now, CancellationToken ct)
    {
        var key = new ChannelBindingKey(ChannelRole.Crisis, "");
        var target = new ChannelTarget(channel.ChannelId, channel.ChannelName, channel.TeamId, channel.TeamName, channel.ServiceUrl, channel.TenantId);
        var linkActor = new ChannelActor(actor.Id, actor.Name);
        var binding = await db.Set<ChannelBinding>().SingleOrDefaultAsync(b => b.Role == ChannelRole.Crisis && b.ProductKey == "", ct);
        var details = $"to channel {channel.ChannelName ?? "?"} ({channel.ChannelId}) in team {channel.TeamName ?? "?"} ({channel.TeamId}), created through Graph";
        if (binding is null)
        {
            db.Add(ChannelBinding.Create(key, target, linkActor, now));
            db.Add(AuditEntry.Create(now, "channel.link", actor.Id, actor.Name, key.Subject, details));
        }
        else
        {
            details += $", previously {binding.ChannelName ?? "?"} ({binding.ChannelId})";
            binding.MoveTo(target, linkActor, now);
            db.Add(AuditEntry.Create(now, "channel.relink", actor.Id, actor.Name, key.Subject, details));
        }
    }

    private static CrisisRefusal ActiveRefusal(CrisisRecord active) => new(
        "A crisis is already active",
        $"'{active.Name}' was declared by {active.DeclaredByName ?? active.DeclaredById} at {active.DeclaredAt:yyyy-MM-dd HH:mm} UTC; only one crisis can be active at a time.",
        "Stand it down first ('stand down'), or add the new products to its scope by standing down and declaring again.");

    internal static CrisisRefusal NoActiveRefusal(string what) => new(
        "No active crisis", $"You can only {what} while a crisis is active.", "A crisis lead declares one with: declare crisis \"<name>\" [products…]");

    internal static string Subject(int crisisId) => $"crisis:{crisisId}";

    internal static string Label(CrisisRole role) => role switch
    {
        CrisisRole.Lead => "lead",
        CrisisRole.Comms => "comms",
        CrisisRole.Approver => "approver",
        _ => role.ToString().ToLowerInvariant(),
    };

    private static string Article(CrisisRole role) => role == CrisisRole.Approver ? "an" : "a";

    /// <summary>
    /// The arrival mark of the hot-topic posts: the highest <c>HotTopicPosts.Seq</c> stored so far (0 when none). The
    /// crisis export takes the posts between the declaration's and the stand-down's marks as "arrived during the crisis".
    /// </summary>
    internal static async Task<long> LatestPostSeqAsync(CrisisDbContext db, CancellationToken ct) =>
        await db.Set<CrisisBot.Features.HotTopics.Storage.StoredPost>().MaxAsync(p => (long?)p.Seq, ct) ?? 0;
}
