using System.Text;
using CrisisBot.Cards.Model;
using CrisisBot.Cards.Templates;

namespace CrisisBot.Cards.Samples;

/// <summary>
/// Every card with sample inputs: typical, empty and worst case (maximum lengths and counts, hostile text), and
/// each role view. Times are fixed, so the output is deterministic (golden files, gallery, <c>cards export</c>).
/// </summary>
public static class CardSamples
{
    public const string Typical = "typical";
    public const string Empty = "empty";
    public const string Worst = "worst";

    /// <summary>The fixed "now" of every sample.</summary>
    public static readonly DateTimeOffset Now = new(2026, 11, 22, 14, 0, 0, TimeSpan.Zero);

    private static readonly Lazy<IReadOnlyList<CardSample>> Samples = new(() => BuildAll());

    public static IReadOnlyList<CardSample> All => Samples.Value;

    /// <summary>Writes every sample as indented JSON to <c>&lt;directory&gt;/&lt;name&gt;.&lt;variant&gt;.json</c>; returns the paths.</summary>
    public static IReadOnlyList<string> ExportAll(string directory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(directory);
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        foreach (var sample in All)
        {
            var path = Path.Combine(directory, sample.FileName);
            File.WriteAllText(path, CardJson.SerializeIndented(sample.Card) + "\n", new UTF8Encoding(false));
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>
    /// Hostile text of exactly <paramref name="length"/> UTF-16 units: markdown, a phishing link, a fake mention,
    /// HTML, RTL, emoji, zero-width and bidi controls, and a lone surrogate.
    /// </summary>
    public static string HostileText(int length)
    {
        const string chunk = "**Refund** [click](https://phish.example/login?x=1) <at>CEO</at> <b>html</b> # _list_ - "
            + "\u05E9\u05DC\u05D5\u05DD \u0645\u0631\u062D\u0628\u0627 \U0001F468\u200D\U0001F469\u200D\U0001F467 caf\u00E9 \u200B\u202Egnp.exe\u202C \uD800 | `code` &amp; ";
        var sb = new StringBuilder(length + chunk.Length);
        while (sb.Length < length)
        {
            sb.Append(chunk);
        }

        return sb.ToString(0, length);
    }

    private static string W(int length = 10_000) => HostileText(length);

    private static DateTimeOffset Ago(double minutes) => Now.AddMinutes(-minutes);

    private static Person P(string id, string name) => new($"29:{id}", name);

    private static Person[] People(int count, string prefix) =>
        Enumerable.Range(1, count).Select(i => new Person($"29:{prefix}-{i:D3}-" + new string('x', 80), W(200))).ToArray();

    private static string[] UserIds(int count) => Enumerable.Range(1, count).Select(i => $"29:user-{i:D3}").ToArray();

    private static VolumePoint[] Volume(int points, int baseline, int peak) =>
        Enumerable.Range(0, points)
            .Select(i => new VolumePoint(Now.AddHours(-(points - i)), baseline + (int)(peak * Math.Pow((i + 1d) / points, 3))))
            .ToArray();

    private static List<CardSample> BuildAll()
    {
        var list = new List<CardSample>();
        void Add(string name, string variant, AdaptiveCard card) => list.Add(new CardSample(name, variant, card));

        // help
        Add("help", Typical, HelpCard.Build(HelpTypical()));
        Add("help", Empty, HelpCard.Build(new HelpCardInput("CrisisBot", [])));
        Add("help", Worst, HelpCard.Build(new HelpCardInput(W(), Enumerable.Range(0, 12)
            .Select(g => new HelpCommandGroup(W(), Enumerable.Range(0, 40).Select(c => new HelpCommand(W(), W(), W())).ToArray()))
            .ToArray()) { Footer = W() }));

        // status
        Add("status", Typical, StatusCard.Build(new StatusCardInput("1.4.0+3c31d98", "Sqlite", true, 3, 9, 14, 7, false, Now) { RefreshUserIds = ["29:admin-1"] }));
        Add("status", Empty, StatusCard.Build(new StatusCardInput("0.0.0", "Sqlite", false, 0, 0, 0, 0, true, Now)));
        Add("status", Worst, StatusCard.Build(new StatusCardInput(W(), W(), false, int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue, true, Now) { RefreshUserIds = UserIds(200) }));

        // channel links + linked announcement
        Add("links", Typical, ChannelLinksCard.Build(new ChannelLinksCardInput(LinksTypical(), Now) { RefreshUserIds = ["29:admin-1"] }));
        Add("links", Empty, ChannelLinksCard.Build(new ChannelLinksCardInput([], Now)));
        Add("links", Worst, ChannelLinksCard.Build(new ChannelLinksCardInput(
            Enumerable.Range(0, 200).Select(i => new ChannelBinding(i % 2 == 0 ? "product" : W(), W(), W(), W(), W(), Ago(i))).ToArray(), Now) { RefreshUserIds = UserIds(200) }));
        Add("linked", Typical, ChannelLinkedCard.Build(new ChannelLinkedCardInput(new ChannelBinding("product", "travel-insurance", "Customer Care", "Travel Insurance Experts", "Dana Whitfield", Ago(1)))
        {
            PreviousChannel = "Customer Care › Insurance (old)",
        }));
        Add("linked", Empty, ChannelLinkedCard.Build(new ChannelLinkedCardInput(new ChannelBinding("agents", null, "", "General", "", Now))));
        Add("linked", Worst, ChannelLinkedCard.Build(new ChannelLinkedCardInput(new ChannelBinding(W(), W(), W(), W(), W(), Now)) { PreviousChannel = W() }));

        // not allowed
        Add("notAllowed", Typical, NotAllowedCard.Build(new NotAllowedCardInput(
            "You can't approve this answer",
            "Only the approvers named on the answer (Brand, Legal) can approve it.",
            "Ask a crisis lead to add you as an approver, or forward the card to an approver.") { Reference = "act-7f3a9c" }));
        Add("notAllowed", Empty, NotAllowedCard.Build(new NotAllowedCardInput("Not allowed", "This action is not available.", "Try again later.")));
        Add("notAllowed", Worst, NotAllowedCard.Build(new NotAllowedCardInput(W(), W(), W()) { Reference = W(), IsError = true }));

        // hot topic
        Add("hotTopic", Typical, HotTopicCard.Build(HotTopicTypical()));
        Add("hotTopic", Empty, HotTopicCard.Build(new HotTopicCardInput("topic-0", "Travel money", "New topic", HotTopicState.Emerging, [], 0, 0, "last hour", [], 0, [], Now, Now, Now)));
        Add("hotTopic", Worst, HotTopicCard.Build(new HotTopicCardInput(
            "topic-" + new string('9', 64), W(), W(), HotTopicState.Hot, Enumerable.Range(0, 50).Select(_ => W()).ToArray(), int.MaxValue, 0.001, W(),
            Volume(500, 100, 5000), long.MaxValue,
            Enumerable.Range(0, 50).Select(i => new TopicPost(W(), W(), Ago(i)) { Platform = W(), Reach = long.MaxValue }).ToArray(),
            Ago(10_000), Now, Now)
        {
            WaitingAgents = int.MaxValue,
            HasOpenQuestion = true,
            MutedUntil = Now.AddHours(4),
            MutedBy = W(),
            AllowedLinkHosts = ["contoso.com"],
            RefreshUserIds = UserIds(200),
        }));

        // hot topic with an approved answer (and a new open question on it)
        Add("hotTopic.answered", Typical, HotTopicCard.Build(HotTopicTypical() with
        {
            State = HotTopicState.Cooling,
            WaitingAgents = 0,
            HasOpenQuestion = false,
            ApprovedAnswer = new TopicApprovedAnswer("42", "Strike cancellations are covered: book the next flight and claim it within 30 days at contoso.com/claims.")
            {
                Version = 2,
                ApprovedAt = Ago(25),
            },
        }));
        Add("hotTopic.answered", Empty, HotTopicCard.Build(new HotTopicCardInput("topic-0", "Travel money", "New topic", HotTopicState.Emerging, [], 0, 0, "last hour", [], 0, [], Now, Now, Now)
        {
            ApprovedAnswer = new TopicApprovedAnswer("1", ""),
        }));
        Add("hotTopic.answered", Worst, HotTopicCard.Build(new HotTopicCardInput(
            "topic-" + new string('9', 64), W(), W(), HotTopicState.Hot, Enumerable.Range(0, 50).Select(_ => W()).ToArray(), int.MaxValue, 0.001, W(),
            Volume(500, 100, 5000), long.MaxValue,
            Enumerable.Range(0, 50).Select(i => new TopicPost(W(), W(), Ago(i)) { Platform = W(), Reach = long.MaxValue }).ToArray(),
            Ago(10_000), Now, Now)
        {
            WaitingAgents = int.MaxValue,
            HasOpenQuestion = true,
            ApprovedAnswer = new TopicApprovedAnswer(W(200), W()) { Version = int.MaxValue, ApprovedAt = Now },
            ProductKey = W(200),
            MutedUntil = Now.AddHours(4),
            MutedBy = W(),
            AllowedLinkHosts = ["contoso.com"],
            RefreshUserIds = UserIds(200),
        }));

        // question (owner / others)
        foreach (var viewer in new[] { QuestionViewer.Owner, QuestionViewer.Others })
        {
            var name = viewer == QuestionViewer.Owner ? "question.owner" : "question.others";
            Add(name, Typical, QuestionCard.Build(QuestionTypical(viewer)));
            Add(name, Empty, QuestionCard.Build(new QuestionCardInput("q-0", "topic-0", "", "Mail", "Is there a delay?", [], Now.AddHours(2), SlaState.OnTrack, [], viewer, Now)));
            Add(name, Worst, QuestionCard.Build(new QuestionCardInput(
                "q-" + new string('9', 64), "topic-9", W(), W(), W(), Enumerable.Range(0, 300).Select(_ => W()).ToArray(), Ago(600), SlaState.Overdue,
                People(150, "owner"), viewer, Now)
            {
                TopicLink = new Uri("https://teams.microsoft.com/l/message/19:abc@thread.tacv2/1700000000000"),
                Status = W(),
                Draft = new AnswerDraft(W(), W(), W(), false, W()),
                ChangesRequested = W(),
            }));
        }

        // answer review (approver / others)
        foreach (var viewer in new[] { ReviewViewer.Approver, ReviewViewer.Others })
        {
            var name = viewer == ReviewViewer.Approver ? "answerReview.approver" : "answerReview.others";
            Add(name, Typical, AnswerReviewCard.Build(ReviewTypical(viewer)));
            Add(name, Empty, AnswerReviewCard.Build(new AnswerReviewCardInput("a-0", 1, "Mail", "Is there a delay?", "", "No delay.", "", "", Now, [], viewer, Now)));
            Add(name, Worst, AnswerReviewCard.Build(new AnswerReviewCardInput(
                "a-" + new string('9', 64), int.MaxValue, W(), W(), W(), W(), W(), W(), Now, People(150, "approver"), viewer, Now)
            {
                Previous = new PreviousAnswer(int.MaxValue - 1, W(9_000) + " changed", W(500)),
                InternalNote = W(),
                Decisions = Enumerable.Range(0, 100).Select(_ => W()).ToArray(),
            }));
        }

        // approved answer for agents
        Add("approvedAnswer", Typical, ApprovedAnswerCard.Build(ApprovedTypical()));
        Add("approvedAnswer", Empty, ApprovedAnswerCard.Build(new ApprovedAnswerCardInput("a-0", "Mail", "Is there a delay?", "No delay.", "", "", Now)));
        Add("approvedAnswer", Worst, ApprovedAnswerCard.Build(new ApprovedAnswerCardInput("a-" + new string('9', 64), W(), W(), W(), W(), W(), Now)
        {
            FaqLink = new Uri("https://help.contoso.com/faq/" + new string('p', 500)),
            ReviewBy = Now.AddDays(30),
            UsedCount = int.MaxValue,
        }));

        // FAQ entry preview
        Add("faqEntry", Typical, FaqEntryCard.Build(new FaqEntryCardInput(
            "faq-17", "Travel insurance", "Am I covered if my flight is cancelled because of the strike?",
            "Yes. If your flight is cancelled by the airline because of the strike, your policy covers the extra travel and accommodation costs up to the limits in your policy document.\n\nKeep your receipts and the airline's cancellation notice, then claim online.",
            Now, Now.AddDays(14))
        {
            PublicUrl = new Uri("https://help.contoso.com/faq/travel-insurance/strike"),
            ChangeNote = "Added what to keep for the claim.",
        }));
        Add("faqEntry", Empty, FaqEntryCard.Build(new FaqEntryCardInput("faq-0", "", "Question?", "Answer.", Now, Now)));
        Add("faqEntry", Worst, FaqEntryCard.Build(new FaqEntryCardInput("faq-" + new string('9', 64), W(), W(), W(), Now, Now.AddDays(365))
        {
            IsPublished = true,
            PublicUrl = new Uri("https://help.contoso.com/faq/" + new string('p', 500)),
            ChangeNote = W(),
        }));

        // library search
        Add("librarySearch", Typical, LibrarySearchCard.Build(LibraryTypical()));
        Add("librarySearch", Empty, LibrarySearchCard.Build(new LibrarySearchCardInput("", [], [], Now)));
        Add("librarySearch", Worst, LibrarySearchCard.Build(new LibrarySearchCardInput(
            W(), Enumerable.Range(0, 100).Select(i => new LibraryResult($"a-{i}", W(), W(), W(), Ago(i))).ToArray(),
            Enumerable.Range(0, 100).Select(i => $"product-{i}-" + W(300)).ToArray(), Now)
        {
            ProductFilter = W(),
            TotalMatches = int.MaxValue,
        }));

        // superseded-answer notice
        Add("superseded", Typical, SupersededAnswerCard.Build(new SupersededAnswerCardInput(
            "a-12", "a-19", "Travel money", "Can I still collect my currency order at the airport branch?",
            "Yes, all airport branches are open as usual and you can collect your order there.",
            "The Terminal 2 branch is closed until Friday. You can collect your order from the Terminal 5 branch, or we can deliver it to your home for free.",
            "Terminal 2 is closed until Friday: collect at Terminal 5 or get free home delivery.",
            "The Terminal 2 branch closed this morning after a power failure.",
            "Priya Shah (Travel money)", Ago(20))));
        Add("superseded", Empty, SupersededAnswerCard.Build(new SupersededAnswerCardInput("a-0", "a-1", "", "", "", "New reply.", "", "Facts changed.", "", Now)));
        Add("superseded", Worst, SupersededAnswerCard.Build(new SupersededAnswerCardInput("a-" + new string('8', 64), "a-" + new string('9', 64), W(), W(), W(), W(), W(), W(), W(), Now)));

        // SLA reminder / escalation
        Add("slaReminder", Typical, SlaReminderCard.Build(new SlaReminderCardInput(
            "q-42", "Travel insurance", "Are strike cancellations covered for policies bought after the strike was announced?",
            SlaReminderKind.Reminder, Now.AddMinutes(10), Now, [P("dana", "Dana Whitfield"), P("raj", "Raj Patel")], 6)
        {
            Deputies = [P("li", "Li Wei")],
            RemindersSent = 1,
        }));
        Add("slaReminder", Empty, SlaReminderCard.Build(new SlaReminderCardInput("q-0", "", "Question?", SlaReminderKind.Reminder, Now, Now, [], 0)));
        Add("slaReminder", Worst, SlaReminderCard.Build(new SlaReminderCardInput("q-" + new string('9', 64), W(), W(), SlaReminderKind.Reminder, Ago(100_000), Now, People(150, "owner"), int.MaxValue)
        {
            Deputies = People(150, "deputy"),
            RemindersSent = int.MaxValue,
        }));
        Add("slaEscalation", Typical, SlaReminderCard.Build(new SlaReminderCardInput(
            "q-42", "Travel insurance", "Are strike cancellations covered for policies bought after the strike was announced?",
            SlaReminderKind.Escalation, Ago(25), Now, [P("dana", "Dana Whitfield"), P("raj", "Raj Patel")], 9)
        {
            Deputies = [P("li", "Li Wei"), P("sam", "Sam Okafor")],
            RemindersSent = 2,
        }));
        Add("slaEscalation", Empty, SlaReminderCard.Build(new SlaReminderCardInput("q-0", "", "Question?", SlaReminderKind.Escalation, Now, Now, [], 0) { Deputies = [new Person("", "Deputy")] }));
        Add("slaEscalation", Worst, SlaReminderCard.Build(new SlaReminderCardInput("q-" + new string('9', 64), W(), W(), SlaReminderKind.Escalation, Ago(100_000), Now, People(150, "owner"), int.MaxValue)
        {
            Deputies = People(150, "deputy"),
            RemindersSent = int.MaxValue,
        }));

        Add("slaLeadership", Typical, SlaReminderCard.Build(new SlaReminderCardInput(
            "q-42", "Travel insurance", "Are strike cancellations covered for policies bought after the strike was announced?",
            SlaReminderKind.Leadership, Ago(130), Now, [P("dana", "Dana Whitfield"), P("raj", "Raj Patel")], 9)
        {
            Deputies = [P("li", "Li Wei")],
            RemindersSent = 2,
        }));
        Add("slaLeadership", Empty, SlaReminderCard.Build(new SlaReminderCardInput("q-0", "", "Question?", SlaReminderKind.Leadership, Now, Now, [], 0)));
        Add("slaLeadership", Worst, SlaReminderCard.Build(new SlaReminderCardInput("q-" + new string('9', 64), W(), W(), SlaReminderKind.Leadership, Ago(100_000), Now, People(150, "owner"), int.MaxValue)
        {
            Deputies = People(150, "deputy"),
            RemindersSent = int.MaxValue,
        }));

        // ask form
        Add("askQuestion", Typical, AskQuestionCard.Build(new AskQuestionCardInput([new ProductChoice("travel-money", "Travel money"), new ProductChoice("travel-insurance", "Travel insurance")])
        {
            TopicId = "topic-17",
            TopicTitle = "Terminal 2 bureau closed, currency orders stuck",
            Product = "travel-money",
            Question = "Terminal 2 bureau closed, currency orders stuck",
        }));
        Add("askQuestion", Empty, AskQuestionCard.Build(new AskQuestionCardInput([new ProductChoice("mail", "Mail")])));
        Add("askQuestion", Worst, AskQuestionCard.Build(new AskQuestionCardInput(Enumerable.Range(0, 100).Select(i => new ProductChoice(W(), W())).ToArray())
        {
            TopicId = "topic-" + new string('9', 64),
            TopicTitle = W(),
            Product = W(),
            Question = W(),
            Error = W(),
        }));

        // library review ("still correct?")
        Add("libraryReview", Typical, LibraryReviewCard.Build(new LibraryReviewCardInput(
            "17", 2, "Travel money", "Can I collect my currency order at another branch?",
            "The Terminal 2 branch is closed until Friday. You can collect your order from the Terminal 5 branch, or we can deliver it to your home for free.",
            "Terminal 2 is closed until Friday: collect at Terminal 5 or get free home delivery.",
            Ago(60), [P("priya", "Priya Shah")], Now) { Recipients = 12 }));
        Add("libraryReview", Empty, LibraryReviewCard.Build(new LibraryReviewCardInput("1", 1, "", "Q?", "A.", "", Now.AddDays(1), [], Now) { Outcome = "Confirmed." }));
        Add("libraryReview", Worst, LibraryReviewCard.Build(new LibraryReviewCardInput(new string('9', 64), int.MaxValue, W(), W(), W(), W(), Ago(100_000), People(150, "owner"), Now)
        {
            Recipients = int.MaxValue,
        }));

        // leadership summary
        Add("leadershipSummary", Typical, LeadershipSummaryCard.Build(SummaryTypical()));
        Add("leadershipSummary", Empty, LeadershipSummaryCard.Build(new LeadershipSummaryCardInput(
            "s-0", Now.AddHours(-24), Now, Now, 0, 0, [], [], new SummaryQuestions(0, 0, 0, 0), new SummaryTimings(null, null, null), new SummaryFaqChanges(0, 0, 0), [], [])));
        Add("leadershipSummary", Worst, LeadershipSummaryCard.Build(new LeadershipSummaryCardInput(
            "s-" + new string('9', 64), Now.AddDays(-30), Now, Now, int.MaxValue, 0.5, Volume(720, 100, 9000),
            Enumerable.Range(0, 100).Select(i => new SummaryTopic(W(), W(), int.MaxValue - i, 0.1, HotTopicState.Hot)).ToArray(),
            new SummaryQuestions(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue),
            new SummaryTimings(TimeSpan.FromDays(3000), TimeSpan.FromDays(3000), TimeSpan.FromDays(3000)) { RecoveryEstimate = W() },
            new SummaryFaqChanges(int.MaxValue, int.MaxValue, int.MaxValue),
            Enumerable.Range(0, 100).Select(_ => W()).ToArray(),
            Enumerable.Range(0, 500).Select(i => new Acknowledgement(W(), Ago(i))).ToArray())
        {
            BaselinePerBucket = 123.456,
            CrisisName = W(),
            RefreshUserIds = UserIds(200),
        }));

        // crisis declared / stand-down report
        Add("crisisDeclared", Typical, CrisisDeclaredCard.Build(CrisisTypical()));
        Add("crisisDeclared", Empty, CrisisDeclaredCard.Build(new CrisisDeclaredCardInput("c-0", "Crisis", "Declared.", "", Now, [], [], TimeSpan.FromHours(1), TimeSpan.FromHours(4))));
        Add("crisisDeclared", Worst, CrisisDeclaredCard.Build(new CrisisDeclaredCardInput(
            "c-" + new string('9', 64), W(), W(), W(), Now, Enumerable.Range(0, 100).Select(_ => W()).ToArray(), People(150, "lead"), TimeSpan.FromDays(3000), TimeSpan.FromDays(3000))
        {
            WarRoomUrl = new Uri("https://teams.microsoft.com/l/channel/" + new string('c', 1000)),
            Changes = Enumerable.Range(0, 100).Select(_ => W()).ToArray(),
            RefreshUserIds = UserIds(200),
        }));
        Add("standDownReport", Typical, StandDownReportCard.Build(StandDownTypical()));
        Add("standDownReport", Empty, StandDownReportCard.Build(new StandDownReportCardInput(
            "c-0", "Crisis", Now, Now, "", "Over.", 0, 0, 0, new SummaryQuestions(0, 0, 0, 0), new SummaryTimings(null, null, null), new SummaryFaqChanges(0, 0, 0))
        {
            VolumesRecorded = false,
            QuestionsRecorded = false,
            FaqRecorded = false,
        }));
        Add("standDownReport", Worst, StandDownReportCard.Build(new StandDownReportCardInput(
            "c-" + new string('9', 64), W(), Now.AddDays(-3000), Now, W(), W(), int.MaxValue, int.MaxValue, int.MaxValue,
            new SummaryQuestions(int.MaxValue, int.MaxValue, int.MaxValue, int.MaxValue),
            new SummaryTimings(TimeSpan.FromDays(3000), TimeSpan.FromDays(3000), TimeSpan.FromDays(3000)) { RecoveryEstimate = W() },
            new SummaryFaqChanges(int.MaxValue, int.MaxValue, int.MaxValue))
        {
            Lessons = Enumerable.Range(0, 100).Select(_ => W()).ToArray(),
            AuditExportUrl = new Uri("https://crisisbot.contoso.com/audit/" + new string('e', 1000)),
            Timeline = Enumerable.Range(0, 200).Select(i => new TimelineEntry(Ago(200 - i), W())).ToArray(),
            OpenDecisions = Enumerable.Range(0, 100).Select(_ => W()).ToArray(),
            Alarms = int.MaxValue,
        }));

        // duty of care
        // crisis proposal, status update request, decisions, stand-down form
        Add("crisisProposal", Typical, CrisisProposalCard.Build(new CrisisProposalCardInput(
            "p-12", "Flights cancelled strike refund", "Travel insurance", "Sam Agent", Ago(5), CrisisProposalState.Pending)
        {
            Leads = [P("alex", "Alex Morgan"), P("dana", "Dana Whitfield")],
        }));
        Add("crisisProposal", Empty, CrisisProposalCard.Build(new CrisisProposalCardInput("p-0", "Topic", "all products", "", Now, CrisisProposalState.Declined)
        {
            DecidedBy = "Alex Morgan",
            DecidedAt = Now,
        }));
        Add("crisisProposal", Worst, CrisisProposalCard.Build(new CrisisProposalCardInput(
            "p-" + new string('9', 64), W(), W(), W(), Now, CrisisProposalState.Confirmed)
        {
            Leads = People(150, "lead"),
            DecidedBy = W(),
            DecidedAt = Now,
            Note = W(),
        }));
        Add("statusUpdateRequest", Typical, StatusUpdateRequestCard.Build(new StatusUpdateRequestCardInput(
            "3", "Airport strike", 2, Ago(1), [P("alex", "Alex Morgan")], TimeSpan.FromHours(2))
        {
            PreviousUpdate = "Volume peaked at 09:00 and is falling; legal approved the refund wording.",
            PreviousUpdateAt = Ago(121),
        }));
        Add("statusUpdateRequest", Empty, StatusUpdateRequestCard.Build(new StatusUpdateRequestCardInput("0", "Crisis", 0, Now, [], TimeSpan.FromHours(4))));
        Add("statusUpdateRequest", Worst, StatusUpdateRequestCard.Build(new StatusUpdateRequestCardInput(
            "9" + new string('9', 64), W(), int.MaxValue, Now, People(150, "lead"), TimeSpan.FromDays(3000))
        {
            PreviousUpdate = W(),
            PreviousUpdateAt = Ago(1),
            SubmittedText = W(),
            SubmittedBy = W(),
            SubmittedAt = Now,
        }));
        Add("decisions", Typical, DecisionsCard.Build(new DecisionsCardInput(
            [
                new DecisionItem("d-4", "Extend the refund window for cancelled flights to 30 days?", "Alex Morgan", Ago(40)),
                new DecisionItem("d-5", "Publish a holding statement on social before legal review?", "Dana Whitfield", Ago(12)),
            ],
            Now)
        {
            CrisisName = "Airport strike",
            RecentlyResolved = [new DecisionItem("d-2", "Open weekend phone lines", "Alex Morgan", Ago(300)) { ResolvedBy = "Chris Lee", ResolvedAt = Ago(200) }],
        }));
        Add("decisions", Empty, DecisionsCard.Build(new DecisionsCardInput([], Now)));
        Add("decisions", Worst, DecisionsCard.Build(new DecisionsCardInput(
            Enumerable.Range(0, 100).Select(i => new DecisionItem("d-" + new string('9', 64), W(), W(), Ago(i))).ToArray(), Now)
        {
            CrisisName = W(),
            RecentlyResolved = Enumerable.Range(0, 100).Select(i => new DecisionItem("d-" + i, W(), W(), Ago(i)) { ResolvedBy = W(), ResolvedAt = Now }).ToArray(),
        }));
        Add("standDownForm", Typical, StandDownFormCard.Build(new StandDownFormCardInput("3", "Airport strike", Now.AddDays(-3), Now) { OpenDecisions = 1 }));
        Add("standDownForm", Empty, StandDownFormCard.Build(new StandDownFormCardInput("0", "Crisis", Now, Now)));
        Add("standDownForm", Worst, StandDownFormCard.Build(new StandDownFormCardInput("9" + new string('9', 64), W(), Now.AddDays(-3000), Now) { OpenDecisions = int.MaxValue }));

        Add("dutyOfCare", Typical, DutyOfCareCard.Build(new DutyOfCareCardInput("break-7", "Sam", TimeSpan.FromHours(3.5), 142, 9, 15) { LeadName = "Alex Morgan" }));
        Add("dutyOfCare", Empty, DutyOfCareCard.Build(new DutyOfCareCardInput("break-0", "", TimeSpan.Zero, 0, 0, 5)));
        Add("dutyOfCare", Worst, DutyOfCareCard.Build(new DutyOfCareCardInput("break-" + new string('9', 64), W(), TimeSpan.FromDays(3000), int.MaxValue, int.MaxValue, 120) { LeadName = W() }));

        return list;
    }

    private static HelpCardInput HelpTypical() => new("CrisisBot", [
        new HelpCommandGroup("Everyone", [
            new HelpCommand("help", "help", "Shows this list."),
            new HelpCommand("status", "status", "Version, storage, installs and channel links."),
            new HelpCommand("links", "links", "Lists which channel receives which cards."),
        ]),
        new HelpCommandGroup("Channel set-up (admins)", [
            new HelpCommand("link", "link agents|leadership|approvers|crisis|product <key>", "Makes this channel receive the cards for that role (product: for one product)."),
            new HelpCommand("unlink", "unlink agents|leadership|approvers|crisis|product <key>", "Stops this channel receiving those cards."),
        ]),
    ])
    {
        Footer = "Cards update in place; use Refresh if a card looks out of date.",
    };

    private static IReadOnlyList<ChannelBinding> LinksTypical() =>
    [
        new("agents", null, "Customer Care", "Social Agents", "Dana Whitfield", Ago(60 * 26)),
        new("leadership", null, "Leadership", "Crisis Updates", "Alex Morgan", Ago(60 * 25)),
        new("approvers", null, "Brand & Legal", "Approvals", "Priya Shah", Ago(60 * 24)),
        new("product", "travel-insurance", "Customer Care", "Travel Insurance Experts", "Dana Whitfield", Ago(60 * 5)),
        new("product", "travel-money", "Customer Care", "Travel Money Experts", "Raj Patel", Ago(30)),
    ];

    private static HotTopicCardInput HotTopicTypical() => new(
        "topic-strike-01",
        "Travel insurance",
        "Flight cancellations: am I covered for the airport strike?",
        HotTopicState.Hot,
        ["strike", "cancelled", "cover", "refund"],
        312,
        45,
        "last hour",
        Volume(12, 40, 270),
        184_000,
        [
            new TopicPost("@jess_travels", "My flight to Malaga is cancelled because of the strike. Does my travel insurance cover a new flight?? Nobody answers the phone.", Ago(3)) { Platform = "X", Reach = 2_300 },
            new TopicPost("Mark O.", "**URGENT** 3 days waiting for a reply. Read this: [refund form](https://phish.example/claim) <at>CEO</at>", Ago(9)) { Platform = "Facebook", Reach = 410 },
            new TopicPost("@brightside_mum", "Strike cancelled our family holiday \U0001F622 what does the policy say about hotels we can't use?", Ago(14)) { Platform = "Instagram", Reach = 12_800 },
        ],
        Ago(180),
        Ago(3),
        Now)
    {
        WaitingAgents = 4,
        HasOpenQuestion = true,
        ProductKey = "travel-insurance",
        AllowedLinkHosts = ["contoso.com"],
        RefreshUserIds = ["29:agent-1", "29:agent-2"],
    };

    private static QuestionCardInput QuestionTypical(QuestionViewer viewer) => new(
        "q-42",
        "topic-strike-01",
        "Flight cancellations: am I covered for the airport strike?",
        "Travel insurance",
        "Are strike cancellations covered for policies bought after the strike was announced?",
        ["Sam Carter", "Jo Evans", "Mina Haddad", "Tom Price"],
        Now.AddMinutes(25),
        SlaState.DueSoon,
        [P("dana", "Dana Whitfield"), P("raj", "Raj Patel")],
        viewer,
        Now)
    {
        TopicLink = new Uri("https://teams.microsoft.com/l/message/19:care@thread.tacv2/1763820000000"),
        Draft = viewer == QuestionViewer.Owner ? new AnswerDraft("Policy wording 4.2: strikes known before purchase are excluded.", null, null) : null,
    };

    private static AnswerReviewCardInput ReviewTypical(ReviewViewer viewer) => new(
        "a-19",
        2,
        "Travel insurance",
        "Are strike cancellations covered for policies bought after the strike was announced?",
        "Policy wording section 4.2: a strike is covered only if it was not announced when the policy was bought. Announcement date: 14 November.",
        "If you bought your policy before 14 November, your policy covers the extra costs of the cancellation. Policies bought on or after 14 November don't cover this strike, but the airline must offer you a refund or a new flight.",
        "Bought before 14 Nov? You're covered for the extra costs. Bought later? The airline owes you a refund or new flight.",
        "Dana Whitfield",
        Ago(12),
        [P("priya", "Priya Shah"), P("tom", "Tom Becker")],
        viewer,
        Now)
    {
        Previous = new PreviousAnswer(
            1,
            "If you bought your policy before the strike, you are covered. Policies bought later don't cover this strike.",
            "Bought before the strike? You're covered."),
        InternalNote = "Legal asked for the exact date last time.",
        Decisions = ["Version 1: changes requested by Priya Shah (Legal), 13:20 UTC: give the exact announcement date."],
    };

    private static ApprovedAnswerCardInput ApprovedTypical() => new(
        "a-19",
        "Travel insurance",
        "Are strike cancellations covered for policies bought after the strike was announced?",
        "If you bought your policy before 14 November, your policy covers the extra costs of the cancellation. Policies bought on or after 14 November don't cover this strike, but the airline must offer you a refund or a new flight.",
        "Bought before 14 Nov? You're covered for the extra costs. Bought later? The airline owes you a refund or new flight.",
        "Priya Shah, Tom Becker",
        Ago(5))
    {
        FaqLink = new Uri("https://help.contoso.com/faq/travel-insurance/strike"),
        ReviewBy = Now.AddDays(14),
        UsedCount = 7,
    };

    private static LibrarySearchCardInput LibraryTypical() => new(
        "strike refund",
        [
            new LibraryResult("a-19", "Travel insurance", "Are strike cancellations covered for policies bought after the strike was announced?", "Bought before 14 Nov? You're covered for the extra costs. Bought later? The airline owes you a refund or new flight.", Now.AddDays(14)),
            new LibraryResult("a-11", "Travel money", "Can I get a refund on currency I no longer need because of the strike?", "Yes: sell it back at any branch within 28 days at the rate you bought it.", Now.AddDays(3)),
            new LibraryResult("a-04", "Credit cards", "Will a cancelled card payment for a flight be refunded?", "Refunds from airlines show within 5 working days.", Ago(60 * 24)),
        ],
        ["Travel insurance", "Travel money", "Mail", "Credit cards"],
        Now)
    {
        TotalMatches = 3,
    };

    private static LeadershipSummaryCardInput SummaryTypical() => new(
        "s-2026-11-22-14",
        Now.AddHours(-12),
        Now,
        Now,
        2480,
        850,
        Volume(12, 60, 320),
        [
            new SummaryTopic("Airport strike: am I covered?", "Travel insurance", 1210, 90, HotTopicState.Hot),
            new SummaryTopic("Terminal 2 branch closed", "Travel money", 420, 35, HotTopicState.Cooling),
            new SummaryTopic("Parcel delays to Spain", "Mail", 260, 120, HotTopicState.Emerging),
        ],
        new SummaryQuestions(14, 11, 3, 1),
        new SummaryTimings(TimeSpan.FromMinutes(48), TimeSpan.FromMinutes(125), TimeSpan.FromMinutes(11)) { RecoveryEstimate = "back under 1 h target by tomorrow 09:00" },
        new SummaryFaqChanges(4, 2, 1),
        ["Approve goodwill payments of up to £50 for strike-hit customers?", "Extend phone line hours to 22:00 this week?"],
        [new Acknowledgement("Alex Morgan", Ago(30)), new Acknowledgement("Chief Customer Officer", Ago(12))])
    {
        BaselinePerBucket = 70,
        CrisisName = "Airport strike",
        RefreshUserIds = ["29:lead-1", "29:lead-2"],
    };

    private static CrisisDeclaredCardInput CrisisTypical() => new(
        "c-3",
        "Airport strike",
        "Posts about cancelled flights are 7× the baseline and rising; first response time is past 3 hours.",
        "Alex Morgan",
        Ago(2),
        ["Travel insurance", "Travel money"],
        [P("alex", "Alex Morgan"), P("dana", "Dana Whitfield")],
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(2))
    {
        WarRoomUrl = new Uri("https://teams.microsoft.com/l/channel/19%3acrisis%40thread.tacv2/Crisis"),
        Changes = ["Spike threshold ×3 → ×2", "Expert answers due within 30 min (was 2 h)", "Leadership summary every 2 h"],
        RefreshUserIds = ["29:alex"],
    };

    private static StandDownReportCardInput StandDownTypical() => new(
        "c-3",
        "Airport strike",
        Now.AddDays(-3),
        Now,
        "Alex Morgan",
        "The strike ended on Sunday and volume has been at baseline for 24 hours.",
        9120,
        640,
        5,
        new SummaryQuestions(31, 30, 1, 0),
        new SummaryTimings(TimeSpan.FromMinutes(41), TimeSpan.FromMinutes(110), TimeSpan.FromMinutes(11)),
        new SummaryFaqChanges(9, 6, 2))
    {
        Lessons = ["The FAQ link cut repeat questions by half within a day.", "Legal approvals were the bottleneck overnight: add a second legal approver."],
        AuditExportUrl = new Uri("https://crisisbot.contoso.com/audit/c-3.zip"),
        Alarms = 7,
        Timeline =
        [
            new TimelineEntry(Now.AddDays(-3), "Crisis declared by Alex Morgan (proposed by Sam Agent from the hot topic \"flights cancelled strike\")"),
            new TimelineEntry(Now.AddDays(-3).AddHours(2), "Status update (Alex Morgan): volume peaked at 09:00, legal approved the refund wording"),
            new TimelineEntry(Now.AddDays(-2), "Decision needed (Dana Whitfield): extend the refund window to 30 days?"),
            new TimelineEntry(Now.AddDays(-2).AddHours(3), "Decided (Chris Lee): extend the refund window to 30 days?"),
            new TimelineEntry(Now, "Stood down by Alex Morgan"),
        ],
    };
}
