using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.HotTopics.Cards;

internal sealed class TopicCardConfiguration : IEntityTypeConfiguration<TopicCard>
{
    public void Configure(EntityTypeBuilder<TopicCard> builder)
    {
        builder.ToTable("TopicCards");
        builder.HasKey(c => c.TopicId);
        builder.Property(c => c.TopicId).ValueGeneratedNever();
        builder.Property(c => c.ProductKey).HasMaxLength(64).IsRequired();
        builder.Property(c => c.Title).HasMaxLength(512).IsRequired();
        builder.Property(c => c.State).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.Severity).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.MutedAtSeverity).HasConversion<string>().HasMaxLength(16);
        builder.Property(c => c.ContentJson).IsRequired();
        builder.Property(c => c.MutedById).HasMaxLength(256);
        builder.Property(c => c.MutedByName).HasMaxLength(256);
        builder.Property(c => c.ResolvedById).HasMaxLength(256);
        builder.Property(c => c.ResolvedByName).HasMaxLength(256);
        builder.Property(c => c.MergedIntoTitle).HasMaxLength(512);
        builder.Ignore(c => c.HasPending);
    }
}

internal sealed class TopicCardPostConfiguration : IEntityTypeConfiguration<TopicCardPost>
{
    public void Configure(EntityTypeBuilder<TopicCardPost> builder)
    {
        builder.ToTable("TopicCardPosts");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Role).HasMaxLength(16).IsRequired();
        builder.Property(p => p.CardId).HasMaxLength(128).IsRequired();
        builder.Property(p => p.ChannelId).HasMaxLength(512).IsRequired();
        builder.Property(p => p.ServiceUrl).HasMaxLength(1024).IsRequired();
        builder.Property(p => p.TenantId).HasMaxLength(64).IsRequired();
        builder.HasIndex(p => p.CardId).IsUnique();
        builder.HasIndex(p => new { p.TopicId, p.Spike });
    }
}
