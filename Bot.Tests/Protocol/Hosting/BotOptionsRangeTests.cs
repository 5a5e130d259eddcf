using CrisisBot.Protocol.Hosting;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Protocol.Hosting;

/// <summary>The [Range] limits of <see cref="BotOptions"/> (checked at startup by ValidateDataAnnotations).</summary>
public sealed class BotOptionsRangeTests
{
    [Theory]
    [InlineData(-1, false)]
    [InlineData(0, true)]
    [InlineData(300, true)]
    [InlineData(3600, true)]
    [InlineData(3601, false)]
    public void Validate_TokenCacheSeconds_AcceptsZeroToAnHourAndNamesTheKeyOtherwise(int seconds, bool valid)
    {
        var result = new DataAnnotationValidateOptions<BotOptions>(null).Validate(null, new BotOptions { TokenCacheSeconds = seconds });

        Assert.Equal(valid, result.Succeeded);
        if (!valid)
        {
            Assert.Contains(nameof(BotOptions.TokenCacheSeconds), result.FailureMessage, StringComparison.Ordinal);
        }
    }
}
