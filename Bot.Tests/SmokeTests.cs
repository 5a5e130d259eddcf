namespace CrisisBot.Tests;

public class SmokeTests
{
    [Fact]
    public void CardSchema_Version_IsPinnedTo15() => Assert.Equal("1.5", CrisisBot.Cards.CardSchema.Version);
}
