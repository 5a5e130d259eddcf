using System.Globalization;

namespace CrisisBot.Bench.Suite;

/// <summary>A wrong or missing option; the message says which.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>"--name value" pairs and "--flag" switches.</summary>
internal sealed class Options
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);

    public Options(string[] args)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{args[i]}' (options are --name value)");
            }

            var hasValue = i + 1 < args.Length && !args[i + 1].StartsWith("--", StringComparison.Ordinal);
            _values[args[i]] = hasValue ? args[++i] : null;
        }
    }

    public bool Flag(string name) => _values.ContainsKey(name);

    public string? Optional(string name) => _values.TryGetValue(name, out var v) ? v : null;

    public string Required(string name) =>
        Optional(name) is { Length: > 0 } v ? v : throw new UsageException($"{name} is required");

    public int Int(string name, int? fallback = null)
    {
        var raw = Optional(name);
        if (raw is null)
        {
            return fallback ?? throw new UsageException($"{name} is required");
        }

        return int.TryParse(raw, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= 0
            ? value
            : throw new UsageException($"{name} must be a non-negative integer, got '{raw}'");
    }

    public string ExistingFile(string name)
    {
        var path = Required(name);
        return File.Exists(path) ? path : throw new UsageException($"{name}: file '{path}' does not exist");
    }
}
