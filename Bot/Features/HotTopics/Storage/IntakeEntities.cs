using CrisisBot.Features.HotTopics.Topics;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace CrisisBot.Features.HotTopics.Storage;

/// <summary>
/// One ingested post (table <c>HotTopicPosts</c>). <c>(Source, PostId)</c> is unique: the idempotency key, with the
/// source lower-cased. Times are Unix milliseconds (UTC) so the raw batched inserts read the same on SQLite and
/// PostgreSQL. <see cref="Seq"/> is the arrival order (the engine is rebuilt in this order at startup).
/// </summary>
public sealed class StoredPost
{
    public long Seq { get; set; }

    public required string Source { get; set; }

    public required string PostId { get; set; }

    public required string Text { get; set; }

    public string? AuthorHandle { get; set; }

    public string? AuthorName { get; set; }

    /// <summary>Event time (<c>createdAt</c>), Unix milliseconds UTC.</summary>
    public long CreatedAtMs { get; set; }

    /// <summary>max(author followers, impressions).</summary>
    public long Reach { get; set; }

    public string? Url { get; set; }

    /// <summary>The routed product key (or "triage").</summary>
    public required string Product { get; set; }

    /// <summary>The topic the post joined when it was ingested (topics merge later: see <see cref="StoredTopic.MergedInto"/>); null for posts without usable words.</summary>
    public int? TopicId { get; set; }

    public bool Abusive { get; set; }
}

/// <summary>The latest snapshot of one topic (table <c>HotTopics</c>), upserted at the end of every batch that changed it.</summary>
public sealed class StoredTopic
{
    public int Id { get; set; }

    public required string Title { get; set; }

    public required string Product { get; set; }

    public TopicState State { get; set; }

    public Spikes.AlarmSeverity Severity { get; set; }

    public int Posts { get; set; }

    public int AbusivePosts { get; set; }

    public long Reach { get; set; }

    public long FirstSeenMs { get; set; }

    public long LastSeenMs { get; set; }

    public double BaselinePerHour { get; set; }

    public double RecentPerHour { get; set; }

    /// <summary>The surviving topic when this one was merged.</summary>
    public int? MergedInto { get; set; }
}

/// <summary>One alarm event (table <c>HotTopicAlarms</c>), at event time.</summary>
public sealed class StoredAlarm
{
    public long Seq { get; set; }

    /// <summary>Null for product and overall volume alarms.</summary>
    public int? TopicId { get; set; }

    public required string Product { get; set; }

    public Spikes.AlarmScope Scope { get; set; }

    /// <summary>Event time at which the alarm fired (the createdAt of the post that fired it), Unix ms UTC.</summary>
    public long AtMs { get; set; }

    public Spikes.AlarmSeverity Severity { get; set; }

    public Spikes.AlarmTransition Transition { get; set; }

    public int Count { get; set; }

    public double Expected { get; set; }

    public double PValue { get; set; }
}

internal sealed class StoredPostConfiguration : IEntityTypeConfiguration<StoredPost>
{
    public void Configure(EntityTypeBuilder<StoredPost> builder)
    {
        builder.ToTable("HotTopicPosts");
        builder.HasKey(p => p.Seq);
        builder.Property(p => p.Seq).ValueGeneratedOnAdd();
        builder.Property(p => p.Source).HasMaxLength(256).IsRequired();
        builder.Property(p => p.PostId).HasMaxLength(256).IsRequired();
        builder.Property(p => p.Text).IsRequired();
        builder.Property(p => p.AuthorHandle).HasMaxLength(256);
        builder.Property(p => p.AuthorName).HasMaxLength(256);
        builder.Property(p => p.Url).HasMaxLength(2048);
        builder.Property(p => p.Product).HasMaxLength(64).IsRequired();
        builder.HasIndex(p => new { p.Source, p.PostId }).IsUnique();
        builder.HasIndex(p => new { p.TopicId, p.Seq });
    }
}

internal sealed class StoredTopicConfiguration : IEntityTypeConfiguration<StoredTopic>
{
    public void Configure(EntityTypeBuilder<StoredTopic> builder)
    {
        builder.ToTable("HotTopics");
        builder.HasKey(t => t.Id);
        builder.Property(t => t.Id).ValueGeneratedNever();
        builder.Property(t => t.Title).HasMaxLength(512).IsRequired();
        builder.Property(t => t.Product).HasMaxLength(64).IsRequired();
        builder.HasIndex(t => new { t.Product, t.State });

        // Merge lookups walk from a survivor to the topics merged into it (the expert loop's ITopicLineage, on every card
        // flush): only merged topics are indexed.
        builder.HasIndex(t => t.MergedInto).HasFilter("\"MergedInto\" IS NOT NULL");
    }
}

internal sealed class StoredAlarmConfiguration : IEntityTypeConfiguration<StoredAlarm>
{
    public void Configure(EntityTypeBuilder<StoredAlarm> builder)
    {
        builder.ToTable("HotTopicAlarms");
        builder.HasKey(a => a.Seq);
        builder.Property(a => a.Seq).ValueGeneratedOnAdd();
        builder.Property(a => a.Product).HasMaxLength(64).IsRequired();
        builder.HasIndex(a => new { a.TopicId, a.Seq });
    }
}
