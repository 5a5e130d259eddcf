using System.Text;
using CrisisBot.Cards;
using CrisisBot.Cards.Samples;

namespace CrisisBot.Tests.Cards;

/// <summary>
/// Golden files of every sample card (Bot.Tests/Cards/Snapshots/&lt;name&gt;.&lt;variant&gt;.json), so a change to a
/// card's JSON is always deliberate. Run with UPDATE_SNAPSHOTS=1 to rewrite them, then review the diff.
/// </summary>
public class CardSnapshotTests
{
    private static bool Updating => Environment.GetEnvironmentVariable("UPDATE_SNAPSHOTS") == "1";

    public static TheoryData<string> SampleFiles() => CardSamplesTests.SampleFiles();

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_MatchesSnapshot(string fileName)
    {
        var sample = CardSamples.All.Single(s => s.FileName == fileName);
        var actual = CardJson.SerializeIndented(sample.Card) + "\n";
        var path = Path.Combine(RepoPaths.Snapshots, fileName);
        if (Updating)
        {
            Directory.CreateDirectory(RepoPaths.Snapshots);
            File.WriteAllText(path, actual, new UTF8Encoding(false));
            return;
        }

        Assert.True(File.Exists(path), $"Snapshot {path} is missing: run the tests with UPDATE_SNAPSHOTS=1 and commit it.");
        var expected = File.ReadAllText(path).ReplaceLineEndings("\n");
        if (expected != actual)
        {
            var index = Enumerable.Range(0, Math.Min(expected.Length, actual.Length)).FirstOrDefault(i => expected[i] != actual[i], Math.Min(expected.Length, actual.Length));
            var line = expected.AsSpan(0, Math.Min(index, expected.Length)).Count('\n') + 1;
            Assert.Fail($"{fileName} differs from its snapshot at line {line}. If the change is intended, run with UPDATE_SNAPSHOTS=1.\n"
                + $"expected: {Excerpt(expected, index)}\nactual:   {Excerpt(actual, index)}");
        }
    }

    [Fact]
    public void Snapshots_NoStaleFiles()
    {
        var expected = CardSamples.All.Select(s => s.FileName).ToHashSet(StringComparer.Ordinal);
        var stale = Directory.Exists(RepoPaths.Snapshots)
            ? Directory.GetFiles(RepoPaths.Snapshots, "*.json").Select(Path.GetFileName).Where(f => !expected.Contains(f!)).ToArray()
            : [];
        if (Updating)
        {
            foreach (var file in stale)
            {
                File.Delete(Path.Combine(RepoPaths.Snapshots, file!));
            }

            return;
        }

        Assert.Empty(stale);
    }

    [Fact]
    public void Samples_AreDeterministic()
    {
        var first = CardJson.Serialize(CardSamples.All[0].Card);
        var again = CardJson.Serialize(CardSamples.All[0].Card);
        Assert.Equal(first, again);
        Assert.Contains("As of 2026-11-22 14:00 UTC", CardJson.Serialize(CardSamples.All.Single(s => s.FileName == "status.typical.json").Card), StringComparison.Ordinal);
    }

    private static string Excerpt(string text, int index)
    {
        var start = Math.Max(0, index - 40);
        var length = Math.Min(text.Length - start, 100);
        return text.Substring(start, Math.Max(0, length)).ReplaceLineEndings("⏎");
    }
}
