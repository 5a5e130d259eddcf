using System.Text.Json;
using CrisisBot.Cards;
using CrisisBot.Cards.Actions;
using CrisisBot.Cards.Model;
using CrisisBot.Cards.Samples;
using CrisisBot.Cards.Templates;

namespace CrisisBot.Tests.Cards;

public class CardTemplateTests
{
    private static readonly DateTimeOffset Now = CardSamples.Now;

    private static JsonElement Json(AdaptiveCard card) => JsonDocument.Parse(CardJson.Serialize(card)).RootElement;

    private static JsonElement Sample(string fileName) => Json(CardSamples.All.Single(s => s.FileName == fileName).Card);

    private static List<JsonElement> All(JsonElement root, Func<JsonElement, bool> match)
    {
        var found = new List<JsonElement>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Object)
            {
                if (match(e))
                {
                    found.Add(e);
                }

                foreach (var p in e.EnumerateObject().Where(p => p.Name != "data"))
                {
                    Walk(p.Value);
                }
            }
            else if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in e.EnumerateArray())
                {
                    Walk(item);
                }
            }
        }

        Walk(root);
        return found;
    }

    private static bool IsType(JsonElement e, string type) => e.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String && t.GetString() == type;

    private static string[] Verbs(JsonElement root) =>
        All(root, e => IsType(e, "Action.Execute")).Select(e => e.GetProperty("verb").GetString()!).ToArray();

    [Fact]
    public void HelpCard_RendersEveryCommandAndRefresh()
    {
        var card = Sample("help.typical.json");
        var json = card.GetRawText();
        foreach (var usage in new[] { "help", "status", "links", "link agents|leadership|approvers|crisis|product ‹key›", "unlink agents" })
        {
            Assert.Contains(usage.Replace("|", "\\\\|", StringComparison.Ordinal), json, StringComparison.Ordinal);
        }

        Assert.Equal([CardVerbs.HelpRefresh], Verbs(card));
    }

    [Fact]
    public void HelpCard_NullGroups_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => HelpCard.Build(new HelpCardInput("Bot", null!)));
        Assert.Throws<ArgumentException>(() => HelpCard.Build(new HelpCardInput(" ", [])));
    }

    [Fact]
    public void StatusCard_ShowsNumbersStorageAndTime()
    {
        var card = Sample("status.typical.json");
        var facts = All(card, e => e.TryGetProperty("title", out _) && e.TryGetProperty("value", out _))
            .ToDictionary(f => f.GetProperty("title").GetString()!, f => f.GetProperty("value").GetString()!);
        Assert.Equal("Sqlite · reachable", facts["Storage"]);
        Assert.Equal("3", facts["Teams"]);
        Assert.Equal("9", facts["Channels"]);
        Assert.Equal("14", facts["Personal chats"]);
        Assert.Equal("7", facts["Channel links"]);
        Assert.Contains("As of 2026-11-22 14:00 UTC", card.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(CardVerbs.StatusRefresh, card.GetProperty("refresh").GetProperty("action").GetProperty("verb").GetString());
    }

    [Fact]
    public void StatusCard_NegativeCount_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => StatusCard.Build(new StatusCardInput("1", "Sqlite", true, -1, 0, 0, 0, false, Now)));
    }

    [Fact]
    public void ChannelLinksCard_Empty_ShowsHowToLink()
    {
        var json = Sample("links.empty.json").GetRawText();
        Assert.Contains("No channel is linked yet.", json, StringComparison.Ordinal);
        Assert.DoesNotContain("\"Table\"", json, StringComparison.Ordinal);
    }

    [Fact]
    public void ChannelLinksCard_Typical_OneRowPerBindingPlusHeader()
    {
        var table = All(Sample("links.typical.json"), e => IsType(e, "Table")).Single();
        Assert.Equal(6, table.GetProperty("rows").GetArrayLength());
        Assert.Contains("Product experts · travel-insurance", table.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void QuestionCard_OwnerView_HasFormWithShortReplyLimit_OthersViewHasNone()
    {
        var owner = Sample("question.owner.typical.json");
        var others = Sample("question.others.typical.json");
        var inputs = All(owner, e => e.TryGetProperty("type", out var t) && t.GetString()!.StartsWith("Input.", StringComparison.Ordinal));
        Assert.Equal([InputIds.Facts, InputIds.CustomerReply, InputIds.ShortReply, InputIds.AddToFaq, InputIds.InternalNote], inputs.Select(i => i.GetProperty("id").GetString()!).ToArray());
        Assert.Equal(280, inputs.Single(i => i.GetProperty("id").GetString() == InputIds.ShortReply).GetProperty("maxLength").GetInt32());
        Assert.Equal([CardVerbs.QuestionSubmitAnswer, CardVerbs.QuestionRefresh], Verbs(owner));

        Assert.Empty(All(others, e => e.TryGetProperty("type", out var t) && t.GetString()!.StartsWith("Input.", StringComparison.Ordinal)));
        Assert.Equal([CardVerbs.QuestionRefresh], Verbs(others));
    }

    [Fact]
    public void QuestionCard_BothViews_RefreshForOwnersAndMentionOwners()
    {
        foreach (var file in new[] { "question.owner.typical.json", "question.others.typical.json" })
        {
            var card = Sample(file);
            var userIds = card.GetProperty("refresh").GetProperty("userIds").EnumerateArray().Select(u => u.GetString()!).ToArray();
            Assert.Equal(["29:dana", "29:raj"], userIds);
            var entities = card.GetProperty("msteams").GetProperty("entities");
            Assert.Equal(2, entities.GetArrayLength());
            Assert.Contains("<at>Dana Whitfield</at>", card.GetRawText(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void QuestionCard_TopicLinkNotHttps_Throws()
    {
        var input = new QuestionCardInput("q", "t", "T", "P", "Q?", [], Now, SlaState.OnTrack, [], QuestionViewer.Owner, Now) { TopicLink = new Uri("http://x.example") };
        Assert.Throws<ArgumentException>(() => QuestionCard.Build(input));
    }

    [Fact]
    public void AnswerReviewCard_ApproverView_ApproveEditRequestChangesWithRequiredReason()
    {
        var card = Sample("answerReview.approver.typical.json");
        Assert.Equal([CardVerbs.AnswerApprove, CardVerbs.AnswerEdit, CardVerbs.AnswerRequestChanges], Verbs(card).Where(v => v != CardVerbs.AnswerReviewRefresh).ToArray());
        var reason = All(card, e => e.TryGetProperty("id", out var id) && id.GetString() == InputIds.ChangeReason).Single();
        Assert.True(reason.GetProperty("isRequired").GetBoolean());
        Assert.False(string.IsNullOrEmpty(reason.GetProperty("errorMessage").GetString()));

        var others = Sample("answerReview.others.typical.json");
        Assert.False(others.TryGetProperty("actions", out _));
        Assert.Equal(["29:priya", "29:tom"], others.GetProperty("refresh").GetProperty("userIds").EnumerateArray().Select(u => u.GetString()!).ToArray());
    }

    [Fact]
    public void AnswerReviewCard_WithPrevious_ShowsWordDiff()
    {
        var card = Sample("answerReview.approver.typical.json");
        var runs = All(card, e => IsType(e, "TextRun")).ToArray();
        Assert.Contains(runs, r => r.TryGetProperty("strikethrough", out _));
        Assert.Contains(runs, r => r.TryGetProperty("color", out var c) && c.GetString() == "Good" && r.GetProperty("text").GetString()!.Contains("14 November", StringComparison.Ordinal));
    }

    [Fact]
    public void WordDiff_ComputesInsertionsAndDeletions()
    {
        var ops = WordDiff.Diff(WordDiff.Tokens("the cat sat"), WordDiff.Tokens("the dog sat down"));
        Assert.Equal([('=', "the "), ('-', "cat "), ('+', "dog "), ('=', "sat "), ('+', "down")], ops);
    }

    [Fact]
    public void ApprovedAnswerCard_HasUsedReportAndFaq()
    {
        var card = Sample("approvedAnswer.typical.json");
        Assert.Equal([CardVerbs.AnswerUsed, CardVerbs.AnswerReportProblem], Verbs(card));
        Assert.Contains(All(card, e => IsType(e, "Action.OpenUrl")), a => a.GetProperty("url").GetString() == "https://help.contoso.com/faq/travel-insurance/strike");
        Assert.Contains("Short reply (", card.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void HotTopicCard_HostilePost_IsNeutralised()
    {
        var json = Sample("hotTopic.typical.json").GetRawText();
        Assert.DoesNotContain("<at>CEO", json, StringComparison.Ordinal);
        Assert.DoesNotContain("https://phish.example", json, StringComparison.Ordinal);
        Assert.Contains("hxxps://phish", json, StringComparison.Ordinal);
        Assert.False(Sample("hotTopic.typical.json").TryGetProperty("msteams", out var ms) && ms.TryGetProperty("entities", out _));
    }

    [Fact]
    public void HotTopicCard_HasChartWithFallbackAndFourActions()
    {
        var card = Sample("hotTopic.typical.json");
        var chart = All(card, e => IsType(e, "Chart.Line")).Single();
        Assert.Equal("FactSet", chart.GetProperty("fallback").GetProperty("items")[1].GetProperty("type").GetString());
        Assert.Equal(12, chart.GetProperty("data")[0].GetProperty("values").GetArrayLength());
        var titles = card.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("title").GetString()!).ToArray();
        Assert.Equal(["+1 / join", "Mute", "Propose crisis", "Resolve"], titles);
        var secondary = card.GetProperty("actions").EnumerateArray().Where(a => a.TryGetProperty("mode", out var m) && m.GetString() == "Secondary").Count();
        Assert.Equal(2, secondary);
    }

    [Fact]
    public void HotTopicCard_OpenQuestion_ShowsWaitingAgentsAndJoinButtonWithTopicData()
    {
        var card = Sample("hotTopic.typical.json");
        Assert.Contains("4 agents waiting for the experts' answer", card.GetRawText(), StringComparison.Ordinal);
        var ask = card.GetProperty("actions").EnumerateArray().Single(a => a.TryGetProperty("verb", out var v) && v.GetString() == CardVerbs.TopicAskExpert);
        Assert.Equal("+1 / join", ask.GetProperty("title").GetString());
        var data = CardJson.ReadData<AskExpertData>(ask.GetProperty("data"));
        Assert.Equal(new AskExpertData("topic-strike-01", "Flight cancellations: am I covered for the airport strike?", "travel-insurance"), data);
        Assert.DoesNotContain(CardVerbs.LibrarySendToMe, Verbs(card));
        Assert.DoesNotContain("Approved answer available", card.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void HotTopicCard_ApprovedAnswer_ShowsShortReplyAndSendToMe()
    {
        var card = Sample("hotTopic.answered.typical.json");
        var json = card.GetRawText();
        Assert.Contains("Approved answer available", json, StringComparison.Ordinal);
        Assert.Contains("book the next flight and claim it within 30 days", json, StringComparison.Ordinal);
        Assert.Contains("v2 · approved 2026-11-22 13:35 UTC", json, StringComparison.Ordinal);
        Assert.DoesNotContain("waiting for the experts' answer", json, StringComparison.Ordinal);
        var titles = card.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("title").GetString()!).ToArray();
        Assert.Equal(["Ask an expert", "Send me the answer", "Mute", "Propose crisis", "Resolve"], titles);
        var send = card.GetProperty("actions").EnumerateArray().Single(a => a.TryGetProperty("verb", out var v) && v.GetString() == CardVerbs.LibrarySendToMe);
        Assert.Equal(new LibraryOpenData("42"), CardJson.ReadData<LibraryOpenData>(send.GetProperty("data")));
        Assert.Contains("(no short reply)", Sample("hotTopic.answered.empty.json").GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public void HotTopicCard_Resolved_OffersNoResolveOrPropose()
    {
        var input = new HotTopicCardInput("t", "P", "T", HotTopicState.Resolved, [], 1, 1, "last hour", [], 0, [], Now, Now, Now);
        var verbs = Verbs(Json(HotTopicCard.Build(input)));
        Assert.DoesNotContain(CardVerbs.TopicResolve, verbs);
        Assert.DoesNotContain(CardVerbs.TopicProposeCrisis, verbs);
        Assert.Contains(CardVerbs.TopicAskExpert, verbs);
    }

    [Fact]
    public void LeadershipSummaryCard_ChartFallbackTopicsAcknowledgements()
    {
        var card = Sample("leadershipSummary.typical.json");
        var chart = All(card, e => IsType(e, "Chart.Line")).Single();
        Assert.Equal(2, chart.GetProperty("data").GetArrayLength());
        Assert.Equal("FactSet", chart.GetProperty("fallback").GetProperty("items")[1].GetProperty("type").GetString());
        var json = card.GetRawText();
        Assert.Contains("Alex Morgan (13:30), Chief Customer Officer (13:48)", json, StringComparison.Ordinal);
        Assert.Contains("median 48 min · p90 2 h 5 min", json, StringComparison.Ordinal);
        Assert.Equal([CardVerbs.SummaryAcknowledge, CardVerbs.SummaryRefresh], Verbs(card));
    }

    [Fact]
    public void SlaEscalation_MentionsDeputies_NoSnooze()
    {
        var card = Sample("slaEscalation.typical.json");
        Assert.Contains("<at>Li Wei</at>", card.GetRawText(), StringComparison.Ordinal);
        Assert.DoesNotContain(CardVerbs.SlaSnooze, Verbs(card));
        Assert.Contains(CardVerbs.QuestionSubmitAnswer, Verbs(card));
        Assert.Throws<ArgumentException>(() => SlaReminderCard.Build(new SlaReminderCardInput("q", "P", "Q", SlaReminderKind.Escalation, Now, Now, [], 0)));
    }

    [Fact]
    public void CrisisDeclaredCard_StandDownNeedsReason()
    {
        var card = Sample("crisisDeclared.typical.json");
        var reason = All(card, e => e.TryGetProperty("id", out var id) && id.GetString() == InputIds.StandDownReason).Single();
        Assert.True(reason.GetProperty("isRequired").GetBoolean());
        Assert.Contains(CardVerbs.CrisisStandDown, Verbs(card));
    }

    [Fact]
    public void DutyOfCareCard_OffersBreakSupportDismiss()
    {
        var verbs = Verbs(Sample("dutyOfCare.typical.json"));
        Assert.Equal([CardVerbs.DutyTakeBreak, CardVerbs.DutyRequestSupport, CardVerbs.DutyDismiss], verbs);
        Assert.Throws<ArgumentOutOfRangeException>(() => DutyOfCareCard.Build(new DutyOfCareCardInput("p", "A", TimeSpan.Zero, 0, 0, 1)));
    }

    [Fact]
    public void LibrarySearchCard_RankedResultsWithReviewDate_AndSearchInputs()
    {
        var card = Sample("librarySearch.typical.json");
        var json = card.GetRawText();
        Assert.True(json.IndexOf("1\\\\. Are strike", StringComparison.Ordinal) < json.IndexOf("2\\\\. Can I get", StringComparison.Ordinal));
        Assert.Contains("review overdue", json, StringComparison.Ordinal);
        Assert.Equal(3, Verbs(card).Count(v => v == CardVerbs.LibraryOpen));
        Assert.Contains(All(card, e => IsType(e, "Input.ChoiceSet")), c => c.GetProperty("value").GetString() == LibrarySearchCard.AllProducts);
    }

    [Fact]
    public void NotAllowedCard_ShowsTitleReasonNextStep()
    {
        var json = Sample("notAllowed.typical.json").GetRawText();
        Assert.Contains("You can't approve this answer", json, StringComparison.Ordinal);
        Assert.Contains("What you can do", json, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => NotAllowedCard.Build(new NotAllowedCardInput("", "r", "n")));
    }

    [Fact]
    public void FallbackText_IsPlainAndSafe_ForEverySample()
    {
        foreach (var sample in CardSamples.All)
        {
            var text = sample.Card.FallbackText;
            Assert.False(string.IsNullOrWhiteSpace(text), $"{sample.FileName} has no fallbackText");
            Assert.DoesNotContain("<at>", text, StringComparison.Ordinal);
            Assert.DoesNotContain("https://phish", text, StringComparison.Ordinal);
            Assert.DoesNotContain("\\*", text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Shrink_OverBudgetEvenAtZero_Throws()
    {
        var huge = new AdaptiveCard([new TextBlock(new string('x', 40_000))]);
        Assert.Throws<InvalidOperationException>(() => CardBudget.Shrink(3, _ => huge));
    }
}
