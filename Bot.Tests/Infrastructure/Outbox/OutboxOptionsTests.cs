using CrisisBot.Infrastructure.Outbox;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Infrastructure.Outbox;

public sealed class OutboxOptionsTests
{
    private static OutboxOptions Resolve(params (string Key, string Value)[] settings)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)))
            .Build();
        using var services = new ServiceCollection().AddLogging().AddOutbox(configuration).BuildServiceProvider();
        return services.GetRequiredService<IOptions<OutboxOptions>>().Value;
    }

    [Fact]
    public void Defaults_MatchTheDocumentation()
    {
        var options = Resolve();

        Assert.Equal((8, 200, 32), (options.MaxAttempts, options.BatchSize, options.MaxConcurrency));
        Assert.Equal((TimeSpan.FromMinutes(2), TimeSpan.FromSeconds(5)), (options.LeaseDuration, options.ReplyWaitTimeout));
        Assert.True(options.WorkerEnabled);
    }

    [Fact]
    public void Configured_Bound()
    {
        var options = Resolve(("Outbox:MaxAttempts", "3"), ("Outbox:LeaseDuration", "00:00:30"), ("Outbox:InstanceId", "bot-a"));

        Assert.Equal((3, TimeSpan.FromSeconds(30), "bot-a"), (options.MaxAttempts, options.LeaseDuration, options.InstanceId));
    }

    [Theory]
    [InlineData("Outbox:MaxAttempts", "0", "MaxAttempts")]
    [InlineData("Outbox:BatchSize", "0", "BatchSize")]
    [InlineData("Outbox:LeaseDuration", "00:00:00", "LeaseDuration")]
    [InlineData("Outbox:ReplyWaitTimeout", "00:05:00", "ReplyWaitTimeout")]
    public void Invalid_ValidationErrorNamesTheKey(string key, string value, string expected)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => Resolve((key, value)));

        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
