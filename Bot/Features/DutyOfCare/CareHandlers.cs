using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;
using CrisisBot.Features.Crisis;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.DutyOfCare;

/// <summary>
/// The break prompt's buttons: "Take N minutes", "Ask for a call" (tells the active crisis's leads privately) and "Not now".
/// Only the prompted agent can answer; anyone else is refused, nothing changes, and the attempt is audited.
/// </summary>
public sealed class CareHandlers(IDbContextFactory<CrisisDbContext> contexts, ICrisisState crisis, IOutbox outbox, TimeProvider time, ILogger<CareHandlers> logger)
{
    public const int MaxNote = 500;

    public Task<InvokeResponse> TakeBreakAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        var data = Read<TakeBreakData>(action.Data);
        if (data is not null && data.Minutes is < 5 or > 120)
        {
            return Task.FromResult(InvokeResponse.Message("A break is between 5 and 120 minutes; nothing was recorded."));
        }

        return AnswerAsync(turn.Activity, data?.PromptId, CareAnswer.TakingBreak, data?.Minutes, null, CardVerbs.DutyTakeBreak, ct);
    }

    public Task<InvokeResponse> RequestSupportAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        var data = Read<DutyOfCareData>(action.Data);
        if (data?.SupportNote is { Length: > MaxNote } note)
        {
            return Task.FromResult(InvokeResponse.Message($"The note is {note.Length} characters; keep it to {MaxNote}. Nothing was sent."));
        }

        return AnswerAsync(turn.Activity, data?.PromptId, CareAnswer.AskedForSupport, null, data?.SupportNote, CardVerbs.DutyRequestSupport, ct);
    }

    public Task<InvokeResponse> DismissAsync(TurnContext turn, CardAction action, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(action);
        return AnswerAsync(turn.Activity, Read<DutyOfCareData>(action.Data)?.PromptId, CareAnswer.NotNow, null, null, CardVerbs.DutyDismiss, ct);
    }

    private async Task<InvokeResponse> AnswerAsync(Activity activity, string? key, CareAnswer answer, int? minutes, string? note, string verb, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return InvokeResponse.Message("This check-in card is missing its id; nothing was recorded.");
        }

        key = key.Trim();
        await using var db = await contexts.CreateDbContextAsync(ct);
        var prompt = await db.Set<CarePrompt>().SingleOrDefaultAsync(p => p.Key == key, ct);
        if (prompt is null)
        {
            return InvokeResponse.Message("This check-in is no longer available; nothing was recorded.");
        }

        var now = time.GetUtcNow();
        var aad = activity.From?.AadObjectId;
        var userId = activity.From?.Id;
        var mine = (!string.IsNullOrWhiteSpace(aad) && string.Equals(aad, prompt.AgentId, StringComparison.OrdinalIgnoreCase))
                   || (!string.IsNullOrWhiteSpace(userId) && (string.Equals(userId, prompt.UserId, StringComparison.Ordinal) || string.Equals(userId, prompt.AgentId, StringComparison.Ordinal)));
        if (!mine)
        {
            var actorId = string.IsNullOrWhiteSpace(aad) ? userId ?? "unknown" : aad;
            db.Add(AuditEntry.Create(now, verb + ".refused", actorId, activity.From?.Name, "care-prompt:" + prompt.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), "not the prompted agent"));
            await db.SaveChangesAsync(ct);
            CareLog.Refused(logger, verb, prompt.Id.ToString(System.Globalization.CultureInfo.InvariantCulture), actorId);
            return InvokeResponse.Message("This check-in was sent to someone else, so only they can answer it. Nothing was recorded.");
        }

        prompt.Answer = answer;
        prompt.AnsweredAt = now;
        prompt.BreakMinutes = answer == CareAnswer.TakingBreak ? minutes : null;
        var reply = answer switch
        {
            CareAnswer.TakingBreak => $"Enjoy your {minutes ?? 15} minutes. Your break is recorded so your queue can be covered.",
            CareAnswer.NotNow => "OK. You can take a break or ask for a call at any time.",
            _ => "",
        };
        if (answer == CareAnswer.AskedForSupport)
        {
            reply = await NotifyLeadsAsync(db, activity, prompt, note, ct);
        }

        await db.SaveChangesAsync(ct);
        CareLog.Answered(logger, answer.ToString());
        return InvokeResponse.Message(reply);
    }

    /// <summary>Tells the active crisis's leads (private 1:1) that the agent asked for a call; returns the sentence for the agent.</summary>
    private async Task<string> NotifyLeadsAsync(CrisisDbContext db, Activity activity, CarePrompt prompt, string? note, CancellationToken ct)
    {
        var active = await crisis.GetActiveAsync(ct);
        var leads = active is null
            ? []
            : await db.Set<CrisisRoleAssignment>().AsNoTracking()
                .Where(r => r.CrisisId == active.Id && r.Role == CrisisRole.Lead && r.RemovedAt == null && r.TeamsUserId != null)
                .ToListAsync(ct);
        var serviceUrl = activity.ServiceUrl;
        var tenant = activity.ChannelData?.Tenant?.Id ?? activity.Conversation?.TenantId;
        if (leads.Count == 0 || string.IsNullOrWhiteSpace(serviceUrl) || string.IsNullOrWhiteSpace(tenant))
        {
            return "Recorded. No crisis lead is on record right now, so please reach out to your team lead directly; asking is always fine.";
        }

        var text = $"{prompt.Name} would like a call (duty of care check-in)." + (string.IsNullOrWhiteSpace(note) ? "" : $" Their note: {note.Trim()}");
        foreach (var lead in leads)
        {
            outbox.Enqueue(db, OutboxRequest.NotifyPerson(serviceUrl, tenant, lead.TeamsUserId!, new OutgoingActivity { Text = text, TextFormat = "plain" }));
        }

        var names = string.Join(", ", leads.Select(l => l.Name ?? "the crisis lead").Distinct(StringComparer.Ordinal));
        return $"Done: {names} will get in touch with you. Only they were told.";
    }

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
}
