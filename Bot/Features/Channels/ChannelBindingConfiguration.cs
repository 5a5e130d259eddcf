using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.Channels;

internal sealed class ChannelBindingConfiguration : IEntityTypeConfiguration<ChannelBinding>
{
    public void Configure(EntityTypeBuilder<ChannelBinding> builder)
    {
        builder.ToTable("ChannelBindings");
        builder.HasKey(b => new { b.Role, b.ProductKey });
        builder.Ignore(b => b.Key);
        builder.Property(b => b.Role).HasConversion<string>().HasMaxLength(32);
        builder.Property(b => b.ProductKey).HasMaxLength(64);
        builder.Property(b => b.ChannelId).HasMaxLength(512).IsRequired();
        builder.Property(b => b.ChannelName).HasMaxLength(256);
        builder.Property(b => b.TeamId).HasMaxLength(512).IsRequired();
        builder.Property(b => b.TeamName).HasMaxLength(256);
        builder.Property(b => b.ServiceUrl).HasMaxLength(1024).IsRequired();
        builder.Property(b => b.TenantId).HasMaxLength(64).IsRequired();
        builder.Property(b => b.LinkedById).HasMaxLength(256).IsRequired();
        builder.Property(b => b.LinkedByName).HasMaxLength(256);
        builder.Property(b => b.AnnouncementConversationId).HasMaxLength(600);
        builder.Property(b => b.AnnouncementActivityId).HasMaxLength(128);
        builder.HasIndex(b => b.ChannelId);
    }
}
