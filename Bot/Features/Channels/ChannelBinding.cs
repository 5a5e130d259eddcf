namespace CrisisBot.Features.Channels;

/// <summary>
/// A channel linked to a role (and, for <see cref="ChannelRole.Product"/>, a product key). One binding per
/// (role, product key): linking again moves it.
/// </summary>
public sealed class ChannelBinding
{
    private ChannelBinding()
    {
    }

    public ChannelRole Role { get; private set; }

    /// <summary>Lower-case product key for <see cref="ChannelRole.Product"/>; empty for every other role.</summary>
    public string ProductKey { get; private set; } = "";

    public string ChannelId { get; private set; } = "";

    public string? ChannelName { get; private set; }

    public string TeamId { get; private set; } = "";

    public string? TeamName { get; private set; }

    public string ServiceUrl { get; private set; } = "";

    public string TenantId { get; private set; } = "";

    /// <summary>Entra object id of the admin who linked it (or their Teams id when Teams sent none).</summary>
    public string LinkedById { get; private set; } = "";

    public string? LinkedByName { get; private set; }

    public DateTimeOffset LinkedAt { get; private set; }

    /// <summary>Conversation id of the "this channel now receives …" post (<c>19:…;messageid=n</c>).</summary>
    public string? AnnouncementConversationId { get; private set; }

    public string? AnnouncementActivityId { get; private set; }

    public ChannelBindingKey Key => new(Role, ProductKey);

    public static ChannelBinding Create(ChannelBindingKey key, ChannelTarget target, ChannelActor actor, DateTimeOffset now)
    {
        var binding = new ChannelBinding { Role = key.Role, ProductKey = key.ProductKey };
        binding.MoveTo(target, actor, now);
        return binding;
    }

    /// <summary>Points the binding at <paramref name="target"/>; the previous announcement ids no longer apply.</summary>
    public void MoveTo(ChannelTarget target, ChannelActor actor, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(actor);
        ChannelId = target.ChannelId;
        ChannelName = target.ChannelName;
        TeamId = target.TeamId;
        TeamName = target.TeamName;
        ServiceUrl = target.ServiceUrl;
        TenantId = target.TenantId;
        LinkedById = actor.Id;
        LinkedByName = actor.Name;
        LinkedAt = now;
        AnnouncementConversationId = null;
        AnnouncementActivityId = null;
    }

    public void RecordAnnouncement(string? conversationId, string? activityId)
    {
        AnnouncementConversationId = conversationId;
        AnnouncementActivityId = activityId;
    }
}
