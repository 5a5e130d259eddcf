namespace CrisisBot.Features.Channels;

/// <summary>
/// Everything needed to reach a conversation proactively (teams-protocol.md §10.4): serviceUrl, tenant and ids, plus
/// names for display. One row per personal chat, group chat and team channel, keyed by the base conversation id.
/// </summary>
public sealed class ConversationReference
{
    private ConversationReference()
    {
    }

    /// <summary>Base conversation id; for team channels the channel id (<c>19:…@thread.tacv2</c>).</summary>
    public string ConversationId { get; private set; } = "";

    /// <summary>personal, groupChat or channel.</summary>
    public string Kind { get; private set; } = "";

    public string ServiceUrl { get; private set; } = "";

    public string? TenantId { get; private set; }

    /// <summary>The bot's own id in this conversation (<c>28:…</c>).</summary>
    public string? BotId { get; private set; }

    /// <summary>Team thread id (<c>19:…@thread.tacv2</c>, equal to the General channel id); null outside teams.</summary>
    public string? TeamId { get; private set; }

    /// <summary>The team's Entra group id (what Graph calls the team id).</summary>
    public string? TeamAadGroupId { get; private set; }

    public string? TeamName { get; private set; }

    /// <summary>Channel display name; General comes back without a name from Teams and is stored as "General".</summary>
    public string? ChannelName { get; private set; }

    /// <summary>Group chat topic, when Teams sends one.</summary>
    public string? ConversationName { get; private set; }

    /// <summary>Personal chats: the user's Teams id (<c>29:…</c>).</summary>
    public string? UserId { get; private set; }

    /// <summary>Personal chats: the user's Entra object id.</summary>
    public string? UserAadObjectId { get; private set; }

    /// <summary>False once the bot was uninstalled or removed, or the channel or team was deleted (sends would get 403).</summary>
    public bool IsActive { get; private set; }

    public DateTimeOffset FirstSeen { get; private set; }

    public DateTimeOffset LastSeen { get; private set; }

    public DateTimeOffset? DeactivatedAt { get; private set; }

    /// <summary>When the welcome card was sent for the current installation (cleared on uninstall).</summary>
    public DateTimeOffset? WelcomedAt { get; private set; }

    public static ConversationReference Create(ConversationSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var reference = new ConversationReference
        {
            ConversationId = snapshot.ConversationId,
            FirstSeen = now,
        };
        _ = reference.Apply(snapshot, now);
        return reference;
    }

    /// <summary>Merges what the snapshot knows, marks the reference active and seen now.</summary>
    /// <returns>True when the reference was inactive before (a new install or a re-install).</returns>
    public bool Apply(ConversationSnapshot snapshot, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!string.Equals(snapshot.ConversationId, ConversationId, StringComparison.Ordinal))
        {
            throw new ArgumentException($"Snapshot for {snapshot.ConversationId} applied to {ConversationId}.", nameof(snapshot));
        }

        var reactivated = !IsActive;
        Kind = snapshot.Kind;
        ServiceUrl = snapshot.ServiceUrl;
        TenantId = snapshot.TenantId ?? TenantId;
        BotId = snapshot.BotId ?? BotId;
        TeamId = snapshot.TeamId ?? TeamId;
        TeamAadGroupId = snapshot.TeamAadGroupId ?? TeamAadGroupId;
        TeamName = snapshot.TeamName ?? TeamName;
        ChannelName = snapshot.ChannelName ?? ChannelName;
        ConversationName = snapshot.ConversationName ?? ConversationName;
        UserId = snapshot.UserId ?? UserId;
        UserAadObjectId = snapshot.UserAadObjectId ?? UserAadObjectId;
        IsActive = true;
        DeactivatedAt = null;
        LastSeen = now;
        return reactivated;
    }

    public void Deactivate(DateTimeOffset now)
    {
        if (!IsActive)
        {
            return;
        }

        IsActive = false;
        DeactivatedAt = now;
        WelcomedAt = null;
        LastSeen = now;
    }

    public void RenameChannel(string name, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ChannelName = name;
        LastSeen = now;
    }

    public void RenameTeam(string name, DateTimeOffset now)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        TeamName = name;
        LastSeen = now;
    }
}
