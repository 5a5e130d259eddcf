using System.ComponentModel.DataAnnotations;
using CrisisBot.Infrastructure.Startup;
using CrisisBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Infrastructure.Startup;

public sealed class IdleMemoryTrimTests
{
    private static IdleMemoryTrim Trim(FakeTimeProvider time, TimeSpan after) =>
        new(time, Options.Create(new MemoryOptions { IdleTrimAfter = after }), NullLogger<IdleMemoryTrim>.Instance);

    [Fact]
    public void TrimIfIdle_NoRequestSinceStart_DoesNotCollect()
    {
        var time = new FakeTimeProvider();
        var trim = Trim(time, TimeSpan.FromSeconds(3));

        time.Advance(TimeSpan.FromMinutes(5));

        Assert.False(trim.TrimIfIdle());
        Assert.Equal(0, trim.Trims);
    }

    [Fact]
    public void TrimIfIdle_AfterABurst_CollectsOnceWhenQuietLongEnoughAndAgainOnlyAfterTheNextRequest()
    {
        var time = new FakeTimeProvider();
        var trim = Trim(time, TimeSpan.FromSeconds(3));
        var gen2 = GC.CollectionCount(2);

        trim.RequestSeen();
        time.Advance(TimeSpan.FromSeconds(2));
        trim.RequestSeen();
        time.Advance(TimeSpan.FromSeconds(2.9));
        Assert.False(trim.TrimIfIdle());

        time.Advance(TimeSpan.FromSeconds(0.2));
        Assert.True(trim.TrimIfIdle());
        Assert.True(GC.CollectionCount(2) > gen2, "a full collection ran");
        time.Advance(TimeSpan.FromMinutes(1));
        Assert.False(trim.TrimIfIdle());

        trim.RequestSeen();
        time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(trim.TrimIfIdle());
        Assert.Equal(2, trim.Trims);
    }

    [Fact]
    public void TrimIfIdle_TurnedOff_NeverCollects()
    {
        var time = new FakeTimeProvider();
        var trim = Trim(time, TimeSpan.Zero);

        trim.RequestSeen();
        time.Advance(TimeSpan.FromMinutes(10));

        Assert.False(trim.TrimIfIdle());
    }

    [Theory]
    [InlineData("-00:00:01")]
    [InlineData("02:00:00")]
    public void Options_OutOfRange_RejectedNamingTheKey(string value)
    {
        var options = new MemoryOptions { IdleTrimAfter = TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture) };
        var results = new List<ValidationResult>();

        Assert.False(Validator.TryValidateObject(options, new ValidationContext(options), results, validateAllProperties: true));
        Assert.Contains(results, r => r.ErrorMessage!.Contains("Memory:IdleTrimAfter", StringComparison.Ordinal));
    }

    [Fact]
    public async Task App_Requests_CountAsActivityForTheTrim()
    {
        using var factory = CrisisBotFactory.LocalMode();
        using var client = factory.CreateClient();
        var trim = factory.Services.GetRequiredService<IdleMemoryTrim>();
        var before = trim.Trims;

        (await client.GetAsync("/healthz")).EnsureSuccessStatusCode();

        // The request was seen: a trim is now pending (it runs once the bot has been quiet for Memory:IdleTrimAfter).
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (trim.Trims == before && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        Assert.True(trim.Trims > before, "the idle trim ran after the request once the app was quiet");
    }
}
