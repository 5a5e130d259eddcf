using System.IO.Compression;
using System.Text.Json.Nodes;
using CrisisBot.Tests.Cli;
using static CrisisBot.Tests.Manifest.ManifestTestSupport;

namespace CrisisBot.Tests.Manifest;

/// <summary>
/// The packed manifest against Microsoft's schema bundled in @microsoft/app-manifest, through
/// tools/manifest-validator/validate-manifest.js (needs `npm ci` in that folder).
/// </summary>
public class ManifestValidatorTests
{
    [Fact]
    public async Task Validator_PackedZip_Passes()
    {
        using var dir = new TempDirectory();
        var zipPath = await PackAsync(dir);

        var run = await ValidateAsync("--expect-version", ExpectedManifestVersion, zipPath);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Equal("manifests: 1 passed, 0 failed", LastLine(run.Output));
    }

    [Fact]
    public async Task Validator_SourceFolderWithFilledTokens_Passes()
    {
        var run = await ValidateAsync("--fill-tokens", "--expect-version", ExpectedManifestVersion, SourceManifestDirectory);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
    }

    [Fact]
    public async Task Validator_ChannelScope_FailsWithSchemaError()
    {
        using var dir = new TempDirectory();
        var zipPath = await PackAsync(dir);
        RewriteManifest(zipPath, m => m["bots"]![0]!["scopes"]!.AsArray().Add("channel"));

        var run = await ValidateAsync("--expect-version", ExpectedManifestVersion, zipPath);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("/bots/0/scopes/3 must be equal to one of the allowed values", run.Output, StringComparison.Ordinal);
        Assert.Equal("manifests: 0 passed, 1 failed", LastLine(run.Output));
    }

    [Fact]
    public async Task Validator_ColorIcon100x100_FailsWithIconRule()
    {
        using var dir = new TempDirectory();
        var zipPath = await PackAsync(dir);
        using (var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update))
        {
            zip.GetEntry("color.png")!.Delete();
            using var stream = zip.CreateEntry("color.png").Open();
            stream.Write(MakePng(100, 100));
        }

        var run = await ValidateAsync(zipPath);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("[extra] icons.color \"color.png\" is 100x100, must be 192x192", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validator_ExpectVersionMismatch_Fails()
    {
        using var dir = new TempDirectory();
        var zipPath = await PackAsync(dir);

        var run = await ValidateAsync("--expect-version", "1.30", zipPath);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("expected \"1.30\"", run.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validator_NoInput_ReturnsUsageError()
    {
        var run = await ValidateAsync();

        Assert.Equal(2, run.ExitCode);
        Assert.Contains("no input given", run.Error, StringComparison.Ordinal);
    }

    private static async Task<string> PackAsync(TempDirectory dir)
    {
        var zipPath = dir.Combine("crisisbot.zip");
        var pack = await CliRunner.RunAsync("manifest", "pack", "--bot-id", BotId, "--out", zipPath);
        Assert.True(pack.ExitCode == 0, pack.Error);
        return zipPath;
    }

    private static void RewriteManifest(string zipPath, Action<JsonObject> edit)
    {
        var manifest = ReadZipManifest(zipPath);
        edit(manifest);
        using var zip = ZipFile.Open(zipPath, ZipArchiveMode.Update);
        zip.GetEntry("manifest.json")!.Delete();
        using var writer = new StreamWriter(zip.CreateEntry("manifest.json").Open());
        writer.Write(manifest.ToJsonString());
    }

    private static async Task<ProcessRun> ValidateAsync(params string[] args)
    {
        var toolDir = Path.Combine(RepoRoot, "tools", "manifest-validator");
        Assert.True(
            Directory.Exists(Path.Combine(toolDir, "node_modules", "@microsoft", "app-manifest")),
            $"The manifest validator's packages are missing: run `npm ci` in {toolDir}.");
        return await RunProcessAsync("node", toolDir, [Path.Combine(toolDir, "validate-manifest.js"), .. args]);
    }

    private static string LastLine(string output) =>
        output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
}
