using System.IO.Compression;
using System.Text.Json.Nodes;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Tests.Cli;
using static CrisisBot.Tests.Manifest.ManifestTestSupport;

namespace CrisisBot.Tests.Manifest;

public class ManifestPackTests
{
    [Fact]
    public async Task ManifestPack_ValidBotId_WritesZipWithManifestAndIconsAtRoot()
    {
        using var dir = new TempDirectory();
        var zipPath = dir.Combine("out", "crisisbot.zip");

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", zipPath);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains(zipPath, run.Output, StringComparison.Ordinal);
        Assert.Equal("", run.Error);
        using (var zip = ZipFile.OpenRead(zipPath))
        {
            Assert.Equal(["color.png", "manifest.json", "outline.png"], zip.Entries.Select(e => e.FullName).Order(StringComparer.Ordinal));
        }

        var manifest = ReadZipManifest(zipPath);
        Assert.Equal(BotId, (string?)manifest["id"]);
        Assert.Equal(BotId, (string?)manifest["bots"]![0]!["botId"]);
        Assert.DoesNotContain("${{", manifest.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal((192, 192), ReadPngSize(ReadZipEntry(zipPath, (string)manifest["icons"]!["color"]!)));
        Assert.Equal((32, 32), ReadPngSize(ReadZipEntry(zipPath, (string)manifest["icons"]!["outline"]!)));
    }

    [Fact]
    public async Task ManifestPack_VersionOption_StampsVersionAndKeepsTheRest()
    {
        using var dir = new TempDirectory();
        var zipPath = dir.Combine("crisisbot.zip");

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", zipPath, "--version", "2.3.4-rc.1");

        Assert.Equal(0, run.ExitCode);
        var manifest = ReadZipManifest(zipPath);
        Assert.Equal("2.3.4-rc.1", (string?)manifest["version"]);
        var source = JsonNode.Parse(File.ReadAllText(Path.Combine(SourceManifestDirectory, "manifest.json")))!;
        Assert.Equal((string?)source["name"]!["short"], (string?)manifest["name"]!["short"]);
        Assert.Equal((string?)source["manifestVersion"], (string?)manifest["manifestVersion"]);
    }

    [Theory]
    [InlineData("not-a-guid")]
    [InlineData("3f2504e04f8911d39a0c0305e82c3301")]
    [InlineData("00000000-0000-0000-0000-000000000000")]
    [InlineData("3f2504e0-4f89-11d3-9a0c-0305e82c330")]
    public async Task ManifestPack_BadBotId_ReturnsUsageErrorAndWritesNothing(string botId)
    {
        using var dir = new TempDirectory();
        var zipPath = dir.Combine("crisisbot.zip");

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", botId, "--out", zipPath);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains($"Bot id '{botId}' is not a GUID", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(zipPath));
    }

    [Fact]
    public async Task ManifestPack_NoBotIdAnywhere_ReturnsUsageErrorNamingTheConfigKey()
    {
        using var dir = new TempDirectory();
        CopySources(dir.Combine("manifest"));
        var host = new CliHost(dir.Path, TimeProvider.System, _ => null);

        var run = await CliRunner.RunAsync(host, "manifest", "pack", "--out", dir.Combine("crisisbot.zip"));

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("no bot id", run.Error, StringComparison.Ordinal);
        Assert.Contains("MicrosoftAppId", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPack_NoBotIdOption_FallsBackToMicrosoftAppIdFromAppSettings()
    {
        using var dir = new TempDirectory();
        CopySources(dir.Combine("manifest"));
        File.WriteAllText(dir.Combine("appsettings.json"), $$"""{ "MicrosoftAppId": "{{BotId}}" }""");
        var host = new CliHost(dir.Path, TimeProvider.System, _ => null);
        var zipPath = dir.Combine("crisisbot.zip");

        var run = await CliRunner.RunAsync(host, "manifest", "pack", "--out", zipPath);

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(BotId, (string?)ReadZipManifest(zipPath)["bots"]![0]!["botId"]);
    }

    [Fact]
    public async Task ManifestPack_SetOverride_WinsOverAppSettings()
    {
        const string other = "0b4d3a62-7e21-4c3f-9d55-6f1e2a9c8b70";
        using var dir = new TempDirectory();
        CopySources(dir.Combine("manifest"));
        File.WriteAllText(dir.Combine("appsettings.json"), $$"""{ "MicrosoftAppId": "{{BotId}}" }""");
        var host = new CliHost(dir.Path, TimeProvider.System, _ => null);
        var zipPath = dir.Combine("crisisbot.zip");

        var run = await CliRunner.RunAsync(host, "manifest", "pack", "--out", zipPath, "--set", $"MicrosoftAppId={other}");

        Assert.Equal(0, run.ExitCode);
        Assert.Equal(other, (string?)ReadZipManifest(zipPath)["id"]);
    }

    [Fact]
    public async Task ManifestPack_UnknownToken_ReturnsUsageErrorNamingIt()
    {
        using var dir = new TempDirectory();
        var source = CopySources(dir.Combine("src"), m => m["developer"]!["websiteUrl"] = "https://${{BOT_DOMAIN}}/");

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", dir.Combine("a.zip"), "--source", source);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("${{BOT_DOMAIN}}", run.Error, StringComparison.Ordinal);
        Assert.Contains("developer.websiteUrl", run.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(dir.Combine("a.zip")));
    }

    [Fact]
    public async Task ManifestPack_ColorIconWrongSize_ReturnsUsageError()
    {
        using var dir = new TempDirectory();
        var source = CopySources(dir.Combine("src"));
        File.WriteAllBytes(Path.Combine(source, "color.png"), MakePng(100, 100));

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", dir.Combine("a.zip"), "--source", source);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("100x100", run.Error, StringComparison.Ordinal);
        Assert.Contains("192x192", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPack_IconNotPng_ReturnsUsageError()
    {
        using var dir = new TempDirectory();
        var source = CopySources(dir.Combine("src"));
        File.WriteAllText(Path.Combine(source, "outline.png"), "GIF89a not really");

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", dir.Combine("a.zip"), "--source", source);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("icons.outline", run.Error, StringComparison.Ordinal);
        Assert.Contains("not a PNG", run.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("1.0")]
    [InlineData("v1.0.0")]
    [InlineData("01.0.0")]
    public async Task ManifestPack_BadVersion_ReturnsUsageError(string version)
    {
        using var dir = new TempDirectory();

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", dir.Combine("a.zip"), "--version", version);

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("not semver", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPack_MissingSources_ReturnsUsageError()
    {
        using var dir = new TempDirectory();

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", dir.Combine("a.zip"), "--source", dir.Combine("nowhere"));

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains("Manifest sources not found", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPack_OutNotZip_ReturnsUsageError()
    {
        using var dir = new TempDirectory();

        var run = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", dir.Combine("crisisbot.json"));

        Assert.Equal(CliExitCodes.UsageError, run.ExitCode);
        Assert.Contains(".zip", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManifestPack_SameInputsTwice_ProducesIdenticalPackages()
    {
        using var dir = new TempDirectory();

        var first = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", dir.Combine("a.zip"));
        var second = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", dir.Combine("b.zip"));

        Assert.Equal(0, first.ExitCode);
        Assert.Equal(0, second.ExitCode);
        Assert.Equal(File.ReadAllBytes(dir.Combine("a.zip")), File.ReadAllBytes(dir.Combine("b.zip")));
    }

    [Fact]
    public async Task BotDll_ManifestPackFromAnotherWorkingDirectory_WritesPackage()
    {
        // Program.cs routes a command to the CLI, and the CLI finds manifest/ next to Bot.dll, not in the working directory.
        var testOutput = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var botDll = Path.Combine(RepoRoot, "Bot", "bin", testOutput.Parent!.Name, testOutput.Name, "Bot.dll");
        Assert.True(File.Exists(botDll), $"{botDll} not found; build the solution first");
        using var dir = new TempDirectory();

        var run = await RunProcessAsync("dotnet", dir.Path, botDll, "manifest", "pack", "--bot-id", BotId, "--out", "pkg/crisisbot.zip");

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Output}{run.Error}");
        Assert.Equal(BotId, (string?)ReadZipManifest(dir.Combine("pkg", "crisisbot.zip"))["id"]);
    }
}
