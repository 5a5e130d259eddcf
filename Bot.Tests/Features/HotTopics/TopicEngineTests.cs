using CrisisBot.Features.HotTopics;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Tests.Features.HotTopics;

public class TopicEngineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static HotTopicEngine Engine() =>
        new(new ProductRouter(ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"))));

    private static int _id;

    private static SocialPost Post(string text, DateTimeOffset at, long followers = 10) =>
        new((++_id).ToString(System.Globalization.CultureInfo.InvariantCulture), "twitter", text, at,
            new PostAuthor("@x", null, followers, false));

    private static readonly string[] Parcel =
    [
        "tracking says delivered but no parcel here",
        "parcel marked as delivered but never arrived @DemoCo",
        "my parcel shows delivered, nothing at my door 😡",
        "Tracking says DELIVERED but my parcel never arrived https://t.co/abc",
        "parcle says deliverd on tracking but not here",
        "where is my parcel? tracking says delivered yesterday",
    ];

    private static readonly string[] Interest =
    [
        "interest charged on my credit card statement even though i paid in full",
        "why was i charged interest on my credit card statement",
        "unexpected interest charge on my credit card statement",
        "charged interest again on my statement despite paying in full",
        "statement shows an interest charge on my credit card",
        "intrest charged on my credit card statment again",
    ];

    [Fact]
    public void Process_ParaphrasesAndTyposJoin_DifferentIssuesSplit()
    {
        var engine = Engine();
        var parcel = new List<TopicId>();
        var interest = new List<TopicId>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < Parcel.Length; i++)
            {
                parcel.Add(engine.Process(Post(Parcel[i], T0.AddMinutes((round * 20) + i))).TopicId!.Value);
                interest.Add(engine.Process(Post(Interest[i], T0.AddMinutes((round * 20) + i + 10))).TopicId!.Value);
            }
        }

        var parcelTopics = parcel.Select(engine.Canonical).Distinct().ToList();
        var interestTopics = interest.Select(engine.Canonical).Distinct().ToList();
        Assert.Single(parcelTopics);
        Assert.Single(interestTopics);
        Assert.NotEqual(parcelTopics[0], interestTopics[0]);
        var snapshot = engine.GetTopic(parcelTopics[0])!;
        Assert.Equal("mail-parcels", snapshot.Product);
        Assert.Contains("parcel", snapshot.Title, StringComparison.Ordinal);
        Assert.Equal("credit-card", engine.GetTopic(interestTopics[0])!.Product);
    }

    [Fact]
    public void Process_EmojiOnlyPost_HasNoTopicButIsRouted()
    {
        var outcome = Engine().Process(Post("😡😡😡 !!!", T0));
        Assert.Null(outcome.TopicId);
        Assert.Equal(ProductCatalog.TriageKey, outcome.Product);
    }

    [Fact]
    public void Process_Burst_TurnsTopicHotWithAlarmCarryingEventTime()
    {
        var engine = Engine();
        for (var i = 0; i < 30; i++)
        {
            engine.Process(Post(Parcel[i % Parcel.Length], T0.AddSeconds(i * 30)));
        }

        var onset = Assert.Single(engine.Alarms, a => a.Scope == AlarmScope.Topic && a.Transition == AlarmTransition.Onset);
        Assert.Equal("mail-parcels", onset.Product);
        Assert.InRange(onset.At, T0, T0.AddMinutes(15));
        var topic = engine.GetTopic(onset.TopicId!.Value)!;
        Assert.Equal(TopicState.Hot, topic.State);
        Assert.Contains(engine.Alarms, a => a.Scope == AlarmScope.Product && a.Product == "mail-parcels");
        Assert.Contains(engine.Alarms, a => a.Scope == AlarmScope.Overall);

        // Quiet time passes: the alarm ends (cooling), then the topic resolves.
        engine.AdvanceTo(T0.AddHours(2));
        engine.Process(Post("lovely sunny garden picnic", T0.AddHours(2)));
        Assert.Equal(TopicState.Cooling, engine.GetTopic(onset.TopicId!.Value)!.State);
        engine.Process(Post("lovely sunny garden picnic again", T0.AddHours(20)));
        Assert.Equal(TopicState.Resolved, engine.GetTopic(onset.TopicId!.Value)!.State);
    }

    [Fact]
    public void Process_AbusivePosts_CountedPerTopic()
    {
        var engine = Engine();
        var a = engine.Process(Post("tracking says delivered but no parcel here, you IDIOTS", T0));
        var b = engine.Process(Post("parcel marked as delivered but never arrived", T0.AddMinutes(1)));
        var c = engine.Process(Post("my parcel shows delivered but never arrived, useless f*cking clowns", T0.AddMinutes(2)));
        Assert.True(a.Abusive);
        Assert.False(b.Abusive);
        Assert.True(c.Abusive);
        Assert.Equal(2, engine.GetTopic(engine.Canonical(a.TopicId!.Value))!.AbusivePosts);
    }

    [Theory]
    [InlineData("you absolute M0R0NS", false)]   // digits are dropped: "mrns" is not a word we know
    [InlineData("you absolute MORONS!!!", true)]
    [InlineData("Idioooots", true)]
    [InlineData("my parcel is late", false)]
    [InlineData("burn it all down", true)]
    public void AbuseLexicon_Cases(string text, bool expected) => Assert.Equal(expected, AbuseLexicon.IsAbusive(text));

    [Fact]
    public void Process_SameFileTwice_SameTopicsAndAlarms()
    {
        var lines = new List<string>();
        var rng = new Random(5);
        var all = Parcel.Concat(Interest).Append("lovely walk on the beach").ToArray();
        for (var i = 0; i < 400; i++)
        {
            // Background every ~3 minutes, with a dense burst of parcel posts (one every 15 s) in the middle.
            var at = i < 200 ? T0.AddMinutes((i * 3) + rng.Next(3))
                : i < 280 ? T0.AddMinutes(600).AddSeconds((i - 200) * 15)
                : T0.AddMinutes(620 + ((i - 280) * 3));
            var text = i is >= 200 and < 280 ? Parcel[rng.Next(Parcel.Length)] : all[rng.Next(all.Length)];
            lines.Add(System.Text.Json.JsonSerializer.Serialize(new { id = i.ToString(System.Globalization.CultureInfo.InvariantCulture), source = "twitter", text, createdAt = at.ToString("O") }));
        }

        var body = System.Text.Encoding.UTF8.GetBytes(string.Join("\n", lines));
        (List<string> Topics, List<string> Alarms) Run()
        {
            var engine = Engine();
            var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(T0.AddDays(30));
            var topics = new List<string>();
            foreach (var item in new JsonPostReader(clock).Read(new MemoryStream(body)))
            {
                var outcome = engine.Process(item.Post!);
                topics.Add($"{item.Post!.Id}:{outcome.TopicId}:{outcome.Product}");
            }

            return (topics, engine.Alarms.Select(a => $"{a.TopicId}|{a.Product}|{a.At:O}|{a.Severity}|{a.Transition}").ToList());
        }

        var first = Run();
        var second = Run();
        Assert.Equal(first.Topics, second.Topics);
        Assert.Equal(first.Alarms, second.Alarms);
        Assert.NotEmpty(first.Alarms);
    }

    [Fact]
    public void ReleaseSettled_QuietTopicsOutOfTheIndex_ForgottenButIdsStillResolve()
    {
        var engine = Engine();
        var parcel = new List<TopicId>();
        for (var round = 0; round < 3; round++)
        {
            for (var i = 0; i < Parcel.Length; i++)
            {
                parcel.Add(engine.Process(Post(Parcel[i], T0.AddMinutes((round * 20) + i))).TopicId!.Value);
            }
        }

        var lone = engine.Process(Post("xylophone quartet rehearsal tonight", T0.AddHours(2))).TopicId!.Value;
        var survivor = engine.Canonical(parcel[0]);

        engine.AdvanceTo(T0.AddDays(4)); // the single post: resolved (48 h) and out of the index (72 h)
        var first = engine.ReleaseSettled();

        // The quiet single post, and the parcel topics merged into the survivor (frozen since their merge).
        Assert.Contains(lone, first);
        Assert.All(first.Where(id => id != lone), id => Assert.Equal(survivor, engine.Canonical(id)));
        Assert.Equal(engine.Merges.Select(m => m.From).Order(), first.Where(id => id != lone).Order());
        Assert.Null(engine.GetTopic(lone));
        Assert.Equal(lone, engine.Canonical(lone));
        Assert.NotNull(engine.GetTopic(survivor)); // resolved, but still in the index for 14 days
        Assert.DoesNotContain(engine.Topics(), t => t.Id == lone);

        engine.AdvanceTo(T0.AddDays(15));
        var second = engine.ReleaseSettled();

        Assert.Contains(survivor, second);
        Assert.All(parcel, id => Assert.Null(engine.GetTopic(id)));
        Assert.All(parcel, id => Assert.Equal(survivor, engine.Canonical(id)));
        Assert.Empty(engine.Topics());
        Assert.Empty(engine.ReleaseSettled());
    }

    [Fact]
    public void ReleaseSettled_HotTopic_Kept()
    {
        var engine = Engine();
        for (var i = 0; i < 60; i++)
        {
            engine.Process(Post(Parcel[i % Parcel.Length], T0.AddMinutes(i / 4.0)));
        }

        var hot = engine.Topics().Where(t => t.State == TopicState.Hot).Select(t => t.Id).ToList();
        Assert.NotEmpty(hot);
        var released = engine.ReleaseSettled();
        Assert.All(released, id => Assert.NotEqual(id, engine.Canonical(id))); // only topics merged into another
        Assert.All(hot, id => Assert.NotNull(engine.GetTopic(id)));
    }
}

public class DemoCrisisTests
{
    [Fact]
    public void DemoFile_ShipsWithBuild_ParsesCleanlyAndRaisesHotTopics()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Demo", "demo-crisis.jsonl");
        Assert.True(File.Exists(path), path);
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        var engine = new HotTopicEngine(new ProductRouter(ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"))));
        var count = 0;
        using (var stream = File.OpenRead(path))
        {
            foreach (var item in new JsonPostReader(clock).Read(stream))
            {
                Assert.Null(item.Error);
                engine.Process(item.Post!);
                count++;
            }
        }

        Assert.InRange(count, 1_800, 2_400);
        var span = engine.Watermark!.Value - engine.Topics().Min(t => t.FirstSeen);
        Assert.InRange(span.TotalDays, 9, 10.01);
        var hot = engine.Alarms.Where(a => a.Scope == AlarmScope.Topic && a.Transition == AlarmTransition.Onset).ToList();
        Assert.InRange(hot.Count, 5, 12);
        Assert.True(hot.Select(a => a.Product).Distinct().Count(p => p != ProductCatalog.TriageKey) >= 4,
            string.Join(", ", hot.Select(a => a.Product)));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Process_NewTopicsTitledAtOnce_SameTitlesAsTitlingFromTheExamples(bool prepared)
    {
        // A topic created from a post is titled from the words the post's text was normalised into for its features;
        // the titles (and everything else) must be those of titling each topic from its example texts when built.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        List<SocialPost> posts;
        using (var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Demo", "demo-crisis.jsonl")))
        {
            posts = [.. new JsonPostReader(clock).Read(stream).Select(r => r.Post!)];
        }

        var catalog = ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"));
        var atOnce = new HotTopicEngine(new ProductRouter(catalog));
        var fromExamples = new HotTopicEngine(new ProductRouter(catalog)) { TitleNewTopicsAtOnce = false };
        var chunk = new CrisisBot.Features.HotTopics.Text.FeatureChunk();
        var tokens = new CrisisBot.Features.HotTopics.Text.TokenizedText();
        var vector = new CrisisBot.Features.HotTopics.Text.FeatureVector();
        var helperRouter = new ProductRouter(catalog);
        var titlesSeen = new List<string>();
        foreach (var part in posts.Chunk(50))
        {
            chunk.Clear();
            foreach (var post in part)
            {
                chunk.Add(post.Text, tokens, vector, helperRouter);
            }

            for (var k = 0; k < part.Length; k++)
            {
                Assert.Equal(
                    fromExamples.Process(part[k], prepared ? chunk : null, k),
                    atOnce.Process(part[k], prepared ? chunk : null, k));
            }

            // Titles as every batch's views build them (one-post topics included), not only at the end.
            var expected = fromExamples.Topics().Select(t => $"{t.Id}|{t.Title}").ToList();
            Assert.Equal(expected, atOnce.Topics().Select(t => $"{t.Id}|{t.Title}").ToList());
            titlesSeen.AddRange(expected);
        }

        Assert.Contains(titlesSeen, t => t.Contains(" · ", StringComparison.Ordinal));
        Assert.True(atOnce.Topics().Count > 10);
    }

    [Fact]
    public async Task Process_FeaturesPreparedOnAnotherThread_SameTopicsAlarmsAndTitles()
    {
        // The pipeline normalises and featurises posts ahead of the engine on a helper thread (FeatureChunk); the
        // engine must end in exactly the state it reaches computing them itself.
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 4, 1, 0, 0, 0, TimeSpan.Zero));
        List<SocialPost> posts;
        using (var stream = File.OpenRead(Path.Combine(AppContext.BaseDirectory, "Demo", "demo-crisis.jsonl")))
        {
            posts = [.. new JsonPostReader(clock).Read(stream).Select(r => r.Post!)];
        }

        HotTopicEngine NewEngine() => new(new ProductRouter(ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml"))));
        var plain = NewEngine();
        var plainOutcomes = posts.Select(plain.Process).ToList();

        var prepared = NewEngine();
        var preparedOutcomes = new List<PostOutcome>();
        var chunk = new CrisisBot.Features.HotTopics.Text.FeatureChunk();
        var tokens = new CrisisBot.Features.HotTopics.Text.TokenizedText();
        var vector = new CrisisBot.Features.HotTopics.Text.FeatureVector();
        var helperRouter = new ProductRouter(ProductCatalog.Load(Path.Combine(AppContext.BaseDirectory, "products.sample.yaml")));
        foreach (var part in posts.Chunk(97))
        {
            chunk.Clear();
            await Task.Run(() =>
            {
                foreach (var post in part)
                {
                    chunk.Add(post.Text, tokens, vector, helperRouter);
                }
            });
            for (var k = 0; k < part.Length; k++)
            {
                preparedOutcomes.Add(prepared.Process(part[k], chunk, k));
            }
        }

        Assert.Equal(plainOutcomes, preparedOutcomes);
        static string Describe(HotTopicEngine e) => string.Join("\n", e.Topics().Select(t => $"{t.Id}|{t.Title}|{t.Product}|{t.State}|{t.Posts}"))
            + "\n" + string.Join("\n", e.Alarms.Select(a => $"{a.TopicId}|{a.Product}|{a.At:O}|{a.Severity}|{a.Transition}|{a.Count}"));
        Assert.Equal(Describe(plain), Describe(prepared));
        Assert.Contains(plain.Alarms, a => a.Scope == AlarmScope.Topic);
    }

}
