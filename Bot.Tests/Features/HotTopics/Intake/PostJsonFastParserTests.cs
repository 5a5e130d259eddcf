using System.Text;
using System.Text.Json;
using CrisisBot.Features.HotTopics.Intake;
using Microsoft.Extensions.Time.Testing;

namespace CrisisBot.Tests.Features.HotTopics.Intake;

public class PostJsonFastParserTests
{
    private static readonly FakeTimeProvider Clock = new(new DateTimeOffset(2026, 3, 24, 12, 0, 0, TimeSpan.Zero));

    private const string Head = "\"id\":\"1\",\"source\":\"twitter\",\"createdAt\":\"2026-03-24T09:15:00Z\"";

    private static string Describe(PostParseResult r) =>
        r.Post is { } p ? JsonSerializer.Serialize(p) : $"error {r.Error!.Kind}: {r.Error.Message}";

    /// <summary>The fast reader's answer must be the full parser's (Utf8JsonReader) answer whenever it gives one.</summary>
    private static bool FastAgreesWithFullParser(string json)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        var now = Clock.GetUtcNow();
        var full = PostJsonParser.Parse(bytes, 3, now);
        if (!PostJsonFastParser.TryParse(bytes, 3, now, out var fast))
        {
            return false;
        }

        Assert.True(full.IsSuccess, $"the fast reader accepted what the full parser rejects: {json} → {Describe(full)}");
        Assert.Equal(3, fast.Index);
        Assert.Equal(Describe(full), Describe(fast));
        return true;
    }

    [Theory]
    [InlineData("{" + Head + ",\"text\":\"plain text\"}")]
    [InlineData(" \t\r\n{ \"text\" :\t\"odd whitespace\" ,\r\n" + Head + " \n}\r\n")]
    [InlineData("{" + Head + ",\"text\":\"Café crème, naïve ﬁ 😡 \uD83D\uDE00 surrogate pairs raw\"}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"url\":null,\"language\":\"en\",\"inReplyTo\":\"99\",\"tags\":[],\"author\":{},\"metrics\":{}}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"author\":{\"handle\":\"@a\",\"name\":\"Ann Ö\",\"followers\":0,\"verified\":true},\"metrics\":{\"likes\":123456789012345678,\"shares\":null,\"replies\":7,\"impressions\":8}}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"author\":null,\"metrics\":null,\"tags\":null,\"language\":null}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"tags\":[ \"a\" , \"é\",\"\" ],\"author\":{\"verified\":false,\"followers\":5}}")]
    [InlineData("{\"id\":\"1\",\"createdAt\":\"2026-03-24T09:15:00Z\",\"text\":\"x\",\"source\":\"a-source-name-longer-than-32-bytes-is-not-cached\"}")]
    [InlineData("{\"id\":\"1\",\"source\":\"sóurce\",\"createdAt\":\"2026-03-24T09:15:00Z\",\"text\":\"x\"}")]
    [InlineData("{" + Head + ",\"text\":\"\u007f delete is allowed raw\"}")]
    [InlineData("{" + Head + ",\"text\":\"an escaped \\\"quote\\\" and \\\\ \\/ \\b\\f\\n\\r\\t\"}")]
    [InlineData("{" + Head + ",\"text\":\"won\\u0027t load \\uD83D\\uDE44\\ud83d\\ude00 mixed with raw é 😡 \\u00E9\\u0000\"}")]
    [InlineData("{\"id\":\"1\",\"createdAt\":\"2026-03-24T09:15:00Z\",\"text\":\"x\",\"source\":\"tw\\u0069tter\",\"language\":\"\\u00e9n\",\"tags\":[\"a\\nb\"],\"author\":{\"handle\":\"@\\u0061\"}}")]
    public void TryParse_PlainPosts_AcceptsWithTheFullParsersResult(string json)
    {
        Assert.True(FastAgreesWithFullParser(json));
    }

    [Theory]
    [InlineData("{" + Head + ",\"text\":\"\\ud83d escaped lone high surrogate\"}")]
    [InlineData("{" + Head + ",\"text\":\"\\ude00 escaped lone low surrogate\"}")]
    [InlineData("{" + Head + ",\"text\":\"\\ud83d\\u0041 high surrogate then a letter\"}")]
    [InlineData("{" + Head + ",\"text\":\"bad escape \\x41\"}")]
    [InlineData("{" + Head + ",\"text\":\"bad hex \\u12G4\"}")]
    [InlineData("{" + Head + ",\"text\":\"short hex \\u12\"}")]
    [InlineData("{" + Head + ",\"te\\u0078t\":\"escaped key\"}")]
    [InlineData("{\"id\":\"1\",\"source\":\"s\",\"text\":\"x\",\"createdAt\":\"2026-03-24T09:15:00\\u005A\"}")]
    [InlineData("{" + Head + ",\"text\":\"tab\there\"}")]                          // a raw control character: invalid JSON
    [InlineData("{" + Head + ",\"text\":\"x\",\"extra\":{\"deep\":[1,2]}}")]          // an unknown field
    [InlineData("{" + Head + ",\"text\":\"x\",\"text\":\"y\"}")]                      // a repeated field
    [InlineData("{\"id\":1776,\"source\":\"s\",\"createdAt\":\"2026-03-24T09:15:00Z\",\"text\":\"x\"}")] // numeric id
    [InlineData("{" + Head + ",\"text\":\"x\",\"metrics\":{\"likes\":1.5}}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"metrics\":{\"likes\":1e3}}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"metrics\":{\"likes\":-1}}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"metrics\":{\"likes\":01}}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"metrics\":{\"likes\":12345678901234567890}}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"author\":{\"verified\":\"yes\"}}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"author\":{\"handle\":\"a\",}}")]      // trailing comma
    [InlineData("{" + Head + ",\"text\":\"x\",}")]
    [InlineData("{" + Head + ",\"text\":\"x\"} {}")]                                  // data after the object
    [InlineData("{" + Head + ",\"text\":\"x\" /* comment */}")]
    [InlineData("{" + Head + ",\"text\":\"   \"}")]                                   // blank text: the full parser's error
    [InlineData("{" + Head + ",\"text\":null}")]
    [InlineData("{\"id\":\"1\",\"source\":\"s\",\"text\":\"x\"}")]                  // no createdAt
    [InlineData("{\"id\":\"1\",\"source\":\"s\",\"text\":\"x\",\"createdAt\":\"2026-03-24T09:15:00+02:00\"}")]
    [InlineData("{\"id\":\"1\",\"source\":\"s\",\"text\":\"x\",\"createdAt\":\"2027-03-24T09:15:00Z\"}")] // future
    [InlineData("{\"id\":\" \",\"source\":\"s\",\"text\":\"x\",\"createdAt\":\"2026-03-24T09:15:00Z\"}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"tags\":[\"a\",1]}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"url\":nul}")]
    [InlineData("{" + Head + ",\"text\":\"x\",\"url\":nullx}")]
    [InlineData("{}")]
    public void TryParse_AnythingUnusual_DeclinesSoTheFullParserAnswers(string json)
    {
        Assert.False(FastAgreesWithFullParser(json));
    }

    [Fact]
    public void TryParse_InvalidUtf8OrLoneSurrogate_Declines()
    {
        var head = Encoding.UTF8.GetBytes("{" + Head + ",\"text\":\"ab");
        byte[][] bad = [[0xC3], [0xFF, 0x41], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80], [0xC0, 0xAF]];
        foreach (var b in bad)
        {
            var json = head.Concat(b).Concat("\"}"u8.ToArray()).ToArray();
            Assert.False(PostJsonFastParser.TryParse(json, 0, Clock.GetUtcNow(), out _));
            Assert.False(PostJsonParser.Parse(json, 0, Clock.GetUtcNow()).IsSuccess); // the full parser's clear error
        }
    }

    [Fact]
    public void TryParse_TextAtTheLengthLimit_AcceptsTenThousandCharactersDeclinesMore()
    {
        Assert.True(FastAgreesWithFullParser("{" + Head + ",\"text\":\"" + new string('é', 10_000) + "\"}"));
        Assert.True(FastAgreesWithFullParser("{" + Head + ",\"text\":\"" + string.Concat(Enumerable.Repeat("😡", 10_000)) + "\"}"));
        Assert.False(FastAgreesWithFullParser("{" + Head + ",\"text\":\"" + new string('a', 10_001) + "\"}"));
        Assert.True(FastAgreesWithFullParser("{" + Head + ",\"text\":\"x\",\"url\":\"" + new string('u', 100_000) + "\"}"));
    }

    [Fact]
    public void Read_MixedPlainAndUnusualLines_SameResultsAsTheFullParserPerLine()
    {
        string[] lines =
        [
            "{" + Head + ",\"text\":\"one\"}",
            "{" + Head + ",\"text\":\"two \\u00e9\"}",
            "{" + Head + ",\"text\":\"three\",\"metrics\":{\"likes\":-1}}",
            "{" + Head + ",\"text\":\"four\",\"unknown\":true}",
            "{" + Head + ",\"text\":\"five 😡\",\"author\":{\"handle\":\"@x\",\"followers\":12}}",
        ];
        var results = new JsonPostReader(Clock).Read(new MemoryStream(Encoding.UTF8.GetBytes(string.Join("\n", lines)))).ToList();
        Assert.Equal(lines.Length, results.Count);
        for (var i = 0; i < lines.Length; i++)
        {
            Assert.Equal(Describe(PostJsonParser.Parse(Encoding.UTF8.GetBytes(lines[i]), i, Clock.GetUtcNow())), Describe(results[i]));
            Assert.Equal(i, results[i].Index);
        }

        Assert.Equal("two é", results[1].Post!.Text);
        Assert.Contains("'metrics.likes' must be a non-negative integer", results[2].Error!.Message, StringComparison.Ordinal);
    }
}
