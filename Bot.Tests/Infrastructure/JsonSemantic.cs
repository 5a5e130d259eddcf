using System.Globalization;
using System.Text.Json;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>
/// Semantic JSON equality for round-trip tests: property order is ignored, numbers compare by value, and two strings that
/// are both ISO-8601 timestamps compare by instant and offset (<c>…Z</c> equals <c>…+00:00</c>).
/// </summary>
public static class JsonSemantic
{
    /// <returns>Null when equal, else the JSON path of the first difference and what differs.</returns>
    public static string? FirstDifference(JsonElement expected, JsonElement actual, string path = "$")
    {
        if (expected.ValueKind != actual.ValueKind)
        {
            return $"{path}: kind {expected.ValueKind} != {actual.ValueKind}";
        }

        switch (expected.ValueKind)
        {
            case JsonValueKind.Object:
                var expectedProps = expected.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                var actualProps = actual.EnumerateObject().ToDictionary(p => p.Name, p => p.Value, StringComparer.Ordinal);
                foreach (var name in expectedProps.Keys.Union(actualProps.Keys))
                {
                    if (!expectedProps.TryGetValue(name, out var e))
                    {
                        return $"{path}.{name}: unexpected property";
                    }

                    if (!actualProps.TryGetValue(name, out var a))
                    {
                        return $"{path}.{name}: missing property";
                    }

                    if (FirstDifference(e, a, $"{path}.{name}") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonValueKind.Array:
                var expectedItems = expected.EnumerateArray().ToList();
                var actualItems = actual.EnumerateArray().ToList();
                if (expectedItems.Count != actualItems.Count)
                {
                    return $"{path}: {expectedItems.Count} items != {actualItems.Count}";
                }

                for (var i = 0; i < expectedItems.Count; i++)
                {
                    if (FirstDifference(expectedItems[i], actualItems[i], $"{path}[{i}]") is { } difference)
                    {
                        return difference;
                    }
                }

                return null;
            case JsonValueKind.String:
                var x = expected.GetString()!;
                var y = actual.GetString()!;
                return x == y || SameInstant(x, y) ? null : $"{path}: \"{x}\" != \"{y}\"";
            case JsonValueKind.Number:
                return expected.GetDecimal() == actual.GetDecimal() ? null : $"{path}: {expected} != {actual}";
            default:
                return null;
        }
    }

    private static bool SameInstant(string x, string y) =>
        x.Length >= 19 && y.Length >= 19 && x[10] == 'T' && y[10] == 'T' &&
        DateTimeOffset.TryParse(x, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var a) &&
        DateTimeOffset.TryParse(y, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var b) &&
        a.UtcTicks == b.UtcTicks && a.Offset == b.Offset;
}
