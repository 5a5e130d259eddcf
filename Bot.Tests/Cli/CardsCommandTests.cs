using System.Text.Json;
using CrisisBot.Cards.Samples;

namespace CrisisBot.Tests.Cli;

public class CardsCommandTests
{
    [Fact]
    public async Task CardsExport_WritesEverySampleAsAdaptiveCardJson()
    {
        using var dir = new TempDirectory();
        var target = dir.Combine("out", "cards");

        var run = await CliRunner.RunAsync("cards", "export", target);

        Assert.Equal(0, run.ExitCode);
        Assert.Contains($"Wrote {CardSamples.All.Count} cards", run.Output, StringComparison.Ordinal);
        var files = Directory.GetFiles(target, "*.json").Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(CardSamples.All.Select(s => s.FileName).Order(StringComparer.Ordinal), files);
        foreach (var file in Directory.GetFiles(target, "*.json"))
        {
            using var json = JsonDocument.Parse(File.ReadAllText(file));
            Assert.Equal("AdaptiveCard", json.RootElement.GetProperty("type").GetString());
            Assert.Equal("1.5", json.RootElement.GetProperty("version").GetString());
        }
    }

    [Fact]
    public async Task CardsExport_IntoAFile_FailsWithAClearError()
    {
        using var dir = new TempDirectory();
        var file = dir.Combine("not-a-folder");
        await File.WriteAllTextAsync(file, "x");

        var run = await CliRunner.RunAsync("cards", "export", file);

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("cannot write cards", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CardsExport_WithoutDirectory_IsAUsageError()
    {
        var run = await CliRunner.RunAsync("cards", "export");

        Assert.Equal(2, run.ExitCode);
    }

    [Fact]
    public async Task Help_ListsTheCardsCommand()
    {
        var run = await CliRunner.RunAsync("--help");

        Assert.Equal(0, run.ExitCode);
        Assert.Contains("cards", run.Output, StringComparison.Ordinal);
    }
}
