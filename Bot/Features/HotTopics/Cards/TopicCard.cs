using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Features.HotTopics.Cards;

/// <summary>
/// The living card of one topic: the newest content (as of the last ingest batch), who muted or resolved it, where it
/// was posted (<see cref="TopicCardPost"/>), and whether a newer rendering is still to be sent
/// (<see cref="RenderVersion"/> &gt; <see cref="SentVersion"/>). All pending state is here, so a restart loses nothing.
/// </summary>
public sealed class TopicCard
{
    private TopicCard()
    {
    }

    /// <summary>The engine's topic id (<see cref="TopicId.Value"/>).</summary>
    public int TopicId { get; private set; }

    public string ProductKey { get; private set; } = "";

    public string Title { get; private set; } = "";

    public TopicState State { get; private set; }

    public AlarmSeverity Severity { get; private set; }

    /// <summary>Cards posted for this topic so far: one per spike (1 for the first spike).</summary>
    public int Spike { get; private set; }

    /// <summary>The newest <see cref="TopicCardContent"/> as JSON.</summary>
    public string ContentJson { get; private set; } = "";

    /// <summary>Bumped on every change that alters the card.</summary>
    public int RenderVersion { get; private set; }

    /// <summary>The <see cref="RenderVersion"/> last handed to the outbox.</summary>
    public int SentVersion { get; private set; }

    /// <summary>Wall-clock time of the last post or update handed to the outbox (rate: one per minute per card).</summary>
    public DateTimeOffset? LastSentAt { get; private set; }

    /// <summary>When the newest card of the current spike was first posted (null while it waits for a channel).</summary>
    public DateTimeOffset? PostedAt { get; private set; }

    /// <summary>Wall-clock time the topic (this spike) turned hot.</summary>
    public DateTimeOffset HotSince { get; private set; }

    public DateTimeOffset? MutedUntil { get; private set; }

    public string? MutedById { get; private set; }

    public string? MutedByName { get; private set; }

    /// <summary>Severity when muted: the mute ends early when severity rises above it.</summary>
    public AlarmSeverity MutedAtSeverity { get; private set; }

    /// <summary>
    /// The content (volumes, sample posts) as it was when the card was muted: while muted, expert-loop updates show these
    /// numbers, so volume changes stay quiet until the mute ends.
    /// </summary>
    public string? MutedContentJson { get; private set; }

    /// <summary>
    /// An expert-loop change (ask, join, approval, replacement, retirement) waits to be sent: it goes out at the card's
    /// next allowed minute even while the card is muted.
    /// </summary>
    public bool ExpertPending { get; private set; }

    public DateTimeOffset? ResolvedAt { get; private set; }

    public string? ResolvedById { get; private set; }

    public string? ResolvedByName { get; private set; }

    /// <summary>The surviving topic when this one was merged into another.</summary>
    public int? MergedIntoTopicId { get; private set; }

    public string? MergedIntoTitle { get; private set; }

    /// <summary>True once the card shows its final state (resolved or merged); a new spike starts a new card.</summary>
    public bool IsFinal { get; private set; }

    /// <summary>When the agents channel was told that the product has no channel (said once per card).</summary>
    public DateTimeOffset? UnboundNoticeAt { get; private set; }

    public string CardId(string role) => TopicCardIds.For(TopicId, Spike, role);

    public bool HasPending => RenderVersion > SentVersion;

    public bool IsMuted(DateTimeOffset now) => MutedUntil is { } until && until > now;

    internal static TopicCard Create(int topicId, string productKey, DateTimeOffset now) =>
        new() { TopicId = topicId, ProductKey = productKey, HotSince = now };

    /// <summary>Stores the newest content; returns true when something shown on the card changed.</summary>
    internal bool SetContent(TopicCardContent content, string json)
    {
        ProductKey = content.Product;
        Title = content.Title;
        State = content.State;
        Severity = content.Severity;
        if (string.Equals(ContentJson, json, StringComparison.Ordinal))
        {
            return false;
        }

        ContentJson = json;
        RenderVersion++;
        return true;
    }

    /// <summary>A new spike: the next card (new card ids), unmuted, not final, to be posted.</summary>
    internal void StartSpike(DateTimeOffset now)
    {
        Spike++;
        IsFinal = false;
        PostedAt = null;
        LastSentAt = null;
        HotSince = now;
        ResolvedAt = null;
        ResolvedById = null;
        ResolvedByName = null;
        UnboundNoticeAt = null;
        ClearMute();
        RenderVersion++;
    }

    internal void Mute(DateTimeOffset until, string byId, string? byName)
    {
        MutedUntil = until;
        MutedById = byId;
        MutedByName = byName;
        MutedAtSeverity = Severity;
        MutedContentJson = ContentJson;
        RenderVersion++;
    }

    internal void ClearMute()
    {
        MutedUntil = null;
        MutedById = null;
        MutedByName = null;
        MutedAtSeverity = AlarmSeverity.None;
        MutedContentJson = null;
    }

    internal void ResolveBy(string byId, string? byName, DateTimeOffset now)
    {
        ResolvedAt = now;
        ResolvedById = byId;
        ResolvedByName = byName;
        IsFinal = true;
        RenderVersion++;
    }

    internal void Finish()
    {
        if (!IsFinal)
        {
            IsFinal = true;
            RenderVersion++;
        }
    }

    /// <param name="adopted">True when the survivor took this card over (nothing is left to update here).</param>
    internal void MergeInto(int survivor, string? survivorTitle, bool adopted)
    {
        MergedIntoTopicId = survivor;
        MergedIntoTitle = survivorTitle;
        IsFinal = true;
        RenderVersion++;
        if (adopted)
        {
            SentVersion = RenderVersion;
        }
    }

    /// <summary>Takes over the card of a topic merged into this one (the survivor had no live card of its own).</summary>
    internal void AdoptSpike(TopicCard from, int spike)
    {
        if (string.IsNullOrEmpty(ContentJson))
        {
            ContentJson = from.ContentJson;
            Title = from.Title;
            State = from.State;
            Severity = from.Severity;
        }

        Spike = spike;
        MutedUntil = from.MutedUntil;
        MutedById = from.MutedById;
        MutedByName = from.MutedByName;
        MutedAtSeverity = from.MutedAtSeverity;
        MutedContentJson = from.MutedContentJson;
        ExpertPending |= from.ExpertPending;
        ResolvedAt = null;
        ResolvedById = null;
        ResolvedByName = null;
        PostedAt = from.PostedAt;
        LastSentAt = from.LastSentAt;
        HotSince = from.HotSince;
        IsFinal = false;
        RenderVersion++;
    }

    /// <summary>
    /// The topic's expert-loop state changed (a question asked or joined, an answer approved, replaced or retired): the card
    /// is rendered again with the current status and sent when due (<see cref="TopicCardPolicy.NextSendAt"/>).
    /// </summary>
    internal void MarkExpertChanged()
    {
        RenderVersion++;
        ExpertPending = true;
    }

    /// <summary>True when a send now shows the muted content (<see cref="MutedContentJson"/>): a live, posted, muted card.</summary>
    public bool ShowsMutedContent(DateTimeOffset now) => !IsFinal && PostedAt is not null && IsMuted(now) && MutedContentJson is not null;

    /// <summary>
    /// A muted card's expert update was handed to the outbox (with the muted content): the expert change is sent; the
    /// volume changes since the mute stay pending until the mute ends (unless there are none).
    /// </summary>
    internal void MarkSentWhileMuted(DateTimeOffset now)
    {
        ExpertPending = false;
        LastSentAt = now;
        if (string.Equals(MutedContentJson, ContentJson, StringComparison.Ordinal))
        {
            SentVersion = RenderVersion;
        }
    }

    internal void MarkSent(int version, DateTimeOffset now, bool posted)
    {
        if (version == RenderVersion)
        {
            ExpertPending = false;
        }

        SentVersion = version;
        LastSentAt = now;
        if (posted && PostedAt is null)
        {
            PostedAt = now;
        }
    }

    internal void NoteUnbound(DateTimeOffset now) => UnboundNoticeAt = now;
}
