using CrisisBot.Features.Crisis.Export;

namespace CrisisBot.Tests.Features.Crisis.Export;

public sealed class ExportCsvTests
{
    [Theory]
    [InlineData("plain text", "plain text")]
    [InlineData("a, b", "\"a, b\"")]
    [InlineData("say \"hi\"", "\"say \"\"hi\"\"\"")]
    [InlineData("line1\nline2", "\"line1\nline2\"")]
    [InlineData("cr\r\nlf", "\"cr\r\nlf\"")]
    [InlineData("=HYPERLINK(\"http://x\")", "\"'=HYPERLINK(\"\"http://x\"\")\"")]
    [InlineData("+1 555", "'+1 555")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tindent", "'\tindent")]
    [InlineData(" padded", "\" padded\"")]
    [InlineData("", "")]
    public void Text_SpecialCharacters_QuotedAndFormulaEscaped(string value, string expected) =>
        Assert.Equal(expected, ExportCsv.Text(value));

    [Fact]
    public void Field_TypedValues_NumbersTimesAndNullsUnescaped()
    {
        Assert.Equal("-5", ExportCsv.Field(-5L));
        Assert.Equal("2.5", ExportCsv.Field(2.5));
        Assert.Equal("true", ExportCsv.Field(true));
        Assert.Equal("", ExportCsv.Field(null));
        Assert.Equal("2026-11-22T12:00:00.000Z", ExportCsv.Field(new DateTimeOffset(2026, 11, 22, 13, 0, 0, TimeSpan.FromHours(1))));
    }

    [Fact]
    public void Text_RoundTrip_ParsesBackToTheOriginalWithTheApostropheOnFormulas()
    {
        string[] values = ["=1+1", "a,\"b\"\nc", "ok"];
        var line = new System.Text.StringBuilder();
        ExportCsv.AppendRow(line, values);
        var parsed = Assert.Single(CsvParser.Parse(line.ToString()));
        Assert.Equal(["'=1+1", "a,\"b\"\nc", "ok"], parsed);
    }
}

/// <summary>A small RFC 4180 reader for the tests (quoted fields, doubled quotes, CRLF or LF records).</summary>
internal static class CsvParser
{
    public static List<string[]> Parse(string text)
    {
        var records = new List<string[]>();
        var fields = new List<string>();
        var field = new System.Text.StringBuilder();
        var quoted = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (c == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(c);
                }
            }
            else if (c == '"')
            {
                quoted = true;
            }
            else if (c == ',')
            {
                fields.Add(field.ToString());
                field.Clear();
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                records.Add([.. fields]);
                fields.Clear();
            }
            else
            {
                field.Append(c);
            }
        }

        if (field.Length > 0 || fields.Count > 0)
        {
            fields.Add(field.ToString());
            records.Add([.. fields]);
        }

        return records;
    }
}
