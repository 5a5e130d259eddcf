using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Samples;
using CrisisBot.Cards.Templates;

namespace CrisisBot.Tests.Cards;

public class CardSamplesTests
{
    public static TheoryData<string> SampleFiles()
    {
        var data = new TheoryData<string>();
        foreach (var sample in CardSamples.All)
        {
            data.Add(sample.FileName);
        }

        return data;
    }

    private static CardSample Sample(string fileName) => CardSamples.All.Single(s => s.FileName == fileName);

    [Fact]
    public void All_CoversEveryCardInEveryVariant()
    {
        var names = CardSamples.All.Select(s => s.Name).Distinct().ToArray();
        string[] expected =
        [
            "help", "status", "links", "linked", "notAllowed", "hotTopic", "hotTopic.answered", "question.owner", "question.others",
            "answerReview.approver", "answerReview.others", "approvedAnswer", "faqEntry", "librarySearch", "superseded",
            "slaReminder", "slaEscalation", "slaLeadership", "askQuestion", "libraryReview", "leadershipSummary", "crisisDeclared", "standDownReport", "dutyOfCare",
            "crisisProposal", "statusUpdateRequest", "decisions", "standDownForm",
        ];
        Assert.Equal(expected.Order(), names.Order());
        foreach (var name in names)
        {
            var variants = CardSamples.All.Where(s => s.Name == name).Select(s => s.Variant).Order().ToArray();
            Assert.Equal([CardSamples.Empty, CardSamples.Typical, CardSamples.Worst], variants);
        }

        Assert.Equal(CardSamples.All.Count, CardSamples.All.Select(s => s.FileName).Distinct().Count());
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_WithinSizeBudget(string fileName)
    {
        var card = Sample(fileName).Card;
        var size = CardJson.Utf8Size(card);
        Assert.True(size <= CardBudget.MaxBytes, $"{fileName} is {size} bytes, over {CardBudget.MaxBytes}");
        Assert.True(System.Text.Encoding.UTF8.GetByteCount(CardJson.Serialize(card)) <= size, "relaxed form must not exceed the strict measure");
    }

    [Theory]
    [MemberData(nameof(SampleFiles))]
    public void Sample_AtMostSixActionsPerSetAnd60RefreshUsers(string fileName)
    {
        using var doc = JsonDocument.Parse(CardJson.Serialize(Sample(fileName).Card));
        var counts = new List<int>();
        Walk(doc.RootElement, counts);
        Assert.All(counts, c => Assert.InRange(c, 1, 6));
        if (doc.RootElement.TryGetProperty("refresh", out var refresh))
        {
            Assert.InRange(refresh.GetProperty("userIds").GetArrayLength(), 0, 60);
        }
    }

    [Theory]
    [InlineData("links.worst.json", "more links not shown")]
    [InlineData("help.worst.json", "more commands not shown")]
    [InlineData("librarySearch.worst.json", "more results")]
    [InlineData("leadershipSummary.worst.json", "and 4")]
    public void WorstSamples_LongListsAreCutWithANote(string fileName, string note)
    {
        var json = CardJson.Serialize(Sample(fileName).Card);
        Assert.Contains(note, json, StringComparison.Ordinal);
    }

    [Fact]
    public void WorstSamples_RefreshUserIdsTruncatedTo60()
    {
        using var doc = JsonDocument.Parse(CardJson.Serialize(CardSamples.All.Single(s => s.FileName == "hotTopic.worst.json").Card));
        Assert.Equal(60, doc.RootElement.GetProperty("refresh").GetProperty("userIds").GetArrayLength());
    }

    [Fact]
    public void ExportAll_WritesOneFilePerSample()
    {
        var dir = Path.Combine(Path.GetTempPath(), "crisisbot-cards-" + Guid.NewGuid().ToString("N"));
        try
        {
            var paths = CardSamples.ExportAll(dir);
            Assert.Equal(CardSamples.All.Count, paths.Count);
            Assert.All(paths, p => Assert.True(File.Exists(p)));
            using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(dir, "help.typical.json")));
            Assert.Equal("AdaptiveCard", doc.RootElement.GetProperty("type").GetString());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void HostileText_HasRequestedLength()
    {
        Assert.Equal(10_000, CardSamples.HostileText(10_000).Length);
    }

    private static void Walk(JsonElement element, List<int> actionCounts)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (property.Name == "data")
                    {
                        continue;
                    }

                    if (property.Name == "actions" && property.Value.ValueKind == JsonValueKind.Array)
                    {
                        actionCounts.Add(property.Value.GetArrayLength());
                    }

                    Walk(property.Value, actionCounts);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Walk(item, actionCounts);
                }

                break;
        }
    }
}
