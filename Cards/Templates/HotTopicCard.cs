using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using CrisisBot.Cards.Text;
using static CrisisBot.Cards.Templates.CardParts;

namespace CrisisBot.Cards.Templates;

public enum HotTopicState
{
    Emerging = 0,
    Hot = 1,
    Cooling = 2,
    Resolved = 3,
}

/// <summary>A sample post (untrusted: every field goes through SafeText).</summary>
public sealed record TopicPost(string Author, string Text, DateTimeOffset PostedAt)
{
    /// <summary>e.g. "X", "Facebook".</summary>
    public string? Platform { get; init; }

    /// <summary>Followers/impressions of this post, if known.</summary>
    public long? Reach { get; init; }
}

/// <summary>The approved library answer of a topic's question ("approved answer available" on the hot-topic card).</summary>
/// <param name="EntryId">Library entry id (action data of "Send me the answer").</param>
/// <param name="ShortReply">The short reply (at most 280 characters; untrusted text).</param>
public sealed record TopicApprovedAnswer(string EntryId, string ShortReply)
{
    /// <summary>Entry version (1 for the first approved answer).</summary>
    public int Version { get; init; } = 1;

    /// <summary>When it was approved, if known.</summary>
    public DateTimeOffset? ApprovedAt { get; init; }
}

/// <summary>Input of <see cref="HotTopicCard"/>.</summary>
/// <param name="TopicId">Topic id (action data).</param>
/// <param name="Product">Product display name.</param>
/// <param name="Title">Topic title (derived from posts, so untrusted).</param>
/// <param name="State">Emerging, hot, cooling or resolved.</param>
/// <param name="Keywords">Top keywords.</param>
/// <param name="VolumeNow">Posts in the current window.</param>
/// <param name="Baseline">Usual posts in such a window.</param>
/// <param name="Window">The window in words, e.g. "last hour".</param>
/// <param name="Trend">Volume per bucket, oldest first.</param>
/// <param name="Reach">Estimated people reached.</param>
/// <param name="SamplePosts">Recent posts; at most 3 are shown.</param>
/// <param name="FirstSeen">First post of the topic.</param>
/// <param name="LastSeen">Latest post.</param>
/// <param name="GeneratedAt">When the card was built.</param>
public sealed record HotTopicCardInput(
    string TopicId,
    string Product,
    string Title,
    HotTopicState State,
    IReadOnlyList<string> Keywords,
    int VolumeNow,
    double Baseline,
    string Window,
    IReadOnlyList<VolumePoint> Trend,
    long Reach,
    IReadOnlyList<TopicPost> SamplePosts,
    DateTimeOffset FirstSeen,
    DateTimeOffset LastSeen,
    DateTimeOffset GeneratedAt)
{
    /// <summary>Agents already waiting on an open question about this topic (0 = none).</summary>
    public int WaitingAgents { get; init; }

    /// <summary>True when an open question exists: "Ask an expert" becomes "+1 / join" (joins it).</summary>
    public bool HasOpenQuestion { get; init; }

    /// <summary>The topic's approved library answer, if any: shown as "approved answer available" with "Send me the answer".</summary>
    public TopicApprovedAnswer? ApprovedAnswer { get; init; }

    /// <summary>Product key carried in the Ask action's data so the ask form is pre-filled (null: the agent picks the product).</summary>
    public string? ProductKey { get; init; }

    /// <summary>Until when alerts are muted, if muted.</summary>
    public DateTimeOffset? MutedUntil { get; init; }

    /// <summary>Who muted the alerts (shown with <see cref="MutedUntil"/>).</summary>
    public string? MutedBy { get; init; }

    /// <summary>Who marked the topic resolved; null when it resolved by itself.</summary>
    public string? ResolvedBy { get; init; }

    /// <summary>When a person marked it resolved.</summary>
    public DateTimeOffset? ResolvedAt { get; init; }

    /// <summary>The topic this one was merged into, e.g. "T12 · lost parcel tracking"; the card is then final.</summary>
    public string? MergedInto { get; init; }

    /// <summary>Hosts whose links in posts may stay clickable.</summary>
    public IReadOnlyCollection<string> AllowedLinkHosts { get; init; } = [];

    /// <summary>Users whose client refreshes the card automatically (at most 60 kept).</summary>
    public IReadOnlyList<string> RefreshUserIds { get; init; } = [];
}

/// <summary>
/// The hot-topic card: state, volume against baseline with a trend chart (FactSet fallback), reach, up to three
/// sample posts, and Ask an expert / Propose crisis / Mute / Resolve. Single column, so it reads well on mobile.
/// </summary>
public static class HotTopicCard
{
    public const int MaxSamplePosts = 3;
    public const int MaxTrendPoints = 24;
    public const int PostLength = 280;
    public const int ApprovedLength = 280;

    public static AdaptiveCard Build(HotTopicCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        Required(input.TopicId, nameof(input.TopicId));
        Required(input.Title, nameof(input.Title));
        Required(input.Product, nameof(input.Product));
        List(input.Keywords, nameof(input.Keywords));
        List(input.Trend, nameof(input.Trend));
        List(input.SamplePosts, nameof(input.SamplePosts));
        NonNegative(input.VolumeNow, nameof(input.VolumeNow));
        NonNegative(input.WaitingAgents, nameof(input.WaitingAgents));
        if (input.Baseline < 0 || double.IsNaN(input.Baseline) || input.Reach < 0)
        {
            throw new ArgumentException("Baseline and reach must be non-negative numbers.", nameof(input));
        }

        return CardBudget.Shrink(100, scale => Render(input, scale));
    }

    internal static (string Label, TextColor Color) StateLabel(HotTopicState state) => state switch
    {
        HotTopicState.Emerging => ("Emerging", TextColor.Warning),
        HotTopicState.Hot => ("Hot", TextColor.Attention),
        HotTopicState.Cooling => ("Cooling", TextColor.Accent),
        HotTopicState.Resolved => ("Resolved", TextColor.Good),
        _ => throw new ArgumentOutOfRangeException(nameof(state), state, "Unknown topic state."),
    };

    internal static string Factor(int now, double baseline) =>
        baseline <= 0 ? (now > 0 ? "new" : "-") : "×" + Num(now / baseline, "0.0");

    private static AdaptiveCard Render(HotTopicCardInput input, int scale)
    {
        var (stateLabel, stateColor) = StateLabel(input.State);
        var title = Safe(input.Title, Scaled(CardParts.Label, scale));
        var keywords = input.Keywords.Where(k => !string.IsNullOrWhiteSpace(k)).Take(8).Select(k => Safe(k, 40)).ToArray();
        var factor = Factor(input.VolumeNow, input.Baseline);
        var body = new List<CardElement>
        {
            TitleWithState(title, stateLabel, stateColor),
            Subtle(Safe(input.Product, 60) + (keywords.Length > 0 ? " · " + string.Join(", ", keywords) : string.Empty)),
            new ColumnSet([
                Stat("Posts " + Safe(input.Window, 40), Num(input.VolumeNow)),
                Stat("vs baseline " + Num(input.Baseline, "0"), factor),
                Stat("Reach", Compact(input.Reach)),
            ]) { Spacing = Spacing.Medium },
        };

        var trend = input.Trend.TakeLast(MaxTrendPoints).ToArray();
        if (trend.Length > 0)
        {
            var fallback = new Container([
                Subtle("Posts per interval (latest)"),
                Facts(trend.TakeLast(6).Select(p => (ClockTime(p.At), Plural(p.Posts, "post"))).ToArray()),
            ]);
            body.Add(new ChartLine(
                [new ChartSeries("Posts", trend.Select(p => new ChartPoint(ClockTime(p.At), p.Posts)).ToArray())],
                fallback)
            {
                Title = "Posts per interval",
                XAxisTitle = "Time",
                YAxisTitle = "Posts",
            });
        }

        var posts = input.SamplePosts.OrderByDescending(p => p.PostedAt).Take(ScaledCount(MaxSamplePosts, scale, 0)).ToArray();
        if (posts.Length > 0)
        {
            body.Add(Heading("Sample posts"));
            var linkOptions = new SafeTextOptions { AllowedLinkHosts = input.AllowedLinkHosts };
            foreach (var post in posts)
            {
                var meta = $"{Safe(post.Author, 60)} · {Time(post.PostedAt)}"
                    + (string.IsNullOrWhiteSpace(post.Platform) ? string.Empty : " · " + Safe(post.Platform, 30))
                    + (post.Reach is > 0 ? " · reach " + Compact(post.Reach.Value) : string.Empty);
                body.Add(Box(
                    ContainerStyle.Emphasis,
                    Subtle(meta),
                    new TextBlock(SafeText.Clean(post.Text, Scaled(PostLength, scale), linkOptions)) { Wrap = true, Spacing = Spacing.Small, MaxLines = 6 }));
            }
        }
        else
        {
            body.Add(Subtle("No sample posts yet."));
        }

        body.Add(Facts(
            ("First seen", Time(input.FirstSeen)),
            ("Last seen", $"{Time(input.LastSeen)} ({Relative(input.LastSeen, input.GeneratedAt)})"),
            ("Waiting agents", input.WaitingAgents == 0 ? "none" : Num(input.WaitingAgents))));

        if (input.HasOpenQuestion)
        {
            body.Add(Colored(Plural(input.WaitingAgents, "agent") + " waiting for the experts' answer", TextColor.Warning));
            body.Add(Subtle("+1 / join adds you to the waiting agents: you get the answer as soon as it is approved."));
        }

        if (input.ApprovedAnswer is { } approved)
        {
            var shortReply = string.IsNullOrWhiteSpace(approved.ShortReply) ? "(no short reply)" : SafeText.Clean(approved.ShortReply, Scaled(ApprovedLength, scale));
            var meta = "v" + Num(approved.Version) + (approved.ApprovedAt is { } at ? " · approved " + Time(at) : string.Empty);
            body.Add(Box(
                ContainerStyle.Good,
                Heading("Approved answer available"),
                new TextBlock(shortReply) { Wrap = true, Spacing = Spacing.Small },
                Subtle(meta + " · Send me the answer for the full reply")));
        }

        if (input.MutedUntil is { } muted && muted > input.GeneratedAt)
        {
            var by = string.IsNullOrWhiteSpace(input.MutedBy) ? string.Empty : " by " + Safe(input.MutedBy, 60);
            body.Add(Colored($"Alerts muted{by} until {Time(muted)} (or until severity rises)", TextColor.Warning, bold: false));
        }

        if (input.State == HotTopicState.Resolved && !string.IsNullOrWhiteSpace(input.ResolvedBy))
        {
            var at = input.ResolvedAt is { } resolvedAt ? " at " + Time(resolvedAt) : string.Empty;
            body.Add(Colored($"Marked resolved by {Safe(input.ResolvedBy, 60)}{at}", TextColor.Good, bold: false));
        }

        var merged = !string.IsNullOrWhiteSpace(input.MergedInto);
        if (merged)
        {
            body.Add(Colored($"Merged into topic {Safe(input.MergedInto, CardParts.Label)}: updates continue on that topic's card.", TextColor.Accent, bold: false));
        }

        var refresh = Execute("Refresh", CardVerbs.TopicRefresh, new TopicActionData(input.TopicId));
        var ask = new AskExpertData(input.TopicId, Plain(input.Title, 200), string.IsNullOrWhiteSpace(input.ProductKey) ? null : Plain(input.ProductKey, 64));
        var actions = new List<CardAction>
        {
            Execute(input.HasOpenQuestion ? "+1 / join" : "Ask an expert", CardVerbs.TopicAskExpert, ask) with { Style = ActionStyle.Positive },
        };
        if (input.ApprovedAnswer is { } answer)
        {
            actions.Add(Execute("Send me the answer", CardVerbs.LibrarySendToMe, new LibraryOpenData(Plain(answer.EntryId, 64))));
        }

        // Two primary buttons fit a phone; the rarer ones go to the overflow menu (mode: secondary).
        if (input.State != HotTopicState.Resolved && !merged)
        {
            actions.Add(new ActionShowCard("Mute", new AdaptiveCard([
                new InputChoiceSet(InputIds.MuteHours, "Mute alerts for", [new Choice("1 hour", "1"), new Choice("4 hours", "4"), new Choice("24 hours", "24")])
                {
                    Value = "1",
                    Style = ChoiceInputStyle.Compact,
                },
                Buttons(Execute("Mute alerts", CardVerbs.TopicMute, new MuteTopicData(input.TopicId))),
            ])));
            actions.Add(Execute("Propose crisis", CardVerbs.TopicProposeCrisis, new ProposeCrisisData(input.TopicId, Plain(input.Title, 120), Plain(input.Product, 60))) with { Mode = ActionMode.Secondary });
            actions.Add(Execute("Resolve", CardVerbs.TopicResolve, new TopicActionData(input.TopicId)) with { Mode = ActionMode.Secondary });
        }

        return new AdaptiveCard(body)
        {
            Actions = actions,
            Refresh = Refresh(refresh, input.RefreshUserIds),
            MsTeams = TeamsCardProperties.FullWidth(),
            FallbackText = $"{stateLabel} topic ({Plain(input.Product, 60)}): {Plain(input.Title, 200)}. {Num(input.VolumeNow)} posts {Plain(input.Window, 40)}, {factor}.",
        };
    }

    private static Column Stat(string label, string value) =>
        new([
            new TextBlock(label) { IsSubtle = true, Size = TextSize.Small, Wrap = true },
            new TextBlock(value) { Size = TextSize.Large, Weight = TextWeight.Bolder, Spacing = Spacing.None },
        ])
        { Width = "stretch" };

    /// <summary>12.3k, 4.5M.</summary>
    internal static string Compact(long value) => value switch
    {
        >= 1_000_000 => Num(value / 1_000_000d, "0.#") + "M",
        >= 10_000 => Num(value / 1_000d, "0") + "k",
        >= 1_000 => Num(value / 1_000d, "0.#") + "k",
        _ => Num(value),
    };
}
