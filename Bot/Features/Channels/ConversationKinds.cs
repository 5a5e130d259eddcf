namespace CrisisBot.Features.Channels;

/// <summary>Values of <c>conversation.conversationType</c> as Teams sends them.</summary>
public static class ConversationKinds
{
    public const string Personal = "personal";
    public const string GroupChat = "groupChat";
    public const string Channel = "channel";

    /// <summary>The channel or chat id without the <c>;messageid=…</c> thread suffix (teams-protocol.md §10.1).</summary>
    public static string BaseId(string conversationId)
    {
        ArgumentNullException.ThrowIfNull(conversationId);
        var semicolon = conversationId.IndexOf(';', StringComparison.Ordinal);
        return semicolon < 0 ? conversationId : conversationId[..semicolon];
    }
}
