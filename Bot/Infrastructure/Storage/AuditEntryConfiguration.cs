using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Infrastructure.Storage;

internal sealed class AuditEntryConfiguration : IEntityTypeConfiguration<AuditEntry>
{
    public void Configure(EntityTypeBuilder<AuditEntry> builder)
    {
        builder.ToTable("AuditEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.Action).HasMaxLength(64).IsRequired();
        builder.Property(e => e.ActorId).HasMaxLength(256).IsRequired();
        builder.Property(e => e.ActorName).HasMaxLength(256);
        builder.Property(e => e.Subject).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Details).HasMaxLength(2000);
        builder.HasIndex(e => e.At);
    }
}
