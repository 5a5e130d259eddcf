using System.Text;
using CrisisBot.Features.HotTopics.Intake;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics;

public class PostParserTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 24, 12, 0, 0, TimeSpan.Zero));

    private static List<PostParseResult> ParseJson(string body, int maxItemBytes = JsonPostReader.DefaultMaxItemBytes) =>
        [.. new JsonPostReader(Clock, maxItemBytes).Read(new MemoryStream(Encoding.UTF8.GetBytes(body)))];

    private static List<PostParseResult> ParseCsv(string body) =>
        [.. new CsvPostReader(Clock).Read(new MemoryStream(Encoding.UTF8.GetBytes(body)))];

    private const string Good = """{"id":"1","source":"twitter","text":"my claim is not paid","createdAt":"2026-03-24T09:15:00Z"}""";

    [Theory]
    [InlineData("2026-03-24T09:15:00Z", true)]
    [InlineData("2026-03-24T09:15:00.5Z", true)]
    [InlineData("2026-03-24T09:15:00.1234567Z", true)]
    [InlineData("2024-02-29T23:59:59Z", true)]
    [InlineData("2026-02-29T10:00:00Z", false)]      // no such day: left to the general parser, which refuses it
    [InlineData("2026-03-24T24:00:00Z", false)]
    [InlineData("2026-03-24T09:15:60Z", false)]
    [InlineData("2026-03-24T09:15:00.12345678Z", false)]
    [InlineData("2026-03-24T09:15:00.Z", false)]
    [InlineData("2026-03-24T09:15:00z", false)]       // valid, but not the fast shape: the general parser takes it
    [InlineData("2026-03-24T09:15:00+02:00", false)]
    [InlineData("2026-3-24T09:15:00Z", false)]
    [InlineData("2026-03-24 09:15:00Z", false)]
    public void TryParseUtcFast_SameInstantAsTheGeneralParserOrDeclines(string raw, bool fast)
    {
        Assert.Equal(fast, PostValidation.TryParseUtcFast(raw, out var quick));
        var error = PostValidation.ParseCreatedAt(raw, Clock.GetUtcNow().AddYears(10), out var full);
        if (fast)
        {
            Assert.Null(error);
            Assert.Equal(full, quick);
            Assert.Equal(TimeSpan.Zero, quick.Offset);
            var general = DateTimeOffset.ParseExact(raw, ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK"], System.Globalization.CultureInfo.InvariantCulture);
            Assert.Equal(general.UtcTicks, quick.UtcTicks);
        }
    }

    [Fact]
    public void Read_SingleObjectWithAllFields_ParsesEveryField()
    {
        var body = """
            { "id": "1776312345", "source": "twitter",
              "author": { "handle": "@jane", "name": "Jane", "followers": 1200, "verified": false },
              "text": "Still no refund", "createdAt": "2026-03-24T10:15:00+01:00",
              "url": "https://x.example/1", "language": "en",
              "metrics": { "likes": 3, "shares": 1, "replies": 0, "impressions": 25000 },
              "inReplyTo": null, "tags": ["refund"], "somethingNew": {"deep": [1, 2]} }
            """;
        var item = Assert.Single(ParseJson(body));
        var post = Assert.IsType<SocialPost>(item.Post);
        Assert.Equal("1776312345", post.Id);
        Assert.Equal(new DateTimeOffset(2026, 3, 24, 9, 15, 0, TimeSpan.Zero), post.CreatedAt);
        Assert.Equal(TimeSpan.Zero, post.CreatedAt.Offset);
        Assert.Equal("@jane", post.Author!.Handle);
        Assert.Equal(1200, post.Author.Followers);
        Assert.Equal(25000, post.Metrics!.Impressions);
        Assert.Equal(25000, post.Reach);
        Assert.Equal(["refund"], post.Tags!);
        Assert.Null(post.InReplyTo);
    }

    [Fact]
    public void Read_Array_ReturnsItemsInOrderWithIndexes()
    {
        var body = $"[{Good}, {Good.Replace("\"1\"", "\"2\"", StringComparison.Ordinal)}]";
        var items = ParseJson(body);
        Assert.Equal([0, 1], items.Select(i => i.Index));
        Assert.Equal(["1", "2"], items.Select(i => i.Post!.Id));
    }

    [Fact]
    public void Read_EmptyArray_ReturnsNothing() => Assert.Empty(ParseJson(" [ ] "));

    [Fact]
    public void Read_Ndjson_OneBadLineDoesNotBlockOthers()
    {
        var body = $"{Good}\n{{\"id\":\"2\",\"source\":\"tw\",\"text\": oops}}\n{Good.Replace("\"1\"", "\"3\"", StringComparison.Ordinal)}\n";
        var items = ParseJson(body);
        Assert.Equal(3, items.Count);
        Assert.True(items[0].IsSuccess);
        Assert.Equal(PostErrorKind.Malformed, items[1].Error!.Kind);
        Assert.Equal(1, items[1].Error!.Index);
        Assert.Equal(2, items[1].Error!.Line);
        Assert.Contains("line 2", items[1].Error!.Message, StringComparison.Ordinal);
        Assert.Equal("3", items[2].Post!.Id);
        Assert.Equal(2, items[2].Index);
    }

    [Fact]
    public void Read_MalformedArray_StopsWithPosition()
    {
        var items = ParseJson("[\n" + Good + ",\n{\"id\": }\n]");
        Assert.Equal(2, items.Count);
        Assert.True(items[0].IsSuccess);
        var error = items[1].Error!;
        Assert.Equal(PostErrorKind.Malformed, error.Kind);
        Assert.Equal(3, error.Line);
        Assert.Equal(8, error.Column);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   \n ", "empty")]
    [InlineData("hello", "expected '{' or '['")]
    [InlineData("[" + Good, "not closed")]
    [InlineData("[" + Good + " " + Good + "]", "expected ',' or ']'")]
    [InlineData("[" + Good + "] x", "after the end of the array")]
    [InlineData("{\"id\":\"1\"", "malformed JSON at line 1")]
    public void Read_BrokenBody_ReportsMalformed(string body, string expected)
    {
        var error = ParseJson(body).Last().Error!;
        Assert.Equal(PostErrorKind.Malformed, error.Kind);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z"}""", "missing required field 'id'")]
    [InlineData("""{"id":"1","text":"x","createdAt":"2026-03-24T09:15:00Z"}""", "missing required field 'source'")]
    [InlineData("""{"id":"1","source":"t","createdAt":"2026-03-24T09:15:00Z"}""", "missing required field 'text'")]
    [InlineData("""{"id":"1","source":"t","text":"x"}""", "missing required field 'createdAt'")]
    [InlineData("""{"id":"1","source":"t","text":"","createdAt":"2026-03-24T09:15:00Z"}""", "1 to 10,000 characters")]
    [InlineData("""{"id":" ","source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z"}""", "'id' must not be empty")]
    [InlineData("""{"id":true,"source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z"}""", "'id' must be a string")]
    [InlineData("""{"id":"1","source":"t","text":42,"createdAt":"2026-03-24T09:15:00Z"}""", "'text' must be a string, got a number")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"yesterday"}""", "ISO-8601")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24T09:15:00"}""", "with an offset")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-25T12:00:01Z"}""", "more than one day in the future")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z","author":{"followers":-5}}""", "'author.followers' must be a non-negative integer")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z","metrics":[]}""", "'metrics' must be an object")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z","tags":"a"}""", "'tags' must be an array")]
    [InlineData("""[1]""", "must be a JSON object")]
    public void Read_InvalidItem_ReportsClearPerItemError(string body, string expected)
    {
        var error = Assert.Single(ParseJson(body)).Error!;
        Assert.Equal(PostErrorKind.Invalid, error.Kind);
        Assert.Equal(0, error.Index);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z","createdAt":"2026-03-24T10:00:00.5+01:00"}""", "2026-03-24T09:00:00.5000000+00:00")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24 10:00:00+01:00","createdAt":"2026-03-24T09:15:00.25Z"}""", "2026-03-24T09:15:00.2500000+00:00")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24T09:15:00\u005A"}""", "2026-03-24T09:15:00.0000000+00:00")]
    public void Read_CreatedAtFastOrEscapedOrRepeated_LastValueWinsInUtc(string body, string expected)
    {
        var post = Assert.Single(ParseJson(body)).Post!;
        Assert.Equal(expected, post.CreatedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(TimeSpan.Zero, post.CreatedAt.Offset);
    }

    [Theory]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z","createdAt":"2026-03-25T12:00:01Z"}""", "'createdAt' 2026-03-25T12:00:01Z is more than one day in the future")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-02-30T09:15:00Z"}""", "(got '2026-02-30T09:15:00Z')")]
    [InlineData("""{"id":"1","source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z","createdAt":null}""", "missing required field 'createdAt'")]
    public void Read_CreatedAtRejectedAfterAValidOne_ReportsTheRawValue(string body, string expected) =>
        Assert.Contains(expected, Assert.Single(ParseJson(body)).Error!.Message, StringComparison.Ordinal);

    [Fact]
    public void Read_RepeatedSourcesAndLanguages_KeepEachPostsOwnValue()
    {
        var body = string.Join('\n', [
            """{"id":"1","source":"twitter","language":"en","text":"x","createdAt":"2026-03-24T09:15:00Z"}""",
            """{"id":"2","source":"TWITTER","language":"en","text":"x","createdAt":"2026-03-24T09:15:00Z"}""",
            """{"id":"3","source":"twitter","language":"de","text":"x","createdAt":"2026-03-24T09:15:00Z"}""",
            """{"id":"4","source":"twittex","language":"dé","text":"x","createdAt":"2026-03-24T09:15:00Z"}""",
            """{"id":"5","source":"twitter","language":"d\u00e9","text":"x","createdAt":"2026-03-24T09:15:00Z"}""",
        ]);
        var posts = ParseJson(body).Select(r => r.Post!).ToList();
        Assert.Equal(["twitter", "TWITTER", "twitter", "twittex", "twitter"], posts.Select(p => p.Source));
        Assert.Equal(["en", "en", "de", "dé", "dé"], posts.Select(p => p.Language));
        Assert.Same(posts[2].Source, posts[4].Source); // a value seen again is shared, not copied
        Assert.Same(posts[0].Language, posts[1].Language);
    }

    [Fact]
    public void Read_TextAtLimits_AcceptsTenThousandRejectsMore()
    {
        string Body(int n) => $$"""{"id":"1","source":"t","text":"{{new string('a', n)}}","createdAt":"2026-03-24T09:15:00Z"}""";
        Assert.True(Assert.Single(ParseJson(Body(10_000))).IsSuccess);
        Assert.Contains("got 10,001", Assert.Single(ParseJson(Body(10_001))).Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_TextOfEmojiCountsCharactersNotUtf16Units()
    {
        var emoji = string.Concat(Enumerable.Repeat("😀", 6_000)); // 12,000 UTF-16 units, 6,000 characters
        var body = $$"""{"id":"1","source":"t","text":"{{emoji}}","createdAt":"2026-03-24T09:15:00Z"}""";
        Assert.True(Assert.Single(ParseJson(body)).IsSuccess);
    }

    [Fact]
    public void Read_CreatedAtWithinOneDay_IsAccepted()
    {
        var body = """{"id":"1","source":"t","text":"x","createdAt":"2026-03-25T11:59:59Z"}""";
        Assert.True(Assert.Single(ParseJson(body)).IsSuccess);
    }

    [Fact]
    public void Read_NumericId_BecomesString()
    {
        var body = """{"id":1776312345,"source":"t","text":"x","createdAt":"2026-03-24T09:15:00Z"}""";
        Assert.Equal("1776312345", Assert.Single(ParseJson(body)).Post!.Id);
    }

    [Fact]
    public void Read_ItemLargerThanLimit_IsRejectedAndNextLineStillParsed()
    {
        var big = $$"""{"id":"1","source":"t","text":"{{new string('a', 5000)}}","createdAt":"2026-03-24T09:15:00Z","pad":"{{new string('b', 5000)}}"}""";
        var items = ParseJson(big + "\n" + Good + "\n", maxItemBytes: 4096);
        Assert.Equal(PostErrorKind.TooLarge, items[0].Error!.Kind);
        Assert.Equal("1", items[1].Post!.Id);
    }

    [Fact]
    public void Read_ManyItemsAcrossChunkBoundaries_ParsesAll()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < 5_000; i++)
        {
            sb.Append("{\"id\":\"").Append(i).Append("\",\"source\":\"t\",\"text\":\"post number ").Append(i)
              .Append(" with some text ü\",\"createdAt\":\"2026-03-24T09:15:00Z\"}\n");
        }

        var items = ParseJson(sb.ToString());
        Assert.Equal(5_000, items.Count);
        Assert.All(items, i => Assert.True(i.IsSuccess));
        Assert.Equal("4999", items[^1].Post!.Id);
    }

    [Fact]
    public void Read_BracesQuotesAndEscapesInsideStrings_FrameEachObjectWhole()
    {
        // The reader finds an object's end by scanning for its closing brace outside strings: braces, escaped quotes and
        // escaped backslashes inside strings, nested unknown objects and arrays must not end it early or late.
        const string Text = "}{ \\\" quoted } \\\\ end {"; // JSON escapes: \" and \\
        var body = $$$"""
            {"id":"1","source":"t","text":"{{{Text}}}","createdAt":"2026-03-24T09:15:00Z","extra":{"a":[{"b":"}"}],"c":"\\"}}
            {"id":"2","source":"t","text":"plain","createdAt":"2026-03-24T09:15:00Z"}
            """;
        var items = ParseJson(body);
        Assert.Equal(2, items.Count);
        Assert.Equal("}{ \" quoted } \\ end {", items[0].Post!.Text);
        Assert.Equal("2", items[1].Post!.Id);
        Assert.Equal(1, items[1].Index);
    }

    [Fact]
    public void Read_InvalidUtf8InsideAString_IsAnInvalidItemAndTheNextLineStillParses()
    {
        var bytes = new List<byte>();
        bytes.AddRange(Encoding.UTF8.GetBytes("{\"id\":\"1\",\"source\":\"t\",\"text\":\"bad "));
        bytes.AddRange(new byte[] { 0xC3, 0x28 }); // not UTF-8
        bytes.AddRange(Encoding.UTF8.GetBytes("\",\"createdAt\":\"2026-03-24T09:15:00Z\"}\n" + Good + "\n"));
        List<PostParseResult> items = [.. new JsonPostReader(Clock).Read(new MemoryStream([.. bytes]))];
        Assert.Equal(2, items.Count);
        Assert.Equal(PostErrorKind.Invalid, items[0].Error!.Kind);
        Assert.Contains("invalid UTF-8", items[0].Error!.Message, StringComparison.Ordinal);
        Assert.True(items[1].IsSuccess);
    }

    [Fact]
    public void Read_MissingCommaBetweenFields_ReportsSyntaxErrorAtItsPosition()
    {
        var items = ParseJson(Good + "\n{\"id\":\"2\" \"source\":\"t\"}\n" + Good);
        Assert.Equal(3, items.Count);
        var error = items[1].Error!;
        Assert.Equal(PostErrorKind.Malformed, error.Kind);
        Assert.Equal(2, error.Line);
        Assert.Equal(11, error.Column);
        Assert.True(items[2].IsSuccess);
    }

    [Fact]
    public async Task ReadAsync_Ndjson_MatchesSyncResult()
    {
        var body = $"{Good}\n{Good.Replace("\"1\"", "\"2\"", StringComparison.Ordinal)}";
        var list = new List<PostParseResult>();
        await foreach (var item in new JsonPostReader(Clock).ReadAsync(new MemoryStream(Encoding.UTF8.GetBytes(body))))
        {
            list.Add(item);
        }

        Assert.Equal(["1", "2"], list.Select(i => i.Post!.Id));
    }

    public static TheoryData<string> InPlaceBodies => new()
    {
        Good,
        "\uFEFF[\n" + Good + ",\n" + Good.Replace("\"1\"", "\"2\"", StringComparison.Ordinal) + "\n]",
        Good + "\nnot json at all\n  {\"id\": }\n" + Good.Replace("\"1\"", "\"3\"", StringComparison.Ordinal) + "\n\n",
        "[\n" + Good + ",\n{\"id\": }\n]",
        "[" + Good + "] x",
        """{"id":"1","source":"t","text":"x","createdAt":"yesterday"}""" + "\n[1]\n" + Good,
        "   \n ",
        "{\"id\":\"1\"",
        $$"""{"id":"9","source":"t","text":"{{new string('a', 3000)}}","createdAt":"2026-03-24T09:15:00Z"}""" + "\n" + Good,
    };

    [Theory]
    [MemberData(nameof(InPlaceBodies))]
    public void Read_InPlaceSegment_SameResultsAndPositionsAsTheStream(string body)
    {
        var bytes = Encoding.UTF8.GetBytes(body);
        // The body in the middle of a larger array (as a pooled buffer holds it), with bytes around it that must be ignored.
        var array = new byte[bytes.Length + 40];
        array.AsSpan().Fill((byte)'{');
        bytes.CopyTo(array, 17);
        var reader = new JsonPostReader(Clock, maxItemBytes: 2048);

        var fromStream = reader.Read(new MemoryStream(bytes)).ToList();
        var inPlace = reader.Read(new ArraySegment<byte>(array, 17, bytes.Length)).ToList();

        Assert.Equal(fromStream.Count, inPlace.Count);
        for (var i = 0; i < inPlace.Count; i++)
        {
            Assert.Equal(fromStream[i].Index, inPlace[i].Index);
            Assert.Equal(fromStream[i].Error, inPlace[i].Error);
            Assert.Equal(fromStream[i].Post?.Key, inPlace[i].Post?.Key);
            Assert.Equal(fromStream[i].Post?.Text, inPlace[i].Post?.Text);
            Assert.Equal(fromStream[i].Post?.CreatedAt, inPlace[i].Post?.CreatedAt);
        }

        Assert.Equal(array.Length - bytes.Length, array.Count(b => b == (byte)'{') - bytes.Count(b => b == (byte)'{'));
    }

    [Fact]
    public void PostKey_SourceIsCaseInsensitive()
    {
        Assert.Equal(new PostKey("Twitter", "1"), new PostKey("twitter", "1"));
        Assert.NotEqual(new PostKey("twitter", "1"), new PostKey("twitter", "2"));
    }

    [Fact]
    public void ReadCsv_QuotedFieldsAndOptionalColumns_Parse()
    {
        var csv = "id,source,text,createdAt,author.handle,authorFollowers,impressions,tags,extra\n"
            + "1,twitter,\"claim, \"\"not\"\" paid\nsecond line\",2026-03-24T09:15:00Z,@jane,1200,30000,a;b,zzz\n"
            + "\n"
            + "2,facebook,short,2026-03-24T09:16:00Z,,,,,\n";
        var items = ParseCsv(csv);
        Assert.Equal(2, items.Count);
        var first = items[0].Post!;
        Assert.Equal("claim, \"not\" paid\nsecond line", first.Text);
        Assert.Equal("@jane", first.Author!.Handle);
        Assert.Equal(30000, first.Reach);
        Assert.Equal(["a", "b"], first.Tags!);
        Assert.Null(items[1].Post!.Author);
        Assert.Equal(1, items[1].Index);
    }

    [Fact]
    public void ReadCsv_MissingRequiredColumn_IsFatal()
    {
        var error = Assert.Single(ParseCsv("id,source,text\n1,t,x\n")).Error!;
        Assert.Contains("createdAt", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCsv_BadRows_ReportIndexAndLineAndContinue()
    {
        var csv = "id,source,text,createdAt,likes\n"
            + "1,t,x,2026-03-24T09:15:00Z,many\n"
            + "2,t,x,2026-03-24T09:15:00Z,1,2\n"
            + "3,t,bad\"quote,2026-03-24T09:15:00Z,\n"
            + "4,t,,2026-03-24T09:15:00Z,\n"
            + "5,t,ok,2026-03-24T09:15:00Z,7\n"
            + "6,t,\"never closed,2026-03-24T09:15:00Z\n";
        var items = ParseCsv(csv);
        Assert.Contains("'likes' must be a non-negative integer", items[0].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("line 3", items[1].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("quote inside an unquoted field", items[2].Error!.Message, StringComparison.Ordinal);
        Assert.Contains("missing required field 'text'", items[3].Error!.Message, StringComparison.Ordinal);
        Assert.Equal(7, items[4].Post!.Metrics!.Likes);
        Assert.Equal(4, items[4].Index);
        Assert.Contains("never closed", items[5].Error!.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void PostReader_AutoDetectsCsvAndJson()
    {
        var reader = new PostReader(Clock);
        var json = reader.Read(new MemoryStream(Encoding.UTF8.GetBytes("  " + Good))).Single();
        var csv = reader.Read(new MemoryStream(Encoding.UTF8.GetBytes("id,source,text,createdAt\n9,t,x,2026-03-24T09:15:00Z\n"))).Single();
        Assert.Equal("1", json.Post!.Id);
        Assert.Equal("9", csv.Post!.Id);
        Assert.Equal(PostFormat.Csv, PostReader.FormatFromFileName("a/b.CSV"));
        Assert.Equal(PostFormat.Json, PostReader.FormatFromFileName("x.jsonl"));
    }
    private const string Full =
        """{"id":"7","source":"twitter","author":{"handle":"@a","followers":12,"verified":false},"text":"my claim is not paid","createdAt":"2026-03-24T09:15:00Z","url":"https://x.example/7","language":"en","metrics":{"likes":1,"shares":0,"replies":2,"impressions":30},"tags":["a","b"]}""";

    [Theory]
    [InlineData("\n")]
    [InlineData("\n{\"id\":\"8\",\"source\":")]
    [InlineData(",{\"id\":")]
    [InlineData(" xyz")]
    public void TryParseLeading_ObjectAtTheStart_ParsedAsAloneWithItsLength(string after)
    {
        var now = Clock.GetUtcNow();
        var obj = Encoding.UTF8.GetBytes(Full);
        var buffer = Encoding.UTF8.GetBytes(Full + after);

        Assert.True(PostJsonParser.TryParseLeading(buffer, 3, now, out var leading, out var length));

        Assert.Equal(obj.Length, length);
        var alone = PostJsonParser.Parse(obj, 3, now);
        Assert.Equal(alone.Index, leading.Index);
        Assert.Equal(alone.Post!.Key, leading.Post!.Key);
        Assert.Equal(alone.Post.Text, leading.Post.Text);
        Assert.Equal(alone.Post.CreatedAt, leading.Post.CreatedAt);
        Assert.Equal(alone.Post.Author, leading.Post.Author);
        Assert.Equal(alone.Post.Metrics, leading.Post.Metrics);
        Assert.Equal(alone.Post.Url, leading.Post.Url);
        Assert.Equal(alone.Post.Tags, leading.Post.Tags);
    }

    [Fact]
    public void TryParseLeading_EveryTruncationOfAnObject_Declines()
    {
        var bytes = Encoding.UTF8.GetBytes(Full);
        for (var n = 1; n < bytes.Length; n++)
        {
            Assert.False(PostJsonParser.TryParseLeading(bytes.AsSpan(0, n), 0, Clock.GetUtcNow(), out _, out _), $"prefix of {n} bytes");
        }
    }

    [Theory]
    [InlineData("""{"id":"1" "source":"twitter"}""")]
    [InlineData("""{"id":"1","source":"twitter",}""")]
    [InlineData("""{"id":"1","source":"twitter","text":"a","createdAt":"2026-03-24T09:15:00Z"]""")]
    [InlineData("""{"id":1x}""")]
    public void TryParseLeading_Malformed_Declines(string json)
    {
        Assert.False(PostJsonParser.TryParseLeading(Encoding.UTF8.GetBytes(json + "\n"), 0, Clock.GetUtcNow(), out _, out _));
    }

    [Fact]
    public void Read_ItemsAfterAnItemLargerThanTheLimit_SameAsBefore()
    {
        var big = Good.Replace("my claim is not paid", new string('x', 2000), StringComparison.Ordinal);
        var results = ParseJson(Good + "\n" + big + "\n" + Good.Replace("\"1\"", "\"2\"", StringComparison.Ordinal) + "\n", maxItemBytes: 1024);

        Assert.Equal(3, results.Count);
        Assert.Equal("1", results[0].Post!.Id);
        Assert.Equal(PostErrorKind.TooLarge, results[1].Error!.Kind);
        Assert.Equal("2", results[2].Post!.Id);
    }
}
