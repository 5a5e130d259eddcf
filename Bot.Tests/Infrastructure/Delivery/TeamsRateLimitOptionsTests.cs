using CrisisBot.Infrastructure.Delivery;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Infrastructure.Delivery;

public class TeamsRateLimitOptionsTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddTeamsRateLimiter(configuration).BuildServiceProvider();
    }

    [Fact]
    public void AddTeamsRateLimiter_NoConfiguration_UsesTeamsDefaults()
    {
        using var services = Build([]);

        var options = services.GetRequiredService<IOptions<TeamsRateLimitOptions>>().Value;

        Assert.Equal(
            [new RateWindow(7, TimeSpan.FromSeconds(1)), new RateWindow(8, TimeSpan.FromSeconds(2)),
             new RateWindow(60, TimeSpan.FromSeconds(30)), new RateWindow(1800, TimeSpan.FromHours(1))],
            options.ThreadWindows);
        Assert.Equal(new RateWindow(50, TimeSpan.FromSeconds(1)), options.TenantWindow);
        Assert.NotNull(services.GetRequiredService<TeamsRateLimiter>());
    }

    [Fact]
    public void AddTeamsRateLimiter_ConfiguredTenantLimit_IsBound()
    {
        using var services = Build(new() { ["Delivery:RateLimits:TenantPerSecond"] = "30", ["Delivery:RateLimits:SafetyMargin"] = "00:00:00.1" });

        var options = services.GetRequiredService<IOptions<TeamsRateLimitOptions>>().Value;

        Assert.Equal(30, options.TenantPerSecond);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.SafetyMargin);
    }

    [Fact]
    public void AddTeamsRateLimiter_InvalidValues_FailWithKeyNames()
    {
        using var services = Build(new()
        {
            ["Delivery:RateLimits:TenantPerSecond"] = "0",
            ["Delivery:RateLimits:PerThreadPer1Second"] = "-3",
            ["Delivery:RateLimits:BackoffMax"] = "00:00:01",
            ["Delivery:RateLimits:GlobalSlowdownFactor"] = "1.5",
        });

        var ex = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<TeamsRateLimitOptions>>().Value);

        Assert.Contains(ex.Failures, f => f.Contains("Delivery:RateLimits:TenantPerSecond is 0", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Delivery:RateLimits:PerThreadPer1Second is -3", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Delivery:RateLimits:BackoffMax", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("Delivery:RateLimits:GlobalSlowdownFactor", StringComparison.Ordinal));
    }

    [Fact]
    public void Constructor_InvalidOptions_Throws()
    {
        var options = Options.Create(new TeamsRateLimitOptions { SafetyMargin = TimeSpan.FromSeconds(5) });

        var ex = Assert.Throws<OptionsValidationException>(() => new TeamsRateLimiter(options, TimeProvider.System));

        Assert.Contains("SafetyMargin", ex.Message, StringComparison.Ordinal);
    }
}
