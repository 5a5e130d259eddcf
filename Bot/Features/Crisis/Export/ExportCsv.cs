using System.Globalization;
using System.Text;

namespace CrisisBot.Features.Crisis.Export;

/// <summary>
/// RFC 4180 CSV fields, safe to open in a spreadsheet: text starting with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, tab or
/// carriage return gets a leading apostrophe (so it is never evaluated as a formula), and fields with a comma, quote,
/// line break or leading/trailing space are quoted with inner quotes doubled. Numbers, booleans and times are written as
/// they are.
/// </summary>
public static class ExportCsv
{
    public static string Text(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return "";
        }

        if (value[0] is '=' or '+' or '-' or '@' or '\t' or '\r')
        {
            value = "'" + value;
        }

        var quote = value.AsSpan().IndexOfAny(",\"\r\n") >= 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]);
        return quote ? "\"" + value.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"" : value;
    }

    /// <summary>A typed value: text is escaped (<see cref="Text"/>), anything else formatted invariantly.</summary>
    public static string Field(object? value) => value switch
    {
        null => "",
        string s => Text(s),
        bool b => b ? "true" : "false",
        DateTimeOffset t => ExportValues.Time(t),
        Enum e => Text(e.ToString()),
        byte[] bytes => Convert.ToBase64String(bytes),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture), // numbers: never a formula, never escaped
        _ => Text(value.ToString()),
    };

    public static void AppendRow(StringBuilder line, IReadOnlyList<object?> values)
    {
        ArgumentNullException.ThrowIfNull(line);
        ArgumentNullException.ThrowIfNull(values);
        for (var i = 0; i < values.Count; i++)
        {
            if (i > 0)
            {
                line.Append(',');
            }

            line.Append(Field(values[i]));
        }

        line.Append("\r\n");
    }
}

/// <summary>Shared value formatting of the export.</summary>
public static class ExportValues
{
    /// <summary>UTC, ISO 8601 with milliseconds.</summary>
    public static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
