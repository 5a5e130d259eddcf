using System.Text.Json;

namespace CrisisBot.Protocol.Activities;

/// <summary>An activity the bot sends. Immutable; built with the factory methods, never by mutating an inbound activity.</summary>
public sealed record OutgoingActivity
{
    public string Type { get; init; } = ActivityTypes.Message;
    public string? Text { get; init; }
    public string? TextFormat { get; init; }
    public string? Summary { get; init; }
    public string? ReplyToId { get; init; }
    public IReadOnlyList<OutgoingAttachment>? Attachments { get; init; }
    public IReadOnlyList<MentionEntity>? Entities { get; init; }
    public JsonElement? ChannelData { get; init; }

    public static OutgoingActivity Message(string text) => new() { Text = text, TextFormat = "markdown" };

    /// <summary>A message carrying one Adaptive Card (already serialized by the Cards project).</summary>
    public static OutgoingActivity WithCard(JsonElement card, string? summary = null) =>
        new() { Attachments = [new OutgoingAttachment(ContentTypes.AdaptiveCard, card)], Summary = summary };
}

public sealed record OutgoingAttachment(string ContentType, JsonElement Content);

/// <summary>Outgoing mention: <see cref="Text"/> must appear verbatim (<c>&lt;at&gt;Name&lt;/at&gt;</c>) in the message text.</summary>
public sealed record MentionEntity(string Text, MentionedAccount Mentioned)
{
    public string Type { get; init; } = "mention";
}

public sealed record MentionedAccount(string Id, string Name);
