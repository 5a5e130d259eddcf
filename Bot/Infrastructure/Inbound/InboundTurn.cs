using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Infrastructure.Inbound;

public enum InboundTurnStatus
{
    /// <summary>Stored, not finished: queued, running, or waiting for a retry.</summary>
    Pending = 0,

    /// <summary>The turn ran to its end (kept for <c>Bot:InboundRetention</c> so a re-delivery is recognised).</summary>
    Done = 1,

    /// <summary>Failed <c>Bot:InboundMaxAttempts</c> times; kept for the admins.</summary>
    Dead = 2,
}

/// <summary>
/// One inbound non-invoke activity, committed before the endpoint answers 200 and marked done when its turn ends.
/// <see cref="Key"/> (conversation + activity id) makes a second delivery of the same activity a no-op.
/// </summary>
public sealed class InboundTurn
{
    public long Id { get; set; }

    /// <summary>SHA-256 (hex) of the conversation id and the activity id; a random value when the activity has no id.</summary>
    public string Key { get; set; } = "";

    public string? ActivityId { get; set; }

    public string? ConversationId { get; set; }

    public string Type { get; set; } = "";

    /// <summary>The activity as JSON (ProtocolJsonContext, unknown fields kept).</summary>
    public string Payload { get; set; } = "";

    public InboundTurnStatus Status { get; set; }

    /// <summary>Failed runs, plus runs cut short by a crash (counted when the turn is taken over).</summary>
    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    /// <summary>The instance holding the turn (queued or running), renewed while it lives; null when free to take.</summary>
    public string? LeaseOwner { get; set; }

    public DateTimeOffset? LeaseUntil { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    public DateTimeOffset? CompletedAt { get; set; }
}

internal sealed class InboundTurnConfiguration : IEntityTypeConfiguration<InboundTurn>
{
    public void Configure(EntityTypeBuilder<InboundTurn> builder)
    {
        builder.ToTable("InboundTurns");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedOnAdd();
        builder.Property(t => t.Key).HasMaxLength(64).IsRequired();
        builder.HasIndex(t => t.Key).IsUnique();
        builder.Property(t => t.ActivityId).HasMaxLength(256);
        builder.Property(t => t.ConversationId).HasMaxLength(600);
        builder.Property(t => t.Type).HasMaxLength(64).IsRequired();
        builder.Property(t => t.Payload).IsRequired();
        builder.Property(t => t.LeaseOwner).HasMaxLength(128);
        builder.Property(t => t.LastError).HasMaxLength(2000);

        // The sweep: due pending rows; the retention: old done rows.
        builder.HasIndex(t => new { t.Status, t.NextAttemptAt });
        builder.HasIndex(t => t.LeaseOwner);
    }
}
