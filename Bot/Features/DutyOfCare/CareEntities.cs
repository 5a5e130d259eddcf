using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.DutyOfCare;

/// <summary>How an agent started (or continued) working on a topic.</summary>
public enum CareEngagementKind
{
    Asked = 0,
    Joined = 1,
    UsedAnswer = 2,
}

/// <summary>
/// One moment an agent worked on a topic (table <c>CareEngagements</c>): an ask, a join or an "I used this". The agent
/// works on the topic from <see cref="At"/> until <see cref="At"/> + <c>DutyOfCare:WorkWindow</c>.
/// </summary>
public sealed class CareEngagement
{
    public long Id { get; internal set; }

    /// <summary>Entra object id when known, else the Teams user id.</summary>
    public string AgentId { get; internal set; } = "";

    /// <summary>Teams user id (29:…): where the break prompt goes.</summary>
    public string UserId { get; internal set; } = "";

    public string Name { get; internal set; } = "";

    public string ServiceUrl { get; internal set; } = "";

    public string TenantId { get; internal set; } = "";

    /// <summary>The hot topic (as asked from; merges are followed when posts are matched).</summary>
    public int TopicId { get; internal set; }

    public string ProductKey { get; internal set; } = "";

    public CareEngagementKind Kind { get; internal set; }

    public long? QuestionId { get; internal set; }

    public long? EntryId { get; internal set; }

    /// <summary>The active crisis covering the product at the time, if any.</summary>
    public int? CrisisId { get; internal set; }

    public DateTimeOffset At { get; internal set; }
}

/// <summary>One abusive post that arrived in a topic while the agent worked on it (table <c>CareExposures</c>).</summary>
public sealed class CareExposure
{
    public long Id { get; internal set; }

    public string AgentId { get; internal set; } = "";

    /// <summary>The post (<c>HotTopicPosts.Seq</c>).</summary>
    public long PostSeq { get; internal set; }

    /// <summary>The topic the post belongs to (after merges).</summary>
    public int TopicId { get; internal set; }

    public int? CrisisId { get; internal set; }

    /// <summary>When the post arrived (ingest time, not the post's createdAt).</summary>
    public DateTimeOffset At { get; internal set; }
}

/// <summary>The agent's answer to a break prompt. Stored by name; never rename.</summary>
public enum CareAnswer
{
    None = 0,
    TakingBreak = 1,
    AskedForSupport = 2,
    NotNow = 3,
}

/// <summary>A break prompt sent privately to one agent (table <c>CarePrompts</c>), and their answer.</summary>
public sealed class CarePrompt
{
    public long Id { get; internal set; }

    /// <summary>Random id on the card's buttons (unguessable, so a prompt cannot be answered by enumeration).</summary>
    public string Key { get; internal set; } = "";

    public string AgentId { get; internal set; } = "";

    public string UserId { get; internal set; } = "";

    public string Name { get; internal set; } = "";

    public int? CrisisId { get; internal set; }

    public DateTimeOffset SentAt { get; internal set; }

    /// <summary>Exposures in the window when the prompt was sent.</summary>
    public int Exposures { get; internal set; }

    public CareAnswer Answer { get; internal set; }

    public DateTimeOffset? AnsweredAt { get; internal set; }

    public int? BreakMinutes { get; internal set; }
}

/// <summary>The last <c>HotTopicPosts.Seq</c> examined for abusive posts (one row, Id = 1).</summary>
public sealed class CareCursor
{
    public int Id { get; internal set; }

    public long LastSeq { get; internal set; }
}

internal sealed class CareEngagementConfiguration : IEntityTypeConfiguration<CareEngagement>
{
    public void Configure(EntityTypeBuilder<CareEngagement> builder)
    {
        builder.ToTable("CareEngagements");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.AgentId).HasMaxLength(256).IsRequired();
        builder.Property(e => e.UserId).HasMaxLength(256).IsRequired();
        builder.Property(e => e.Name).HasMaxLength(256).IsRequired();
        builder.Property(e => e.ServiceUrl).HasMaxLength(512).IsRequired();
        builder.Property(e => e.TenantId).HasMaxLength(128).IsRequired();
        builder.Property(e => e.ProductKey).HasMaxLength(64).IsRequired();
        builder.Property(e => e.Kind).HasConversion<string>().HasMaxLength(16);
        builder.HasIndex(e => e.At);
        builder.HasIndex(e => new { e.AgentId, e.At });
    }
}

internal sealed class CareExposureConfiguration : IEntityTypeConfiguration<CareExposure>
{
    public void Configure(EntityTypeBuilder<CareExposure> builder)
    {
        builder.ToTable("CareExposures");
        builder.HasKey(e => e.Id);
        builder.Property(e => e.Id).ValueGeneratedOnAdd();
        builder.Property(e => e.AgentId).HasMaxLength(256).IsRequired();
        builder.HasIndex(e => e.PostSeq);
        builder.HasIndex(e => new { e.AgentId, e.At });
        builder.HasIndex(e => e.At);
    }
}

internal sealed class CarePromptConfiguration : IEntityTypeConfiguration<CarePrompt>
{
    public void Configure(EntityTypeBuilder<CarePrompt> builder)
    {
        builder.ToTable("CarePrompts");
        builder.HasKey(p => p.Id);
        builder.Property(p => p.Id).ValueGeneratedOnAdd();
        builder.Property(p => p.Key).HasMaxLength(64).IsRequired();
        builder.HasIndex(p => p.Key).IsUnique();
        builder.Property(p => p.AgentId).HasMaxLength(256).IsRequired();
        builder.Property(p => p.UserId).HasMaxLength(256).IsRequired();
        builder.Property(p => p.Name).HasMaxLength(256).IsRequired();
        builder.Property(p => p.Answer).HasConversion<string>().HasMaxLength(24);
        builder.HasIndex(p => new { p.AgentId, p.SentAt });
        builder.HasIndex(p => p.SentAt);
    }
}

internal sealed class CareCursorConfiguration : IEntityTypeConfiguration<CareCursor>
{
    public void Configure(EntityTypeBuilder<CareCursor> builder)
    {
        builder.ToTable("CareCursor");
        builder.HasKey(c => c.Id);
        builder.Property(c => c.Id).ValueGeneratedNever();
    }
}
