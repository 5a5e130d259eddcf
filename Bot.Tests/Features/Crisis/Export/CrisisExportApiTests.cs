using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using CrisisBot.Features.Crisis;
using CrisisBot.Features.Crisis.Export;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace CrisisBot.Tests.Features.Crisis.Export;

/// <summary>GET /api/crisis/{id}/export: admin keys only (also in local mode), problem+json errors, the zip.</summary>
public sealed class CrisisExportApiTests
{
    private const string AdminKey = "export-admin-key-0123456789";
    private const string ReadKey = "read-key-0123456789abcdef";

    private static CrisisBotFactory Factory() => CrisisBotFactory.LocalMode()
        .WithSetting("Export:Keys:0", AdminKey)
        .WithSetting("Api:Keys:0", ReadKey);

    private static async Task<HttpResponseMessage> GetAsync(HttpClient client, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await client.SendAsync(request);
    }

    private static async Task<int> SeedCrisisAsync(CrisisBotFactory factory)
    {
        await using var db = await factory.Services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        var crisis = CrisisRecord.Declare("Storm", [], "Storm damage", new CrisisActor("lead", "Lena"),
            new CrisisChannel("19:c@thread.tacv2", "Crisis", "19:t@thread.tacv2", "Care", "https://smba.trafficmanager.net/emea/", "tenant", CrisisRecord.OriginLinked, null),
            4, TimeProvider.System.GetUtcNow().AddHours(-1), null);
        db.Add(crisis);
        await db.SaveChangesAsync();
        return crisis.Id;
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal((int)status, body.GetProperty("status").GetInt32());
        Assert.Contains(detail, body.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_NoKeyEvenInLocalMode_401()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var response = await GetAsync(client, "/api/crisis/1/export");
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "Authorization: Bearer");
    }

    [Fact]
    public async Task Get_WrongKey_401()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var response = await GetAsync(client, "/api/crisis/1/export", "not-a-key-at-all-123456");
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized, "does not match");
    }

    [Fact]
    public async Task Get_ReadApiKeyNotAdmin_403()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var response = await GetAsync(client, "/api/crisis/1/export", ReadKey);
        await AssertProblemAsync(response, HttpStatusCode.Forbidden, "not export crises");
    }

    [Fact]
    public async Task Get_NoExportKeysConfigured_503()
    {
        using var factory = CrisisBotFactory.LocalMode();
        using var client = factory.CreateClient();
        using var response = await GetAsync(client, "/api/crisis/1/export", AdminKey);
        await AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, "Export:Keys");
    }

    [Theory]
    [InlineData("999", HttpStatusCode.NotFound, "There is no crisis #999")]
    [InlineData("abc", HttpStatusCode.BadRequest, "not a crisis number")]
    public async Task Get_UnknownOrMalformedId_ProblemWithTheReason(string id, HttpStatusCode status, string detail)
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        using var response = await GetAsync(client, $"/api/crisis/{id}/export", AdminKey);
        await AssertProblemAsync(response, status, detail);
    }

    [Fact]
    public async Task Get_AdminKey_ZipWithManifest()
    {
        using var factory = Factory();
        using var client = factory.CreateClient();
        var id = await SeedCrisisAsync(factory);
        using var response = await GetAsync(client, $"/api/crisis/{id}/export", AdminKey);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/zip", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal($"crisis-{id}-export.zip", response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName);
        await using var body = await response.Content.ReadAsStreamAsync();
        using var zip = new ZipArchive(body, ZipArchiveMode.Read);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        Assert.Equal("Storm", manifest.RootElement.GetProperty("crisisName").GetString());
        Assert.Equal("active", manifest.RootElement.GetProperty("status").GetString());
        Assert.NotNull(zip.GetEntry("crisis.csv"));
        Assert.NotNull(zip.GetEntry("posts.jsonl"));
    }
}
