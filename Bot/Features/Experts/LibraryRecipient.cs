namespace CrisisBot.Features.Experts;

/// <summary>An agent who received or used a library entry: told when it is superseded.</summary>
public sealed class LibraryRecipient
{
    public long Id { get; internal set; }

    public long EntryId { get; internal set; }

    public string UserId { get; internal set; } = "";

    public string Name { get; internal set; } = "";

    public string ServiceUrl { get; internal set; } = "";

    public string TenantId { get; internal set; } = "";

    public string ConversationId { get; internal set; } = "";

    public DateTimeOffset? ReceivedAt { get; internal set; }

    public int UsedCount { get; internal set; }

    public DateTimeOffset? LastUsedAt { get; internal set; }
}
