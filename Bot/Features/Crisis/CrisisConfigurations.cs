using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.Crisis;

internal sealed class CrisisRecordConfiguration : IEntityTypeConfiguration<CrisisRecord>
{
    public void Configure(EntityTypeBuilder<CrisisRecord> builder)
    {
        builder.ToTable("Crises");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedOnAdd();
        builder.Property(c => c.Name).HasMaxLength(CrisisRecord.MaxNameLength).IsRequired();
        builder.Property(c => c.ProductKeys).HasMaxLength(2000).IsRequired();
        builder.Property(c => c.Reason).HasMaxLength(1000).IsRequired();
        builder.Property(c => c.Status).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(c => c.ActiveSlot).IsUnique();
        builder.Property(c => c.DeclaredById).HasMaxLength(256).IsRequired();
        builder.Property(c => c.DeclaredByName).HasMaxLength(256);
        builder.Property(c => c.ChannelId).HasMaxLength(600).IsRequired();
        builder.Property(c => c.ChannelName).HasMaxLength(256);
        builder.Property(c => c.TeamId).HasMaxLength(600).IsRequired();
        builder.Property(c => c.ServiceUrl).HasMaxLength(512).IsRequired();
        builder.Property(c => c.TenantId).HasMaxLength(128).IsRequired();
        builder.Property(c => c.ChannelOrigin).HasMaxLength(16).IsRequired();
        builder.Property(c => c.WarRoomUrl).HasMaxLength(2000);
        builder.Property(c => c.StoodDownById).HasMaxLength(256);
        builder.Property(c => c.StoodDownByName).HasMaxLength(256);
        builder.Property(c => c.StandDownReason).HasMaxLength(1000);
        builder.Property(c => c.Lessons).HasMaxLength(4000);
        builder.Ignore(c => c.CardId);
        builder.Ignore(c => c.Products);
        builder.Ignore(c => c.IsActive);
    }
}

internal sealed class CrisisRoleAssignmentConfiguration : IEntityTypeConfiguration<CrisisRoleAssignment>
{
    public void Configure(EntityTypeBuilder<CrisisRoleAssignment> builder)
    {
        builder.ToTable("CrisisRoles");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.Id).ValueGeneratedOnAdd();
        builder.Property(r => r.Role).HasConversion<string>().HasMaxLength(16);
        builder.Property(r => r.UserId).HasMaxLength(256).IsRequired();
        builder.Property(r => r.TeamsUserId).HasMaxLength(256);
        builder.Property(r => r.Name).HasMaxLength(256);
        builder.Property(r => r.AssignedById).HasMaxLength(256).IsRequired();
        builder.HasIndex(r => r.CrisisId);
        builder.HasOne<CrisisRecord>().WithMany().HasForeignKey(r => r.CrisisId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CrisisProposalConfiguration : IEntityTypeConfiguration<CrisisProposal>
{
    public void Configure(EntityTypeBuilder<CrisisProposal> builder)
    {
        builder.ToTable("CrisisProposals");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedOnAdd();
        builder.Property(p => p.TopicId).HasMaxLength(128).IsRequired();
        builder.Property(p => p.TopicTitle).HasMaxLength(256).IsRequired();
        builder.Property(p => p.Product).HasMaxLength(128);
        builder.Property(p => p.ProposedById).HasMaxLength(256).IsRequired();
        builder.Property(p => p.ProposedByName).HasMaxLength(256);
        builder.Property(p => p.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(p => p.DecidedById).HasMaxLength(256);
        builder.Property(p => p.DecidedByName).HasMaxLength(256);
        builder.Ignore(p => p.CardId);
        builder.HasIndex(p => new { p.TopicId, p.Status });
    }
}

internal sealed class CrisisDecisionConfiguration : IEntityTypeConfiguration<CrisisDecision>
{
    public void Configure(EntityTypeBuilder<CrisisDecision> builder)
    {
        builder.ToTable("CrisisDecisions");
        builder.HasKey(d => d.Id);
        builder.Property(d => d.Id).ValueGeneratedOnAdd();
        builder.Property(d => d.Text).HasMaxLength(CrisisDecision.MaxTextLength).IsRequired();
        builder.Property(d => d.RaisedById).HasMaxLength(256).IsRequired();
        builder.Property(d => d.RaisedByName).HasMaxLength(256);
        builder.Property(d => d.ResolvedById).HasMaxLength(256);
        builder.Property(d => d.ResolvedByName).HasMaxLength(256);
        builder.Ignore(d => d.IsOpen);
        builder.HasIndex(d => new { d.CrisisId, d.ResolvedAt });
        builder.HasOne<CrisisRecord>().WithMany().HasForeignKey(d => d.CrisisId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class CrisisStatusUpdateConfiguration : IEntityTypeConfiguration<CrisisStatusUpdate>
{
    public void Configure(EntityTypeBuilder<CrisisStatusUpdate> builder)
    {
        builder.ToTable("CrisisStatusUpdates");
        builder.HasKey(u => u.Id);
        builder.Property(u => u.Id).ValueGeneratedOnAdd();
        builder.Property(u => u.Text).HasMaxLength(CrisisStatusUpdate.MaxTextLength).IsRequired();
        builder.Property(u => u.AuthorId).HasMaxLength(256).IsRequired();
        builder.Property(u => u.AuthorName).HasMaxLength(256);
        builder.HasIndex(u => u.CrisisId);
        builder.HasOne<CrisisRecord>().WithMany().HasForeignKey(u => u.CrisisId).OnDelete(DeleteBehavior.Restrict);
    }
}
