using System.Reflection;
using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;

namespace CrisisBot.Tests.Cards;

public class ActionDataTests
{
    public static TheoryData<object> Records() =>
    [
        new AskExpertData("t-1"),
        new AskQuestionData("t-1", "Refund delays", "travel-money", "When do refunds arrive?"),
        new LibraryEntryData("e-1"),
        new LibraryRetireData("e-1", "product withdrawn"),
        new LibrarySupersedeData("e-1", "facts", "reply", "short", "true", "note", "new fee"),
        new TopicActionData("t-1"),
        new MuteTopicData("t-1", "4"),
        new ProposeCrisisData("t-1", "Flights cancelled", "Travel insurance"),
        new QuestionActionData("q-1"),
        new SubmitAnswerData("q-1", "facts", "reply", "short", "true", "note"),
        new AnswerReviewData("a-1", 3),
        new ApproveAnswerData("a-1", 3, "ok"),
        new EditAnswerData("a-1", 3, "edited", "short"),
        new RequestChangesData("a-1", 3, "date missing"),
        new AnswerUsedData("a-1"),
        new ReportProblemData("a-1", "wrong date"),
        new FaqEntryData("f-1"),
        new LibrarySearchData("strike", "Travel money"),
        new LibraryOpenData("a-1"),
        new SupersededAckData("a-1", "a-2"),
        new SlaSnoozeData("q-1", 15),
        new SummaryActionData("s-1"),
        new CrisisActionData("c-1"),
        new StandDownData("c-1", "over", "lesson one\nlesson two"),
        new TakeBreakData("b-1", 15),
        new DutyOfCareData("b-1", "call me"),
        new CrisisProposalData("p-1"),
        new StatusUpdateData("3", 2, "volume falling"),
        new DecisionActionData("d-1"),
    ];

    [Theory]
    [MemberData(nameof(Records))]
    public void Data_RoundTripsThroughJson(object record)
    {
        var method = typeof(ActionDataTests).GetMethod(nameof(RoundTrip), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(record.GetType());
        var back = method.Invoke(null, [record]);
        Assert.Equal(record, back);
    }

    [Fact]
    public void Records_CoverEveryDataRecordInTheAssembly()
    {
        var tested = ((IEnumerable<object[]>)Records()).Select(r => r[0].GetType()).ToHashSet();
        var all = typeof(CardVerbs).Assembly.GetTypes()
            .Where(t => t.Namespace == typeof(CardVerbs).Namespace && t.Name.EndsWith("Data", StringComparison.Ordinal) && t.IsClass)
            .ToArray();
        Assert.NotEmpty(all);
        Assert.All(all, t => Assert.Contains(t, tested));
    }

    [Fact]
    public void SubmitAnswerData_InputIdsMatchJsonNames()
    {
        var json = CardJson.Data(new SubmitAnswerData("q", "f", "r", "s", "true", "n"));
        foreach (var id in new[] { InputIds.Facts, InputIds.CustomerReply, InputIds.ShortReply, InputIds.AddToFaq, InputIds.InternalNote })
        {
            Assert.True(json.TryGetProperty(id, out _), $"no property {id}");
        }
    }

    [Fact]
    public void ReadData_InvokePayloadWithMergedInputs_ReadsInputs()
    {
        // What Teams sends: the action's data with the form's input values merged in (teams-protocol.md §5.4).
        using var doc = JsonDocument.Parse("""{"questionId":"q-9","facts":"F","customerReply":"R","shortReply":"S","addToFaq":"false","internalNote":""}""");
        var data = CardJson.ReadData<SubmitAnswerData>(doc.RootElement);
        Assert.Equal(new SubmitAnswerData("q-9", "F", "R", "S", "false", ""), data);
    }

    [Fact]
    public void Data_NullValues_Omitted()
    {
        var json = CardJson.Data(new SubmitAnswerData("q-1"));
        Assert.Equal("""{"questionId":"q-1"}""", json.GetRawText());
    }

    [Fact]
    public void Verbs_AreUniqueAndDotted()
    {
        var verbs = typeof(CardVerbs).GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => (string)f.GetValue(null)!).ToArray();
        Assert.Equal(verbs.Length, verbs.Distinct(StringComparer.Ordinal).Count());
        Assert.All(verbs, v => Assert.Matches(@"^[a-z]+\.[a-zA-Z]+$", v));
        Assert.Contains("help.refresh", verbs);
        Assert.Contains("status.refresh", verbs);
        Assert.Contains("links.refresh", verbs);
    }

    private static T RoundTrip<T>(T value)
        where T : class => CardJson.ReadData<T>(CardJson.Data(value));
}
