using System.Globalization;
using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Templates;
using CrisisBot.Features.Channels;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;

namespace CrisisBot.Features.Crisis;

/// <summary>
/// The crisis commands (<c>declare crisis</c>, <c>crisis</c>, <c>crisis role</c>, <c>crisis update</c>, <c>decide</c>,
/// <c>decisions</c>, <c>stand down</c>) and card verbs (propose/confirm/decline, refresh, stand down, status update, decisions).
/// </summary>
public sealed class CrisisCommands(CrisisService crises, CrisisPolicy policy, CrisisCards cards, ITeamLoad teamLoad, TimeProvider time, ILogger<CrisisCommands> logger)
{
    public const string DeclareUsage = "declare crisis \"<name>\" [product keys…]";

    // ------------------------------------------------------------------ commands

    /// <summary><c>declare crisis "&lt;name&gt;" [products…]</c> (leads and admins).</summary>
    public async Task DeclareAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        if (!TryParseDeclare(command.Arguments, out var name, out var products, out var error))
        {
            await turn.ReplyAsync(PlainText(error), ct);
            return;
        }

        var actor = Actor(turn.Activity);
        if (!await RequireLeadAsync(turn, "declare a crisis", "crisis.declare.refused", $"'{name}'", ct))
        {
            return;
        }

        var outcome = await crises.DeclareAsync(
            new DeclareRequest(name, products, $"Declared in Teams by {actor.Display}.", actor, TeamChannelContext.From(turn.Activity)), ct);
        await ReplyDeclaredAsync(turn, outcome, ct);
    }

    /// <summary><c>crisis</c> (show), <c>crisis role [remove] &lt;lead|comms|approver&gt; @person</c>, <c>crisis update &lt;text&gt;</c>.</summary>
    public async Task CrisisAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var args = command.Arguments.Trim();
        var (verb, rest) = Split(args);
        switch (verb.ToLowerInvariant())
        {
            case "":
                await ShowAsync(turn, ct);
                return;
            case "role":
            case "roles" when rest.Length > 0:
                await RoleAsync(turn, rest, ct);
                return;
            case "roles":
                await ShowAsync(turn, ct);
                return;
            case "update":
                await UpdateAsync(turn, rest, ct);
                return;
            default:
                await turn.ReplyAsync(PlainText(
                    "Crisis commands: 'crisis' (show the active crisis), 'crisis role lead|comms|approver @person', " +
                    "'crisis role remove lead|comms|approver @person', 'crisis update <text>', " + $"'{DeclareUsage}', 'stand down'."), ct);
                return;
        }
    }

    /// <summary><c>decide &lt;text&gt;</c>: records a "decision needed" item (leads and admins).</summary>
    public async Task DecideAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var text = command.Arguments.Trim();
        if (text.Length == 0)
        {
            await turn.ReplyAsync(PlainText("Say what needs deciding: decide <text>, e.g. 'decide Extend the refund window to 30 days?'"), ct);
            return;
        }

        if (text.Length > CrisisDecision.MaxTextLength)
        {
            await turn.ReplyAsync(PlainText($"That is {text.Length} characters; a decision item has at most {CrisisDecision.MaxTextLength}. Shorten it and try again."), ct);
            return;
        }

        if (!await RequireLeadAsync(turn, "flag decisions", "decision.raise.refused", "decision", ct))
        {
            return;
        }

        var decision = await crises.RaiseDecisionAsync(text, Actor(turn.Activity), ct);
        var (open, resolved) = await crises.ListDecisionsAsync(ct);
        var active = await crises.GetActiveAsync(ct);
        await turn.ReplyAsync(OutgoingActivity.WithCard(cards.Decisions(open, resolved, active?.Name),
            $"Decision needed #{decision.Id} recorded. It shows in the leadership summary until someone marks it decided.") with
        {
            Text = $"Decision needed #{decision.Id} recorded. It shows in the leadership summary until someone marks it decided.",
            TextFormat = "plain",
        }, ct);
    }

    /// <summary><c>decisions</c>: the open decisions (anyone).</summary>
    public async Task DecisionsAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        await turn.ReplyAsync(OutgoingActivity.WithCard(await DecisionsCardAsync(ct), "Decisions needed"), ct);
    }

    /// <summary><c>stand down</c>: the stand-down form (leads and admins).</summary>
    public async Task StandAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        if (!string.Equals(command.Arguments.Trim(), "down", StringComparison.OrdinalIgnoreCase))
        {
            await turn.ReplyAsync(PlainText("Did you mean 'stand down'? It ends the active crisis and posts the report."), ct);
            return;
        }

        if (!await RequireLeadAsync(turn, "stand a crisis down", "crisis.standDown.refused", "crisis", ct))
        {
            return;
        }

        var active = await crises.GetActiveAsync(ct);
        if (active is null)
        {
            await turn.ReplyAsync(NotAllowed(CrisisService.NoActiveRefusal("stand down")), ct);
            return;
        }

        var (open, _) = await crises.ListDecisionsAsync(ct);
        await turn.ReplyAsync(OutgoingActivity.WithCard(cards.StandDownForm(active, open.Count(d => d.CrisisId == active.Id)), $"Stand down {active.Name}?"), ct);
    }

    // ------------------------------------------------------------------ card verbs

    /// <summary><see cref="CardVerbs.TopicProposeCrisis"/> on a hot-topic card (anyone who sees the card).</summary>
    public async Task<InvokeResponse> ProposeAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        var data = Read<ProposeCrisisData>(action.Data);
        if (data is null || string.IsNullOrWhiteSpace(data.TopicId))
        {
            return InvokeResponse.Message("This card does not say which topic to propose. Refresh the topic card and try again.");
        }

        var activity = turn.Activity;
        (string, string?, string)? reply = activity.ServiceUrl is { Length: > 0 } url && activity.Conversation?.Id is { Length: > 0 } conversation
            ? (url, activity.ChannelData?.Tenant?.Id ?? activity.Conversation.TenantId, conversation)
            : null;
        var (_, message) = await crises.ProposeAsync(data.TopicId, data.Title, data.Product, Actor(activity), reply, [], ct);
        return InvokeResponse.Message(message);
    }

    /// <summary><see cref="CardVerbs.CrisisConfirmProposal"/> (leads and admins): declares the crisis.</summary>
    public async Task<InvokeResponse> ConfirmProposalAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        var proposal = await ReadProposalAsync(action, ct);
        if (proposal is null)
        {
            return InvokeResponse.Message("This proposal no longer exists.");
        }

        if (!await IsLeadAsync(turn, "confirm a crisis", "crisis.proposal.confirm.refused", $"proposal:{proposal.Id}", ct))
        {
            return InvokeResponse.Message("Only crisis leads and admins can confirm a crisis. Your attempt was recorded.");
        }

        if (proposal.Status != ProposalStatus.Pending)
        {
            return InvokeResponse.Card(cards.Proposal(proposal, [], "Already decided."));
        }

        var actor = Actor(turn.Activity);
        var product = proposal.Product is { } p ? new[] { p } : [];
        var reason = $"Proposed by {proposal.ProposedByName ?? proposal.ProposedById} from the hot topic \"{proposal.TopicTitle}\"; confirmed by {actor.Display}.";
        var outcome = await crises.DeclareAsync(
            new DeclareRequest(proposal.TopicTitle, product, reason, actor, TeamChannelContext.From(turn.Activity), proposal.Id), ct);
        if (outcome.Refusal is { } refusal)
        {
            return InvokeResponse.Message($"{refusal.Title}: {refusal.Reason} {refusal.NextStep} {string.Join(' ', outcome.Notes)}".Trim());
        }

        var confirmed = await crises.FindProposalAsync(proposal.Id, ct);
        var note = $"Crisis channel: {outcome.Channel!.ChannelName ?? outcome.Channel.ChannelId}. " + string.Join(' ', outcome.Notes);
        return InvokeResponse.Card(cards.Proposal(confirmed!, [], note.Trim()));
    }

    /// <summary><see cref="CardVerbs.CrisisDeclineProposal"/> (leads and admins).</summary>
    public async Task<InvokeResponse> DeclineProposalAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        var proposal = await ReadProposalAsync(action, ct);
        if (proposal is null)
        {
            return InvokeResponse.Message("This proposal no longer exists.");
        }

        if (!await IsLeadAsync(turn, "decline a crisis", "crisis.proposal.decline.refused", $"proposal:{proposal.Id}", ct))
        {
            return InvokeResponse.Message("Only crisis leads and admins can decline a proposed crisis. Your attempt was recorded.");
        }

        var declined = await crises.DeclineProposalAsync(proposal.Id, Actor(turn.Activity), ct);
        return InvokeResponse.Card(cards.Proposal(declined!, []));
    }

    /// <summary><see cref="CardVerbs.CrisisRefresh"/>: the crisis card while active, the report after.</summary>
    public async Task<InvokeResponse> RefreshAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(action);
        var crisis = await ReadCrisisAsync(Read<CrisisActionData>(action.Data)?.CrisisId, ct);
        if (crisis is null)
        {
            return InvokeResponse.Message("This crisis no longer exists.");
        }

        return InvokeResponse.Card(crisis.IsActive
            ? cards.Declared(crisis, await crises.GetRolesAsync(crisis.Id, ct))
            : cards.Report(await crises.ReportAsync(crisis, ct)));
    }

    /// <summary><see cref="CardVerbs.CrisisStandDown"/> (leads and admins): reason required; posts the report.</summary>
    public async Task<InvokeResponse> StandDownAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        var data = Read<StandDownData>(action.Data);
        var crisis = await ReadCrisisAsync(data?.CrisisId, ct);
        if (crisis is null)
        {
            return InvokeResponse.Message("This crisis no longer exists.");
        }

        if (!await IsLeadAsync(turn, "stand a crisis down", "crisis.standDown.refused", CrisisService.Subject(crisis.Id), ct))
        {
            return InvokeResponse.Message("Only crisis leads and admins can stand a crisis down. Your attempt was recorded.");
        }

        var (report, refusal) = await crises.StandDownAsync(crisis.Id, data!.StandDownReason, data.Lessons, Actor(turn.Activity), ct);
        return report is { } card ? InvokeResponse.Card(card) : InvokeResponse.Message($"{refusal!.Title}: {refusal.Reason} {refusal.NextStep}");
    }

    /// <summary><see cref="CardVerbs.CrisisSubmitStatusUpdate"/> (leads and admins).</summary>
    public async Task<InvokeResponse> SubmitStatusUpdateAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        var data = Read<StatusUpdateData>(action.Data);
        var crisis = await ReadCrisisAsync(data?.CrisisId, ct);
        if (crisis is null)
        {
            return InvokeResponse.Message("This crisis no longer exists.");
        }

        if (!await IsLeadAsync(turn, "post status updates", "crisis.statusUpdate.refused", CrisisService.Subject(crisis.Id), ct))
        {
            return InvokeResponse.Message("Only crisis leads and admins can post the status update. Your attempt was recorded.");
        }

        var previous = await crises.LatestStatusUpdateAsync(crisis.Id, ct);
        var (update, refusal) = await crises.RecordStatusUpdateAsync(crisis.Id, data!.Request, data.StatusUpdate ?? "", Actor(turn.Activity), ct);
        if (update is null)
        {
            return InvokeResponse.Message($"{refusal!.Title}: {refusal.Reason} {refusal.NextStep}");
        }

        return InvokeResponse.Card(cards.StatusRequest(crisis, data.Request, await crises.GetRolesAsync(crisis.Id, ct), previous, update));
    }

    /// <summary><see cref="CardVerbs.DecisionResolve"/> (leads and admins): records who decided and when.</summary>
    public async Task<InvokeResponse> ResolveDecisionAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        var id = Read<DecisionActionData>(action.Data)?.DecisionId;
        if (!long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var decisionId))
        {
            return InvokeResponse.Message("This card does not say which decision to mark. Type 'decisions' for a fresh list.");
        }

        if (!await IsLeadAsync(turn, "mark decisions", "decision.resolve.refused", $"decision:{decisionId}", ct))
        {
            return InvokeResponse.Message("Only crisis leads and admins can mark a decision as decided. Your attempt was recorded.");
        }

        var (decision, _) = await crises.ResolveDecisionAsync(decisionId, Actor(turn.Activity), ct);
        if (decision is null)
        {
            return InvokeResponse.Message($"There is no decision #{decisionId}.");
        }

        return InvokeResponse.Card(await DecisionsCardAsync(ct));
    }

    /// <summary><see cref="CardVerbs.DecisionsRefresh"/>.</summary>
    public async Task<InvokeResponse> RefreshDecisionsAsync(TurnContext turn, CardAction action, CancellationToken ct) =>
        InvokeResponse.Card(await DecisionsCardAsync(ct));

    // ------------------------------------------------------------------ parsing and helpers

    /// <summary>Parses <c>crisis "&lt;name&gt;" [products…]</c> (straight or curly quotes; without quotes the rest is the name).</summary>
    internal static bool TryParseDeclare(string arguments, out string name, out IReadOnlyList<string> products, out string error)
    {
        name = "";
        products = [];
        error = "";
        var (first, rest) = Split(arguments.Trim());
        if (!string.Equals(first, "crisis", StringComparison.OrdinalIgnoreCase))
        {
            error = $"To declare a crisis type: {DeclareUsage}";
            return false;
        }

        rest = rest.Trim();
        if (rest.Length > 0 && rest[0] is '"' or '\u201C' or '\u201D')
        {
            var close = rest.IndexOfAny(['"', '\u201C', '\u201D'], 1);
            if (close < 0)
            {
                error = $"The crisis name has no closing quote. Type: {DeclareUsage}";
                return false;
            }

            name = rest[1..close].Trim();
            products = rest[(close + 1)..].Split([' ', ','], StringSplitOptions.RemoveEmptyEntries);
        }
        else
        {
            name = rest;
        }

        if (name.Length == 0)
        {
            error = $"The crisis needs a name. Type: {DeclareUsage}";
            return false;
        }

        return true;
    }

    private static async Task ReplyDeclaredAsync(TurnContext turn, DeclareOutcome outcome, CancellationToken ct)
    {
        if (outcome.Refusal is { } refusal)
        {
            var text = outcome.Notes.Count == 0 ? null : string.Join(" ", outcome.Notes);
            await turn.ReplyAsync(NotAllowed(refusal) with { Text = text, TextFormat = text is null ? null : "plain" }, ct);
            return;
        }

        var crisis = outcome.Crisis!;
        var channel = outcome.Channel!;
        var where = channel.Origin == CrisisRecord.OriginGraph
            ? $"I created the crisis channel '{channel.ChannelName}' and posted the crisis card there."
            : $"The crisis card is posted in the linked crisis channel '{channel.ChannelName ?? channel.ChannelId}'.";
        var notes = outcome.Notes.Count == 0 ? "" : " " + string.Join(" ", outcome.Notes);
        await turn.ReplyAsync(PlainText(
            $"Crisis '{crisis.Name}' declared (#{crisis.Id}). {where}{notes} Crisis SLAs apply now; you will be asked for a status update every " +
            $"{crisis.UpdateCadenceHours} h. Stand down with 'stand down'."), ct);
    }

    private async Task ShowAsync(TurnContext turn, CancellationToken ct)
    {
        var active = await crises.GetActiveAsync(ct);
        if (active is null)
        {
            await turn.ReplyAsync(PlainText($"No crisis is active. A crisis lead declares one with: {DeclareUsage}"), ct);
            return;
        }

        // Team load (duty of care) only on the leads' view: with DutyOfCare:NameAgentsInSummary it names agents.
        var load = await policy.IsLeadAsync(turn.Activity, ct) ? await teamLoad.GetTeamLoadAsync(active.DeclaredAt, time.GetUtcNow().AddTicks(1), ct) : null;
        var loadText = load is null ? null : CareTeamLoad.Describe(load);
        await turn.ReplyAsync(OutgoingActivity.WithCard(cards.Declared(active, await crises.GetRolesAsync(active.Id, ct), loadText), $"Crisis: {active.Name}"), ct);
    }

    private async Task RoleAsync(TurnContext turn, string arguments, CancellationToken ct)
    {
        var (first, rest) = Split(arguments);
        var remove = string.Equals(first, "remove", StringComparison.OrdinalIgnoreCase);
        var roleWord = remove ? Split(rest).First : first;
        CrisisRole? role = roleWord.ToLowerInvariant() switch
        {
            "lead" or "leads" => CrisisRole.Lead,
            "comms" => CrisisRole.Comms,
            "approver" or "approvers" => CrisisRole.Approver,
            _ => null,
        };
        var people = MentionedPeople(turn.Activity);
        if (role is null || people.Count == 0)
        {
            await turn.ReplyAsync(PlainText("Usage: crisis role lead|comms|approver @person (or: crisis role remove lead|comms|approver @person)."), ct);
            return;
        }

        if (!await RequireLeadAsync(turn, "assign crisis roles", "crisis.role.refused", "crisis", ct))
        {
            return;
        }

        var actor = Actor(turn.Activity);
        var done = new List<string>();
        foreach (var person in people)
        {
            if (await crises.AssignRoleAsync(role.Value, person, actor, remove, ct) is { } refusal)
            {
                await turn.ReplyAsync(NotAllowed(refusal), ct);
                return;
            }

            done.Add(person.Display);
        }

        await turn.ReplyAsync(PlainText(remove
            ? $"{string.Join(", ", done)} no longer {(done.Count == 1 ? "has" : "have")} the crisis role {CrisisService.Label(role.Value)}."
            : $"{string.Join(", ", done)} {(done.Count == 1 ? "is" : "are")} now crisis {CrisisService.Label(role.Value)}{(done.Count == 1 ? "" : "s")}; the crisis card shows it."), ct);
    }

    private async Task UpdateAsync(TurnContext turn, string text, CancellationToken ct)
    {
        var active = await crises.GetActiveAsync(ct);
        if (active is null)
        {
            await turn.ReplyAsync(NotAllowed(CrisisService.NoActiveRefusal("post status updates")), ct);
            return;
        }

        if (!await RequireLeadAsync(turn, "post status updates", "crisis.statusUpdate.refused", CrisisService.Subject(active.Id), ct))
        {
            return;
        }

        var (update, refusal) = await crises.RecordStatusUpdateAsync(active.Id, 0, text, Actor(turn.Activity), ct);
        await turn.ReplyAsync(update is null ? NotAllowed(refusal!) : PlainText("Status update recorded; it goes into the leadership summary and the stand-down report."), ct);
    }

    private async Task<JsonElement> DecisionsCardAsync(CancellationToken ct)
    {
        var (open, resolved) = await crises.ListDecisionsAsync(ct);
        var active = await crises.GetActiveAsync(ct);
        return cards.Decisions(open, resolved, active?.Name);
    }

    private async Task<bool> RequireLeadAsync(TurnContext turn, string what, string auditAction, string subject, CancellationToken ct)
    {
        if (await IsLeadAsync(turn, what, auditAction, subject, ct))
        {
            return true;
        }

        await turn.ReplyAsync(OutgoingActivity.WithCard(CardJson.ToElement(NotAllowedCard.Build(new NotAllowedCardInput(
            $"You can't {what}",
            "Only crisis leads (Crisis:Leads, or a lead of the active crisis) and CrisisBot admins can do this. Your attempt was recorded.",
            "Ask a crisis lead, or an admin to add you to Crisis:Leads."))), "Not allowed"), ct);
        return false;
    }

    private async Task<bool> IsLeadAsync(TurnContext turn, string what, string auditAction, string subject, CancellationToken ct)
    {
        if (await policy.IsLeadAsync(turn.Activity, ct))
        {
            return true;
        }

        var actor = Actor(turn.Activity);
        CrisisLog.NotLead(logger, auditAction, actor.Id);
        await crises.AuditRefusalAsync(auditAction, actor, subject, $"not a crisis lead or admin: tried to {what}", ct);
        return false;
    }

    private async Task<CrisisProposal?> ReadProposalAsync(CardAction action, CancellationToken ct) =>
        long.TryParse(Read<CrisisProposalData>(action.Data)?.ProposalId, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            ? await crises.FindProposalAsync(id, ct)
            : null;

    private async Task<CrisisRecord?> ReadCrisisAsync(string? id, CancellationToken ct) =>
        int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var crisisId) ? await crises.FindAsync(crisisId, ct) : null;

    private static T? Read<T>(JsonElement data)
        where T : class
    {
        try
        {
            return CardJson.ReadData<T>(data);
        }
        catch (Exception ex) when (ex is JsonException or ArgumentException or InvalidOperationException or NotSupportedException)
        {
            return null;
        }
    }

    private static List<CrisisActor> MentionedPeople(Activity activity) =>
        [.. (activity.Entities ?? [])
            .Where(e => string.Equals(e.Type, "mention", StringComparison.OrdinalIgnoreCase) && e.Mentioned?.Id is { Length: > 0 }
                && !string.Equals(e.Mentioned.Id, activity.Recipient?.Id, StringComparison.Ordinal))
            .Select(e => new CrisisActor(
                string.IsNullOrWhiteSpace(e.Mentioned!.AadObjectId) ? e.Mentioned.Id! : e.Mentioned.AadObjectId, e.Mentioned.Name, e.Mentioned.Id))
            .DistinctBy(p => p.Id)];

    internal static CrisisActor Actor(Activity activity)
    {
        var from = activity.From;
        var id = !string.IsNullOrWhiteSpace(from?.AadObjectId) ? from.AadObjectId : from?.Id;
        return new CrisisActor(string.IsNullOrWhiteSpace(id) ? "unknown" : id, from?.Name, from?.Id);
    }

    private static (string First, string Tail) Split(string text)
    {
        var trimmed = text.Trim();
        var space = trimmed.IndexOfAny([' ', '\t', '\n']);
        return space < 0 ? (trimmed, "") : (trimmed[..space], trimmed[(space + 1)..].Trim());
    }

    private static OutgoingActivity NotAllowed(CrisisRefusal refusal) =>
        OutgoingActivity.WithCard(CardJson.ToElement(NotAllowedCard.Build(new NotAllowedCardInput(refusal.Title, refusal.Reason, refusal.NextStep))), refusal.Title);

    private static OutgoingActivity PlainText(string text) => new() { Text = text, TextFormat = "plain" };
}
