using System.IO.Compression;
using System.Text.Json;
using CrisisBot.Features.Crisis;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Tests.Cli;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.Crisis.Export;

/// <summary><c>export crisis &lt;id&gt;</c> through the real CLI entry on a temp SQLite folder.</summary>
public sealed class CrisisExportCommandTests : IDisposable
{
    private readonly TempDirectory _temp = new();
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero));

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        _temp.Dispose();
    }

    private string Data => _temp.Combine("data");

    private Task<CliRunner.CliRun> RunAsync(params string[] args) =>
        CliRunner.RunAsync(new CliHost(AppContext.BaseDirectory, _time), [.. args, "--set", $"Storage:DataDirectory={Data}", "--set", "Logging:LogLevel:Default=Warning"]);

    private async Task<int> SeedAsync()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Storage:DataDirectory"] = Data }).Build();
        await using var services = new ServiceCollection().AddLogging().AddSingleton<IConfiguration>(configuration).AddSingleton<TimeProvider>(_time)
            .AddStorage(configuration).BuildServiceProvider();
        await services.MigrateStorageAsync();
        await using var db = await services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync();
        var crisis = CrisisRecord.Declare("Storm, \"Ciara\"", [], "=cmd", new CrisisActor("lead", "Lena"),
            new CrisisChannel("19:c@thread.tacv2", "Crisis", "19:t@thread.tacv2", "Care", "https://smba.trafficmanager.net/emea/", "tenant", CrisisRecord.OriginLinked, null),
            4, _time.GetUtcNow().AddHours(-2), null);
        db.Add(crisis);
        await db.SaveChangesAsync();
        return crisis.Id;
    }

    [Fact]
    public async Task ExportCrisis_Existing_WritesTheZipWithManifest()
    {
        var id = await SeedAsync();
        var path = _temp.Combine("out.zip");

        var run = await RunAsync("export", "crisis", id.ToString(System.Globalization.CultureInfo.InvariantCulture), "--out", path);

        Assert.True(run.ExitCode == CliExitCodes.Success, run.Error);
        Assert.Contains("Storm, \"Ciara\"", run.Output, StringComparison.Ordinal);
        using var zip = ZipFile.OpenRead(path);
        using var manifest = JsonDocument.Parse(zip.GetEntry("manifest.json")!.Open());
        Assert.Equal(id, manifest.RootElement.GetProperty("crisisId").GetInt32());
        using var reader = new StreamReader(zip.GetEntry("crisis.csv")!.Open());
        var csv = CsvParser.Parse(await reader.ReadToEndAsync());
        Assert.Equal(2, csv.Count);
        Assert.Equal("Storm, \"Ciara\"", csv[1][Array.IndexOf(csv[0], "Name")]);
        Assert.Equal("'=cmd", csv[1][Array.IndexOf(csv[0], "Reason")]);
        Assert.False(File.Exists(path + ".partial"));
    }

    [Theory]
    [InlineData("7", "there is no crisis #7")]
    [InlineData("seven", "'seven' is not a crisis number")]
    [InlineData("0", "is not a crisis number")]
    public async Task ExportCrisis_UnknownOrMalformedId_UsageErrorAndNoFile(string id, string message)
    {
        await SeedAsync();
        var path = _temp.Combine("out.zip");

        var run = await RunAsync("export", "crisis", id, "--out", path);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains(message, run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(path));
        Assert.False(File.Exists(path + ".partial"));
    }
}
