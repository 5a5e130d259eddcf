using System.Text.Json.Serialization;

namespace CrisisBot.Cards.Model;

/// <summary>
/// The root of a card. <see cref="Version"/> is always <see cref="CardSchema.Version"/>. Teams limits apply:
/// at most six card-level actions, at most 60 refresh user ids (see <see cref="CardRefresh"/>).
/// </summary>
public sealed record AdaptiveCard
{
    public const string SchemaUrl = "http://adaptivecards.io/schemas/adaptive-card.json";

    public AdaptiveCard(IReadOnlyList<CardElement> body) => Body = body;

    [JsonPropertyOrder(-10)]
    public string Type { get; } = "AdaptiveCard";

    [JsonPropertyName("$schema")]
    [JsonPropertyOrder(-9)]
    public string Schema { get; } = SchemaUrl;

    [JsonPropertyOrder(-8)]
    public string Version { get; } = CardSchema.Version;

    public IReadOnlyList<CardElement> Body { get; init => field = Guard.NoNulls(value, nameof(Body)); }

    public IReadOnlyList<CardAction>? Actions { get; init => field = Guard.MaxActionsOrNull(value, nameof(Actions)); }

    public CardRefresh? Refresh { get; init; }

    [JsonPropertyName("msteams")]
    public TeamsCardProperties? MsTeams { get; init; }

    /// <summary>Plain text shown where the card cannot be rendered (notifications, old clients).</summary>
    public string? FallbackText { get; init; }
}

/// <summary>
/// Automatic refresh (Universal Actions user-specific views): Teams invokes <see cref="Action"/> for the listed
/// users, so each gets the view for their role. An empty list disables auto refresh (manual "Refresh card").
/// </summary>
public sealed record CardRefresh
{
    /// <summary>Teams refreshes automatically for at most 60 users.</summary>
    public const int MaxUserIds = 60;

    public CardRefresh(ActionExecute action, IReadOnlyList<string> userIds)
    {
        ArgumentNullException.ThrowIfNull(action);
        ArgumentNullException.ThrowIfNull(userIds);
        if (userIds.Count > MaxUserIds)
        {
            throw new ArgumentException(
                $"refresh.userIds has {userIds.Count} ids; Teams allows at most {MaxUserIds}. Use CardRefresh.For to truncate.",
                nameof(userIds));
        }

        foreach (var id in userIds)
        {
            Guard.NotBlank(id, nameof(userIds));
        }

        Action = action;
        UserIds = userIds;
    }

    /// <summary>Declared as the base type so the <c>type</c> discriminator is written.</summary>
    public CardAction Action { get; }

    public IReadOnlyList<string> UserIds { get; }

    /// <summary>Builds a refresh for the given users: blanks removed, duplicates removed, truncated to 60.</summary>
    public static CardRefresh For(ActionExecute action, IEnumerable<string>? userIds) =>
        new(action, (userIds ?? [])
            .Where(id => !string.IsNullOrWhiteSpace(id))
            .Distinct(StringComparer.Ordinal)
            .Take(MaxUserIds)
            .ToArray());
}

/// <summary>Teams' card-level <c>msteams</c> extension.</summary>
public sealed record TeamsCardProperties
{
    /// <summary><c>Full</c> makes the card use the whole message width.</summary>
    public string? Width { get; init; }

    /// <summary>Mentions referenced as <c>&lt;at&gt;Name&lt;/at&gt;</c> in TextBlock/FactSet text.</summary>
    public IReadOnlyList<CardMention>? Entities { get; init; }

    public static TeamsCardProperties FullWidth(IReadOnlyList<CardMention>? mentions = null) =>
        new() { Width = "Full", Entities = mentions is { Count: > 0 } ? mentions : null };
}

/// <summary>A mention entity; <see cref="Text"/> must appear verbatim in the card's text.</summary>
public sealed record CardMention
{
    public CardMention(string userId, string name)
    {
        Guard.NotBlank(userId, nameof(userId));
        Guard.NotBlank(name, nameof(name));

        // A display name must not be able to close the <at> tag or open another one.
        var clean = name.Replace("<", string.Empty, StringComparison.Ordinal).Replace(">", string.Empty, StringComparison.Ordinal).Trim();
        Guard.NotBlank(clean, nameof(name));
        Mentioned = new MentionedUser(userId, clean);
        Text = $"<at>{clean}</at>";
    }

    [JsonPropertyOrder(-10)]
    public string Type { get; } = "mention";

    public string Text { get; }

    public MentionedUser Mentioned { get; }
}

public sealed record MentionedUser(string Id, string Name);
