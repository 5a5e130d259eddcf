using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.Experts;

internal sealed class ExpertQuestionConfiguration : IEntityTypeConfiguration<ExpertQuestion>
{
    public void Configure(EntityTypeBuilder<ExpertQuestion> builder)
    {
        builder.ToTable("ExpertQuestions");
        builder.HasKey(q => q.Id);
        builder.Ignore(q => q.CardId);
        builder.Ignore(q => q.ReviewCardId);
        builder.Ignore(q => q.IsOpen);
        builder.Property(q => q.ProductKey).HasMaxLength(64).IsRequired();
        builder.Property(q => q.TopicId).HasMaxLength(128);
        builder.Property(q => q.TopicTitle).HasMaxLength(512);
        builder.Property(q => q.Text).HasMaxLength(2000).IsRequired();
        builder.Property(q => q.Terms).HasMaxLength(2000).IsRequired();
        builder.Property(q => q.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(q => q.AskedById).HasMaxLength(256).IsRequired();
        builder.Property(q => q.AskedByName).HasMaxLength(256).IsRequired();
        builder.Property(q => q.ChannelId).HasMaxLength(512).IsRequired();
        builder.Property(q => q.ServiceUrl).HasMaxLength(1024).IsRequired();
        builder.Property(q => q.TenantId).HasMaxLength(64).IsRequired();
        builder.Property(q => q.ChangesRequested).HasMaxLength(2000);
        builder.Property(q => q.Decisions).HasMaxLength(8000).IsRequired();
        builder.Property(q => q.SupersedeReason).HasMaxLength(2000);
        builder.Property(q => q.SupersedeById).HasMaxLength(256);
        builder.Property(q => q.SupersedeByName).HasMaxLength(256);
        builder.Property(q => q.Revision).IsConcurrencyToken();
        builder.HasIndex(q => new { q.Status, q.ProductKey });
        builder.HasIndex(q => q.TopicId);
    }
}

internal sealed class QuestionWaiterConfiguration : IEntityTypeConfiguration<QuestionWaiter>
{
    public void Configure(EntityTypeBuilder<QuestionWaiter> builder)
    {
        builder.ToTable("ExpertQuestionWaiters");
        builder.HasKey(w => w.Id);
        builder.Property(w => w.UserId).HasMaxLength(256).IsRequired();
        builder.Property(w => w.AadObjectId).HasMaxLength(64);
        builder.Property(w => w.Name).HasMaxLength(256).IsRequired();
        builder.Property(w => w.ServiceUrl).HasMaxLength(1024).IsRequired();
        builder.Property(w => w.TenantId).HasMaxLength(64).IsRequired();
        builder.Property(w => w.ConversationId).HasMaxLength(600).IsRequired();
        builder.HasIndex(w => new { w.QuestionId, w.UserId }).IsUnique();
        builder.HasOne<ExpertQuestion>().WithMany().HasForeignKey(w => w.QuestionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExpertAnswerConfiguration : IEntityTypeConfiguration<ExpertAnswer>
{
    public void Configure(EntityTypeBuilder<ExpertAnswer> builder)
    {
        builder.ToTable("ExpertAnswers");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Facts).HasMaxLength(4000).IsRequired();
        builder.Property(a => a.CustomerReply).HasMaxLength(4000).IsRequired();
        builder.Property(a => a.ShortReply).HasMaxLength(280).IsRequired();
        builder.Property(a => a.InternalNote).HasMaxLength(2000);
        builder.Property(a => a.AuthorId).HasMaxLength(256).IsRequired();
        builder.Property(a => a.AuthorName).HasMaxLength(256).IsRequired();
        builder.HasIndex(a => new { a.QuestionId, a.Version }).IsUnique();
        builder.HasOne<ExpertQuestion>().WithMany().HasForeignKey(a => a.QuestionId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class LibraryEntryConfiguration : IEntityTypeConfiguration<LibraryEntry>
{
    public void Configure(EntityTypeBuilder<LibraryEntry> builder)
    {
        builder.ToTable("LibraryEntries");
        builder.HasKey(e => e.Id);
        builder.Ignore(e => e.ReviewCardId);
        builder.Property(e => e.ProductKey).HasMaxLength(64).IsRequired();
        builder.Property(e => e.ProductName).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Question).HasMaxLength(2000).IsRequired();
        builder.Property(e => e.CustomerReply).HasMaxLength(4000).IsRequired();
        builder.Property(e => e.ShortReply).HasMaxLength(280).IsRequired();
        builder.Property(e => e.Status).HasConversion<string>().HasMaxLength(16);
        builder.Property(e => e.ApprovedBy).HasMaxLength(512).IsRequired();
        builder.Property(e => e.RetiredReason).HasMaxLength(2000);
        builder.Property(e => e.Revision).IsConcurrencyToken();
        builder.HasIndex(e => new { e.Status, e.ProductKey });
        builder.HasIndex(e => e.QuestionId);
        builder.HasOne<ExpertQuestion>().WithMany().HasForeignKey(e => e.QuestionId).OnDelete(DeleteBehavior.Restrict);
    }
}

internal sealed class LibraryRecipientConfiguration : IEntityTypeConfiguration<LibraryRecipient>
{
    public void Configure(EntityTypeBuilder<LibraryRecipient> builder)
    {
        builder.ToTable("LibraryRecipients");
        builder.HasKey(r => r.Id);
        builder.Property(r => r.UserId).HasMaxLength(256).IsRequired();
        builder.Property(r => r.Name).HasMaxLength(256).IsRequired();
        builder.Property(r => r.ServiceUrl).HasMaxLength(1024).IsRequired();
        builder.Property(r => r.TenantId).HasMaxLength(64).IsRequired();
        builder.Property(r => r.ConversationId).HasMaxLength(600).IsRequired();
        builder.HasIndex(r => new { r.EntryId, r.UserId }).IsUnique();
        builder.HasOne<LibraryEntry>().WithMany().HasForeignKey(r => r.EntryId).OnDelete(DeleteBehavior.Cascade);
    }
}

internal sealed class ExpertAuditEntryConfiguration : IEntityTypeConfiguration<ExpertAuditEntry>
{
    public void Configure(EntityTypeBuilder<ExpertAuditEntry> builder)
    {
        builder.ToTable("ExpertAudit");
        builder.HasKey(a => a.Id);
        builder.Property(a => a.Action).HasMaxLength(64).IsRequired();
        builder.Property(a => a.ActorAadObjectId).HasMaxLength(64).IsRequired();
        builder.Property(a => a.ActorUserId).HasMaxLength(256).IsRequired();
        builder.Property(a => a.ActorName).HasMaxLength(256).IsRequired();
        builder.Property(a => a.Before).HasMaxLength(256);
        builder.Property(a => a.After).HasMaxLength(256);
        builder.Property(a => a.Details).HasMaxLength(4000);
        builder.HasIndex(a => a.QuestionId);
        builder.HasIndex(a => a.EntryId);
    }
}

internal sealed class ExpertPersonConfiguration : IEntityTypeConfiguration<ExpertPerson>
{
    public void Configure(EntityTypeBuilder<ExpertPerson> builder)
    {
        builder.ToTable("ExpertPeople");
        builder.HasKey(p => p.UserId);
        builder.Property(p => p.UserId).HasMaxLength(256);
        builder.Property(p => p.AadObjectId).HasMaxLength(64);
        builder.Property(p => p.Upn).HasMaxLength(256);
        builder.Property(p => p.Name).HasMaxLength(256).IsRequired();
        builder.HasIndex(p => p.AadObjectId);
        builder.HasIndex(p => p.Upn);
    }
}
