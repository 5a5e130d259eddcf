using CrisisBot.Features.HotTopics.Spikes;

namespace CrisisBot.Features.HotTopics.Topics;

/// <summary>Mutable state of one topic inside the engine (not thread-safe, owned by one worker).</summary>
internal sealed class Topic(TopicId id, int slot, int products, DateTimeOffset at)
{
    public const int MaxExemplars = 8;

    /// <summary>Example texts longer than this are kept cut to it.</summary>
    public const int MaxExemplarLength = 280;

    public TopicId Id { get; } = id;

    public int Slot { get; } = slot;

    // Clustering state. Null before the first post (the clusterer sets it from that post), after retirement and merge.
    public CentroidMap? Centroid { get; set; }

    public double NormSquared { get; set; }

    public TermSet Terms { get; } = new();

    public bool Indexed { get; set; } = true;

    public int MergedInto { get; set; } = -1;

    public int Size { get; set; }

    // Statistics.
    public DateTimeOffset FirstSeen { get; set; } = at;

    public DateTimeOffset LastSeen { get; set; } = at;

    public int[] ProductVotes { get; } = new int[products + 1]; // last slot: triage

    public List<string> Exemplars { get; } = [];

    /// <summary>The example posts' words, kept for <see cref="TopicTitles"/> (null until a title is built; dropped when the topic retires).</summary>
    public TitleTerms? TitleTerms { get; set; }

    public int Abusive { get; set; }

    public long Reach { get; set; }

    public SpikeSeries? Series { get; set; }

    public long FirstReach { get; set; }

    public TopicState State { get; set; }

    public DateTimeOffset CoolingSince { get; set; }

    /// <summary>The title computed when the topic left the candidate index (its centroid is freed then).</summary>
    public string? RetiredTitle { get; set; }

    /// <summary>
    /// The title computed when the topic was created from its one post (<see cref="TopicTitles.BuildOnePost"/>), with
    /// that post's text (its example); <see cref="TopicTitles.Build"/> returns it while the topic is still that one post.
    /// </summary>
    public string? OnePostTitle { get; private set; }

    /// <inheritdoc cref="OnePostTitle"/>
    public string? OnePostText { get; private set; }

    public bool Alive => MergedInto < 0;

    public void SetOnePostTitle(string text, string title)
    {
        OnePostText = text;
        OnePostTitle = title;
    }

    public void ForgetOnePostTitle()
    {
        OnePostText = null;
        OnePostTitle = null;
    }
}
