using CrisisBot.Features.Channels;
using Microsoft.Extensions.Options;

namespace CrisisBot.Tests.Features.Channels;

public sealed class ChannelsOptionsValidatorTests
{
    [Fact]
    public void Validate_GuidsAndUpns_Succeed()
    {
        var options = new ChannelsOptions();
        options.Admins.Add("aaaaaaaa-0000-0000-0000-000000000001");
        options.Admins.Add("carol@contoso.test");

        Assert.True(new ChannelsOptionsValidator().Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_BadEntries_NameTheKey()
    {
        var options = new ChannelsOptions();
        options.Admins.Add("carol");
        options.Admins.Add(" ");

        var result = new ChannelsOptionsValidator().Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains("Bot:Admins:0 'carol' is neither an Entra object id (GUID) nor a UPN", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains("Bot:Admins:1 is empty", result.FailureMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AddChannelsFeature_InvalidAdmin_FailsOptionsResolution()
    {
        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => ChannelsTestHost.StartAsync("not-an-admin").ContinueWith(async t =>
        {
            await using var host = await t;
            _ = host.Get<IOptions<ChannelsOptions>>().Value;
        }).Unwrap());

        Assert.Contains("'not-an-admin'", error.Message, StringComparison.Ordinal);
    }
}
