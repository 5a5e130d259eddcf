using System.Diagnostics;
using System.Text;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
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
    public void ValidateCard_EveryModelType_PassesWithNoErrorsOrWarnings()
    {
        var submit = new ActionExecute("Ask", CardVerbs.TopicAskExpert) { Data = CardJson.Data(new AskExpertData("t-1")) }.WithSubmitFallback();
        var mention = new CardMention("29:dana", "Dana");
        var card = new AdaptiveCard([
            new TextBlock($"Hello {mention.Text}") { Id = "hello", Size = TextSize.Large, Weight = TextWeight.Bolder, Color = TextColor.Accent, Style = TextBlockStyle.Heading, FontType = FontType.Monospace, MaxLines = 2, Wrap = true },
            new RichTextBlock([new TextRun("plain "), new TextRun("struck") { Strikethrough = true, Italic = true, Highlight = true, Color = TextColor.Attention }]),
            new Container([new TextBlock("in a box")]) { Style = ContainerStyle.Emphasis, Bleed = true, VerticalContentAlignment = VerticalAlignment.Center, Separator = true, Spacing = Spacing.Large },
            new ColumnSet([new Column([new TextBlock("a")]) { Width = "auto" }, new Column([new TextBlock("b")]) { Width = "80px", Style = ContainerStyle.Good }]),
            new FactSet([new Fact("k", "v")]),
            new Image(new Uri("https://example.com/logo.png"), "Logo") { Size = ImageSize.Small, Style = ImageStyle.Person },
            new ImageSet([new Image(new Uri("https://example.com/a.png"), "A")]) { ImageSize = ImageSize.Medium },
            new Table([new(1), new(2)], [new TableRow([new TableCell([new TextBlock("h1")]), new TableCell([new TextBlock("h2")])])]) { FirstRowAsHeader = true, ShowGridLines = true, GridStyle = ContainerStyle.Accent },
            new InputText("t", "Text") { IsRequired = true, ErrorMessage = "Required", MaxLength = 10, IsMultiline = true, Placeholder = "p", Regex = "^a", Style = TextInputStyle.Email },
            new InputChoiceSet("c", "Choice", [new Choice("One", "1"), new Choice("Two", "2")]) { Style = ChoiceInputStyle.Expanded, IsMultiSelect = false, Value = "1" },
            new InputToggle("g", "Toggle", "On?") { Value = "true", ValueOn = "true", ValueOff = "false" },
            new InputDate("d", "Date") { Min = "2026-01-01", Max = "2026-12-31" },
            new ChartLine([new ChartSeries("s", [new ChartPoint("x", 1)])], new TextBlock("line fallback")) { Title = "Line", XAxisTitle = "x", YAxisTitle = "y" },
            new ChartVerticalBar([new ChartPoint("x", 1) { Color = "good" }], new TextBlock("bar fallback")),
            new ChartPie([new ChartSlice("a", 1)], new TextBlock("pie fallback")) { ColorSet = "categorical" },
            new ChartDonut([new ChartSlice("a", 1) { Color = "warning" }], new FactSet([new Fact("a", "1")])),
            new ActionSet([submit, new ActionToggleVisibility("Toggle", ["hello"]), new ActionOpenUrl("Open", new Uri("https://example.com"))]),
        ])
        {
            Actions =
            [
                new ActionShowCard("More", new AdaptiveCard([new InputText("note", "Note")]) { Actions = [new ActionExecute("Send", "x.send") { AssociatedInputs = AssociatedInputs.Auto }] }),
                new ActionExecute("Go", "x.go") { Style = ActionStyle.Positive, Mode = ActionMode.Secondary, Tooltip = "tip", IsEnabled = true },
            ],
            Refresh = CardRefresh.For(new ActionExecute("Refresh", "x.refresh"), ["29:a"]),
            MsTeams = TeamsCardProperties.FullWidth([mention]),
            FallbackText = "fallback",
        };
        File.WriteAllText(Path.Combine(dir, "every-model-type.json"), CardJson.SerializeIndented(card));

        var (exitCode, output) = RunValidator(dir);

        Assert.True(exitCode == 0, $"validate-card.js exit {exitCode}:\n{output}");
        Assert.Contains("cards: 1 passed, 0 failed", output, StringComparison.Ordinal);
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
