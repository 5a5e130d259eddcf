using System.Diagnostics;
using System.Text;
using CrisisBot.Cards.Samples;

namespace CrisisBot.Tests.Cards;

/// <summary>
/// Every sample card (typical, empty, worst case, each role view) must pass Microsoft's adaptivecards 3.0.6 parser
/// with Teams' host config and the official 1.5 JSON Schema, with 0 errors and 0 warnings (tools/card-validator).
/// </summary>
public sealed class OfficialParserTests : IDisposable
{
    private readonly string dir = Path.Combine(Path.GetTempPath(), "crisisbot-parser-" + Guid.NewGuid().ToString("N"));

    public OfficialParserTests() => Directory.CreateDirectory(dir);

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void ValidateCard_AllSamples_PassWithNoErrorsOrWarnings()
    {
        var paths = CardSamples.ExportAll(dir);

        var (exitCode, output) = RunValidator(dir);

        var problems = output.Split('\n').Where(l => l.StartsWith("  error", StringComparison.Ordinal) || l.StartsWith("  warning", StringComparison.Ordinal)).ToArray();
        Assert.True(exitCode == 0 && problems.Length == 0, $"validate-card.js exit {exitCode}:\n{output}");
        Assert.Contains($"cards: {paths.Count} passed, 0 failed", output, StringComparison.Ordinal);
    }

    [Fact]
    public void ValidateCard_BrokenCards_Fail()
    {
        var sevenActions = string.Join(",", Enumerable.Range(1, 7).Select(i => $$"""{"type":"Action.Execute","title":"A{{i}}","verb":"v{{i}}"}"""));
        File.WriteAllText(Path.Combine(dir, "too-many-actions.json"),
            $$"""{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"x"}],"actions":[{{sevenActions}}]}""");
        File.WriteAllText(Path.Combine(dir, "execute-without-verb.json"),
            """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","text":"x"}],"actions":[{"type":"Action.Execute","title":"Go"}]}""");
        File.WriteAllText(Path.Combine(dir, "chart-without-fallback.json"),
            """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Chart.Pie","data":[{"legend":"a","value":1}]}]}""");
        File.WriteAllText(Path.Combine(dir, "typo-property.json"),
            """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"TextBlock","txt":"x"}]}""");
        File.WriteAllText(Path.Combine(dir, "required-input-no-label.json"),
            """{"type":"AdaptiveCard","version":"1.5","body":[{"type":"Input.Text","id":"a","isRequired":true}]}""");

        var (exitCode, output) = RunValidator(dir);

        Assert.Equal(1, exitCode);
        Assert.Contains("cards: 0 passed, 5 failed", output, StringComparison.Ordinal);
        Assert.Contains("TooManyActions", output, StringComparison.Ordinal);
        Assert.Contains("[teams] Action.Execute without a verb", output, StringComparison.Ordinal);
        Assert.Contains("[teams] Chart.Pie at /body/0 needs an object \"fallback\"", output, StringComparison.Ordinal);
        Assert.Contains("additionalProperty\":\"txt\"", output, StringComparison.Ordinal);
        Assert.Contains("warning [sdk] validate RequiredInputsShouldHaveLabel", output, StringComparison.Ordinal);
    }

    private static (int ExitCode, string Output) RunValidator(string cardsDir)
    {
        var validator = RepoPaths.CardValidator;
        Assert.True(
            Directory.Exists(Path.Combine(validator, "node_modules", "adaptivecards")),
            $"tools/card-validator/node_modules is missing: run `npm ci --omit=peer` in {validator} first.");
        var schema = RepoPaths.Schema();
        Assert.True(schema is not null, $"Adaptive Card 1.5 schema not found: set {RepoPaths.SchemaEnvironmentVariable} to adaptive-card-1.5.json.");

        var start = new ProcessStartInfo("node")
        {
            WorkingDirectory = validator,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { Path.Combine(validator, "validate-card.js"), "--strict", "--schema", schema!, cardsDir })
        {
            start.ArgumentList.Add(arg);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(120)))
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail("validate-card.js did not finish within 120 s.");
        }

        var output = new StringBuilder().Append(stdout.Result).Append(stderr.Result).ToString();
        return (process.ExitCode, output);
    }
}
