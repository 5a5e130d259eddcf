namespace CrisisBot.Cards.Actions;

/// <summary>
/// Every Action.Execute verb. The card builders and the bot's handlers both use these constants, so a verb can
/// never be misspelt on one side only.
/// </summary>
public static class CardVerbs
{
    /// <summary>Re-renders the help card (no stored state needed).</summary>
    public const string HelpRefresh = "help.refresh";

    /// <summary>Re-renders the status card with fresh numbers.</summary>
    public const string StatusRefresh = "status.refresh";

    /// <summary>Re-renders the channel links listing.</summary>
    public const string LinksRefresh = "links.refresh";
}
