namespace CrisisBot.Cards;

/// <summary>Adaptive Card schema version used by every card (Teams renders up to 1.5).</summary>
public static class CardSchema
{
    public const string Version = "1.5";
}
