namespace CrisisBot.Infrastructure.Storage;

/// <summary>One line of the audit trail: who did what to which subject, when. Append-only.</summary>
public sealed class AuditEntry
{
    private AuditEntry()
    {
    }

    public long Id { get; private set; }

    public DateTimeOffset At { get; private set; }

    /// <summary>Dotted action name, e.g. <c>channel.link</c>, <c>channel.relink</c>, <c>channel.unlink</c>.</summary>
    public string Action { get; private set; } = "";

    /// <summary>The actor's Entra object id when known, otherwise the Teams user id (29:…).</summary>
    public string ActorId { get; private set; } = "";

    public string? ActorName { get; private set; }

    /// <summary>What was acted on, e.g. <c>approvers</c> or <c>product:contoso-phone</c>.</summary>
    public string Subject { get; private set; } = "";

    /// <summary>Human-readable details (channel, team, previous value).</summary>
    public string? Details { get; private set; }

    public static AuditEntry Create(DateTimeOffset at, string action, string actorId, string? actorName, string subject, string? details)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(action);
        ArgumentException.ThrowIfNullOrWhiteSpace(actorId);
        ArgumentException.ThrowIfNullOrWhiteSpace(subject);
        return new AuditEntry { At = at, Action = action, ActorId = actorId, ActorName = actorName, Subject = subject, Details = details };
    }
}
