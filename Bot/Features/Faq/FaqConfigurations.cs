using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.Faq;

internal sealed class FaqVersionConfiguration : IEntityTypeConfiguration<FaqVersion>
{
    public void Configure(EntityTypeBuilder<FaqVersion> builder)
    {
        builder.ToTable("FaqVersions");
        builder.HasKey(v => v.Id);
        builder.Property(v => v.Id).ValueGeneratedOnAdd();
        builder.Property(v => v.Trigger).HasConversion<string>().HasMaxLength(16);
        builder.Property(v => v.TriggeredBy).HasMaxLength(500).IsRequired();
        builder.Property(v => v.ContentHash).HasMaxLength(64).IsRequired();
        builder.HasIndex(v => v.Number).IsUnique();
        builder.HasIndex(v => v.PublishedAt);
        builder.HasMany(v => v.Entries).WithOne().HasForeignKey(e => e.VersionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class FaqEntryConfiguration : IEntityTypeConfiguration<FaqEntry>
{
    public void Configure(EntityTypeBuilder<FaqEntry> builder)
    {
        builder.ToTable("FaqEntries");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Ignore(e => e.Anchor);
        builder.Property(e => e.ProductKey).HasMaxLength(64).IsRequired();
        builder.Property(e => e.ProductName).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Question).HasMaxLength(2000).IsRequired();
        builder.Property(e => e.CustomerReply).HasMaxLength(4000).IsRequired();
        builder.Property(e => e.ShortReply).HasMaxLength(280).IsRequired();
        builder.HasIndex(e => new { e.VersionId, e.Position }).IsUnique();
    }
}
