using System.Net;
using CrisisBot.Features.Summaries;
using CrisisBot.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.Summaries;

public sealed class SummaryChartTests
{
    private static readonly byte[] PngMagic = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    [Fact]
    public async Task RenderPng_DataSet_IsAPngOfTheConfiguredSize()
    {
        await using var host = await SummaryTestHost.StartAsync();
        await using (var db = await host.ContextAsync())
        {
            await SummaryDataSet.SeedAsync(db, SummaryTestHost.Start);
        }

        var input = await host.Get<SummaryBuilder>().BuildAsync(SummaryBuilder.NewId(), SummaryPeriod.Last24Hours);
        var png = SummaryChartRenderer.RenderPng(input);

        Assert.Equal(PngMagic, png[..8]);
        // IHDR: width and height, big-endian, at bytes 16..23.
        Assert.Equal(SummaryChartRenderer.Width, (png[16] << 24) | (png[17] << 16) | (png[18] << 8) | png[19]);
        Assert.Equal(SummaryChartRenderer.Height, (png[20] << 24) | (png[21] << 16) | (png[22] << 8) | png[23]);
        if (Environment.GetEnvironmentVariable("CRISISBOT_CHART_OUT") is { Length: > 0 } path)
        {
            await File.WriteAllBytesAsync(path, png);
        }
    }

    [Fact]
    public async Task ChartUrl_SignedThenTamperedOrExpired_ChecksEachCase()
    {
        await using var host = await SummaryTestHost.StartAsync(extra: new() { ["Summaries:ChartUrlLifetime"] = "01:00:00" });
        var signer = host.Get<ChartUrlSigner>();
        var id = SummaryBuilder.NewId();

        var path = await signer.SignedPathAsync(id);
        var query = System.Web.HttpUtility.ParseQueryString(new Uri("https://x" + path).Query);
        var (exp, sig) = (query["exp"], query["sig"]);

        Assert.StartsWith($"/charts/{id}.png?exp=", path, StringComparison.Ordinal);
        Assert.Equal((SummaryTestHost.Start + TimeSpan.FromHours(1)).ToUnixTimeSeconds().ToString(System.Globalization.CultureInfo.InvariantCulture), exp);
        Assert.Equal(ChartUrlCheck.Valid, await signer.CheckAsync(id, exp, sig));
        Assert.Equal(ChartUrlCheck.BadSignature, await signer.CheckAsync(SummaryBuilder.NewId(), exp, sig));
        Assert.Equal(ChartUrlCheck.BadSignature, await signer.CheckAsync(id, (long.Parse(exp!, System.Globalization.CultureInfo.InvariantCulture) + 3600).ToString(System.Globalization.CultureInfo.InvariantCulture), sig));
        Assert.Equal(ChartUrlCheck.BadSignature, await signer.CheckAsync(id, exp, sig![..^2] + (sig[^2] == 'A' ? "BB" : "AA")));
        Assert.Equal(ChartUrlCheck.BadSignature, await signer.CheckAsync(id, exp, null));
        Assert.Equal(ChartUrlCheck.BadSignature, await signer.CheckAsync(id, "soon", sig));

        host.Time.Advance(TimeSpan.FromMinutes(59));
        Assert.Equal(ChartUrlCheck.Valid, await signer.CheckAsync(id, exp, sig));
        host.Time.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(ChartUrlCheck.Expired, await signer.CheckAsync(id, exp, sig));

        // The generated key is stored, so another instance (a new signer on the same database) accepts the same URL.
        var stored = Assert.Single(await host.RowsAsync<SummaryKey>());
        Assert.Equal(32, Convert.FromBase64String(stored.Key).Length);
        Assert.Equal(ChartUrlSigner.Sign(Convert.FromBase64String(stored.Key), id, long.Parse(exp!, System.Globalization.CultureInfo.InvariantCulture)), sig);
    }

    [Fact]
    public async Task ChartEndpoint_ValidBadAndExpiredLinks_200_403_410()
    {
        var clock = new FakeTimeProvider(SummaryTestHost.Start);
        using var factory = CrisisBotFactory.LocalMode()
            .WithSetting("Summaries:ChartUrlLifetime", "00:30:00")
            .WithSetting("Summaries:PublicBaseUrl", "https://crisisbot.contoso.example")
            .WithServices(s => s.Replace(ServiceDescriptor.Singleton<TimeProvider>(clock)));
        using var client = factory.CreateClient();
        var summaries = factory.Services.GetRequiredService<SummaryService>();
        var outcome = await summaries.GenerateAsync(SummaryPeriod.Last24Hours, StoredSummary.TriggerOnDemand,
            new SummaryTarget("https://smba.trafficmanager.net/emea/", "tenant", "a:personal", false), ("u", "User"));
        var id = outcome.Summary!.Id;
        var card = (await summaries.CardAsync(id))!.Value.GetRawText();
        var url = System.Text.RegularExpressions.Regex.Match(card, "https://crisisbot\\.contoso\\.example(/charts/[0-9a-f]{32}\\.png\\?exp=\\d+&sig=[A-Za-z0-9_-]+)").Groups[1].Value;
        Assert.NotEmpty(url); // the card's chart fallback is the signed image

        using var ok = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal("image/png", ok.Content.Headers.ContentType!.MediaType);
        Assert.Equal(PngMagic, (await ok.Content.ReadAsByteArrayAsync())[..8]);

        using var tampered = await client.GetAsync(new Uri(url.Replace("sig=", "sig=x", StringComparison.Ordinal), UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
        Assert.NotEqual("image/png", tampered.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("PNG", await tampered.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        using var unsigned = await client.GetAsync(new Uri($"/charts/{id}.png", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, unsigned.StatusCode);

        clock.Advance(TimeSpan.FromMinutes(31));
        using var expired = await client.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.Gone, expired.StatusCode);
        Assert.NotEqual("image/png", expired.Content.Headers.ContentType?.MediaType);

        using var unknown = await client.GetAsync(new Uri("/charts/not-an-id.png", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }
}
