using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Infrastructure.Outbox;

internal sealed class OutboxMessageConfiguration : IEntityTypeConfiguration<OutboxMessage>
{
    public void Configure(EntityTypeBuilder<OutboxMessage> builder)
    {
        builder.ToTable("OutboxMessages");
        builder.HasKey(m => m.Id);
        builder.Property(m => m.Id).ValueGeneratedOnAdd();
        builder.Property(m => m.Key).HasMaxLength(32).IsRequired();
        builder.HasIndex(m => m.Key).IsUnique();
        builder.Property(m => m.TenantId).HasMaxLength(128).IsRequired();
        builder.Property(m => m.ServiceUrl).HasMaxLength(512).IsRequired();
        builder.Property(m => m.ConversationKey).HasMaxLength(600).IsRequired();
        builder.Property(m => m.ConversationId).HasMaxLength(600);
        builder.Property(m => m.ActivityId).HasMaxLength(128);
        builder.Property(m => m.CardId).HasMaxLength(256);
        builder.Property(m => m.CoalesceKey).HasMaxLength(300);
        builder.Property(m => m.UserId).HasMaxLength(256);
        builder.Property(m => m.Payload).IsRequired();
        builder.Property(m => m.LeaseOwner).HasMaxLength(128);
        builder.Property(m => m.LastError).HasMaxLength(2000);
        builder.Property(m => m.ResultConversationId).HasMaxLength(600);
        builder.Property(m => m.ResultActivityId).HasMaxLength(128);

        // The claim query: due pending rows and expired leases, oldest first.
        builder.HasIndex(m => new { m.Status, m.NextAttemptAt });
        builder.HasIndex(m => m.CoalesceKey);
        builder.HasIndex(m => m.CardId);
    }
}

internal sealed class CardMessageConfiguration : IEntityTypeConfiguration<CardMessage>
{
    public void Configure(EntityTypeBuilder<CardMessage> builder)
    {
        builder.ToTable("CardMessages");
        builder.HasKey(c => c.CardId);
        builder.Property(c => c.CardId).HasMaxLength(256);
        builder.Property(c => c.ConversationId).HasMaxLength(600).IsRequired();
        builder.Property(c => c.ActivityId).HasMaxLength(128).IsRequired();
        builder.Property(c => c.ServiceUrl).HasMaxLength(512).IsRequired();
    }
}
