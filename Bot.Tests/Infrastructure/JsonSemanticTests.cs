using System.Text.Json;

namespace CrisisBot.Tests.Infrastructure;

public class JsonSemanticTests
{
    [Theory]
    [InlineData("""{"a":1,"b":"x"}""", """{"b":"x","a":1.0}""", null)]
    [InlineData("""{"t":"2026-11-22T10:00:00Z"}""", """{"t":"2026-11-22T10:00:00+00:00"}""", null)]
    [InlineData("""{"t":"2026-11-22T10:00:00Z"}""", """{"t":"2026-11-22T11:00:00+01:00"}""", "$.t")]
    [InlineData("""{"a":1,"b":2}""", """{"a":1}""", "$.b: missing")]
    [InlineData("""{"a":1}""", """{"a":1,"z":null}""", "$.z: unexpected")]
    [InlineData("""{"a":[1,2]}""", """{"a":[2,1]}""", "$.a[0]")]
    [InlineData("""{"a":"1"}""", """{"a":1}""", "$.a: kind")]
    public void FirstDifference_Documents_ReportsThePath(string expected, string actual, string? difference)
    {
        using var e = JsonDocument.Parse(expected);
        using var a = JsonDocument.Parse(actual);

        var result = JsonSemantic.FirstDifference(e.RootElement, a.RootElement);

        if (difference is null)
        {
            Assert.Null(result);
        }
        else
        {
            Assert.StartsWith(difference, result, StringComparison.Ordinal);
        }
    }
}
