using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.Channels;

internal sealed class ConversationReferenceConfiguration : IEntityTypeConfiguration<ConversationReference>
{
    public void Configure(EntityTypeBuilder<ConversationReference> builder)
    {
        builder.ToTable("ConversationReferences");
        builder.HasKey(r => r.ConversationId);
        builder.Property(r => r.ConversationId).HasMaxLength(512);
        builder.Property(r => r.Kind).HasMaxLength(32).IsRequired();
        builder.Property(r => r.ServiceUrl).HasMaxLength(1024).IsRequired();
        builder.Property(r => r.TenantId).HasMaxLength(64);
        builder.Property(r => r.BotId).HasMaxLength(256);
        builder.Property(r => r.TeamId).HasMaxLength(512);
        builder.Property(r => r.TeamAadGroupId).HasMaxLength(64);
        builder.Property(r => r.TeamName).HasMaxLength(256);
        builder.Property(r => r.ChannelName).HasMaxLength(256);
        builder.Property(r => r.ConversationName).HasMaxLength(256);
        builder.Property(r => r.UserId).HasMaxLength(256);
        builder.Property(r => r.UserAadObjectId).HasMaxLength(64);
        builder.HasIndex(r => r.TeamId);
        builder.HasIndex(r => new { r.Kind, r.IsActive });
    }
}
