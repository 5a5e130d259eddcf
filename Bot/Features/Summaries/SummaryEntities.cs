using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.Summaries;

/// <summary>
/// One generated leadership summary (table <c>Summaries</c>): the period, when, the card input as JSON (the card is
/// re-rendered from it with the acknowledgements), and where it was posted.
/// </summary>
public sealed class StoredSummary
{
    public const string TriggerScheduled = "scheduled";
    public const string TriggerOnDemand = "on-demand";

    /// <summary>32 hex characters (random): also the chart id in <c>/charts/{id}.png</c>.</summary>
    public string Id { get; set; } = "";

    public SummaryPeriod Period { get; set; }

    public DateTimeOffset PeriodStart { get; set; }

    public DateTimeOffset PeriodEnd { get; set; }

    public DateTimeOffset GeneratedAt { get; set; }

    /// <summary><see cref="TriggerScheduled"/> or <see cref="TriggerOnDemand"/>.</summary>
    public string Trigger { get; set; } = "";

    public string? RequestedById { get; set; }

    public string? RequestedByName { get; set; }

    /// <summary>The <see cref="SummaryContent"/> JSON (card input without acknowledgements, chart series, mail facts).</summary>
    public string InputJson { get; set; } = "";

    public string ServiceUrl { get; set; } = "";

    public string TenantId { get; set; } = "";

    /// <summary>The channel (channel post) or the conversation (personal chat reply) it went to.</summary>
    public string ConversationId { get; set; } = "";

    /// <summary>True for a channel post (updatable by card id through the outbox), false for a reply in a chat.</summary>
    public bool IsChannelPost { get; set; }

    /// <summary>Outbox card id of the channel post.</summary>
    public string CardId => "summary:" + Id;

    /// <summary>Why no e-mail went out (null when it did or none was configured to).</summary>
    public string? MailNote { get; set; }

    public DateTimeOffset? MailedAt { get; set; }
}

/// <summary>Who acknowledged a summary (table <c>SummaryAcknowledgements</c>); one row per user per summary.</summary>
public sealed class SummaryAcknowledgementRecord
{
    public long Id { get; set; }

    public string SummaryId { get; set; } = "";

    /// <summary>Entra object id when known, else the Teams user id.</summary>
    public string UserId { get; set; } = "";

    public string Name { get; set; } = "";

    public DateTimeOffset At { get; set; }
}

/// <summary>The generated chart-signing key when <c>Summaries:ChartSigningKey</c> is not configured (table <c>SummaryKeys</c>).</summary>
public sealed class SummaryKey
{
    public const int ChartKeyId = 1;

    public int Id { get; set; }

    /// <summary>Base64 of 32 random bytes.</summary>
    public string Key { get; set; } = "";

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class StoredSummaryConfiguration : IEntityTypeConfiguration<StoredSummary>
{
    public void Configure(EntityTypeBuilder<StoredSummary> builder)
    {
        builder.ToTable("Summaries");
        builder.HasKey(s => s.Id);
        builder.Property(s => s.Id).HasMaxLength(32).ValueGeneratedNever();
        builder.Property(s => s.Period).HasConversion<string>().HasMaxLength(16);
        builder.Property(s => s.Trigger).HasMaxLength(16).IsRequired();
        builder.Property(s => s.RequestedById).HasMaxLength(256);
        builder.Property(s => s.RequestedByName).HasMaxLength(256);
        builder.Property(s => s.InputJson).IsRequired();
        builder.Property(s => s.ServiceUrl).HasMaxLength(512).IsRequired();
        builder.Property(s => s.TenantId).HasMaxLength(128).IsRequired();
        builder.Property(s => s.ConversationId).HasMaxLength(600).IsRequired();
        builder.Property(s => s.MailNote).HasMaxLength(1000);
        builder.Ignore(s => s.CardId);
        builder.HasIndex(s => s.GeneratedAt);
    }
}

internal sealed class SummaryAcknowledgementConfiguration : IEntityTypeConfiguration<SummaryAcknowledgementRecord>
{
    public void Configure(EntityTypeBuilder<SummaryAcknowledgementRecord> builder)
    {
        builder.ToTable("SummaryAcknowledgements");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Id).ValueGeneratedOnAdd();
        builder.Property(a => a.SummaryId).HasMaxLength(32).IsRequired();
        builder.Property(a => a.UserId).HasMaxLength(256).IsRequired();
        builder.Property(a => a.Name).HasMaxLength(256).IsRequired();
        builder.HasIndex(a => new { a.SummaryId, a.UserId }).IsUnique();
        builder.HasOne<StoredSummary>().WithMany().HasForeignKey(a => a.SummaryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class SummaryKeyConfiguration : IEntityTypeConfiguration<SummaryKey>
{
    public void Configure(EntityTypeBuilder<SummaryKey> builder)
    {
        builder.ToTable("SummaryKeys");
        builder.HasKey(k => k.Id);
        builder.Property(k => k.Id).ValueGeneratedNever();
        builder.Property(k => k.Key).HasMaxLength(128).IsRequired();
    }
}
