using System.IO.Compression;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace CrisisBot.Infrastructure.Cli.Manifest;

/// <summary>What to pack: the sources folder, the bot's app id, the output zip and an optional app version.</summary>
public sealed record ManifestPackRequest(string SourceDirectory, string BotId, string OutputPath, string? Version = null);

/// <summary>The outcome of a pack: the written zip, or why nothing was written (bad input, exit 2; I/O, exit 1).</summary>
public sealed record ManifestPackResult(bool Succeeded, int ExitCode, string Message, string? OutputPath = null)
{
    public static ManifestPackResult Invalid(string message) => new(false, CliExitCodes.UsageError, message);

    public static ManifestPackResult Failed(string message) => new(false, CliExitCodes.Failure, message);
}

/// <summary>
/// Turns the manifest sources (manifest.json with <c>${{TOKEN}}</c> placeholders, plus its icons) into a Teams app
/// package: tokens replaced, optional version override, icons checked, everything at the zip root.
/// </summary>
/// <remarks>Tokens: <c>${{BOT_ID}}</c>, the bot's Microsoft App ID (also the Teams app id).</remarks>
public static partial class ManifestPackager
{
    public const string ManifestFileName = "manifest.json";
    public const string BotIdToken = "BOT_ID";

    /// <summary>The icons a package must carry, with their required sizes (Teams: color 192×192, outline 32×32).</summary>
    private static readonly (string Key, int Size, bool Required)[] IconRules =
    [
        ("color", 192, true),
        ("outline", 32, true),
        ("color32x32", 32, false),
    ];

    // Zip entries get a fixed timestamp so the same sources and arguments always give the same package bytes.
    private static readonly DateTimeOffset EntryTimestamp = new(2000, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private static readonly JsonSerializerOptions WriteOptions = new()
    {
        WriteIndented = true,
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>semver.org 2.0.0 (MAJOR.MINOR.PATCH with optional pre-release and build metadata).</summary>
    [GeneratedRegex(@"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$", RegexOptions.CultureInvariant)]
    public static partial Regex SemVer();

    [GeneratedRegex(@"\$\{\{\s*([A-Za-z0-9_.]+)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Token();

    /// <summary>Checks that <paramref name="value"/> is a bot app id: a hyphenated, non-empty GUID.</summary>
    public static bool TryParseBotId(string? value, out Guid botId)
    {
        botId = Guid.Empty;
        return value is not null && Guid.TryParseExact(value.Trim(), "D", out botId) && botId != Guid.Empty;
    }

    public static ManifestPackResult Pack(ManifestPackRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!TryParseBotId(request.BotId, out var botId))
        {
            return ManifestPackResult.Invalid(
                $"Bot id '{request.BotId}' is not a GUID. Pass the bot's Microsoft App ID, e.g. --bot-id 3f2504e0-4f89-11d3-9a0c-0305e82c3301.");
        }

        if (request.Version is not null && !SemVer().IsMatch(request.Version))
        {
            return ManifestPackResult.Invalid($"Version '{request.Version}' is not semver (MAJOR.MINOR.PATCH, e.g. 1.0.1).");
        }

        var outputPath = Path.GetFullPath(request.OutputPath);
        if (!outputPath.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            return ManifestPackResult.Invalid($"Output '{request.OutputPath}' must be a .zip file (Teams app packages are zips).");
        }

        if (Directory.Exists(outputPath))
        {
            return ManifestPackResult.Invalid($"Output '{outputPath}' is a directory; give a file name such as crisisbot.zip.");
        }

        var sourceDirectory = Path.GetFullPath(request.SourceDirectory);
        var manifestPath = Path.Combine(sourceDirectory, ManifestFileName);
        if (!File.Exists(manifestPath))
        {
            return ManifestPackResult.Invalid($"Manifest sources not found: {manifestPath} does not exist.");
        }

        JsonObject manifest;
        try
        {
            manifest = JsonNode.Parse(File.ReadAllText(manifestPath)) as JsonObject
                ?? throw new JsonException("the root is not a JSON object");
        }
        catch (JsonException ex)
        {
            return ManifestPackResult.Invalid($"{manifestPath} is not a valid manifest: {ex.Message}");
        }

        var tokens = new Dictionary<string, string>(StringComparer.Ordinal) { [BotIdToken] = botId.ToString("D") };
        var unreplaced = new List<string>();
        ReplaceTokens(manifest, tokens, unreplaced);
        if (unreplaced.Count > 0)
        {
            return ManifestPackResult.Invalid(
                $"manifest.json has unreplaced token(s): {string.Join(", ", unreplaced)}. Known tokens: {string.Join(", ", tokens.Keys.Select(k => "${{" + k + "}}"))}.");
        }

        if (request.Version is not null)
        {
            manifest["version"] = request.Version;
        }

        var version = (manifest["version"] as JsonValue)?.TryGetValue<string>(out var v) == true ? v : null;
        if (version is null || !SemVer().IsMatch(version))
        {
            return ManifestPackResult.Invalid(
                $"manifest.json version '{version}' is not semver; fix it or pass --version <semver>.");
        }

        var icons = new List<(string EntryName, byte[] Content)>();
        foreach (var (key, size, required) in IconRules)
        {
            var iconError = ReadIcon(manifest, sourceDirectory, key, size, required, icons);
            if (iconError is not null)
            {
                return ManifestPackResult.Invalid(iconError);
            }
        }

        try
        {
            WriteZip(outputPath, manifest, icons);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return ManifestPackResult.Failed($"Could not write {outputPath}: {ex.Message}");
        }

        var manifestVersion = manifest["manifestVersion"]?.ToString() ?? "?";
        return new ManifestPackResult(
            true,
            CliExitCodes.Success,
            $"Wrote {outputPath} (app id {botId:D}, version {version}, manifestVersion {manifestVersion}).",
            outputPath);
    }

    private static void ReplaceTokens(JsonNode node, Dictionary<string, string> tokens, List<string> unreplaced)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj.ToList())
                {
                    if (Token().IsMatch(name))
                    {
                        unreplaced.Add($"{Token().Match(name).Value} in a property name at {obj.GetPath()}");
                    }

                    if (child is not null)
                    {
                        ReplaceChild(child, value => obj[name] = value, tokens, unreplaced);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    var index = i;
                    if (array[i] is { } child)
                    {
                        ReplaceChild(child, value => array[index] = value, tokens, unreplaced);
                    }
                }

                break;
        }
    }

    private static void ReplaceChild(JsonNode child, Action<string> set, Dictionary<string, string> tokens, List<string> unreplaced)
    {
        if (child is JsonValue value && value.TryGetValue<string>(out var text))
        {
            var replaced = Token().Replace(text, m => tokens.TryGetValue(m.Groups[1].Value, out var r) ? r : m.Value);
            foreach (Match left in Token().Matches(replaced))
            {
                unreplaced.Add($"{left.Value} at {child.GetPath()}");
            }

            if (!string.Equals(replaced, text, StringComparison.Ordinal))
            {
                set(replaced);
            }
        }
        else
        {
            ReplaceTokens(child, tokens, unreplaced);
        }
    }

    private static string? ReadIcon(
        JsonObject manifest, string sourceDirectory, string key, int size, bool required, List<(string, byte[])> icons)
    {
        var relative = (manifest["icons"]?[key] as JsonValue)?.TryGetValue<string>(out var path) == true ? path : null;
        if (string.IsNullOrWhiteSpace(relative))
        {
            return required ? $"manifest.json has no icons.{key}." : null;
        }

        var entryName = relative.Replace('\\', '/');
        if (Path.IsPathRooted(relative) || entryName.Split('/').Any(part => part is ".." or "."))
        {
            return $"icons.{key} '{relative}' must be a plain path inside the package (no '..', not absolute).";
        }

        var file = Path.Combine(sourceDirectory, relative);
        if (!File.Exists(file))
        {
            return $"icons.{key} file not found: {file}.";
        }

        var content = File.ReadAllBytes(file);
        if (!PngHeader.TryRead(content, out var png))
        {
            return $"icons.{key} '{relative}' is not a PNG file.";
        }

        if (png.Width != size || png.Height != size)
        {
            return $"icons.{key} '{relative}' is {png.Width}x{png.Height}; Teams needs {size}x{size}.";
        }

        if (key != "color" && !png.HasAlphaChannel)
        {
            return $"icons.{key} '{relative}' has no alpha channel; it must be white on a transparent background.";
        }

        if (!icons.Any(i => string.Equals(i.Item1, entryName, StringComparison.Ordinal)))
        {
            icons.Add((entryName, content));
        }

        return null;
    }

    private static void WriteZip(string outputPath, JsonObject manifest, List<(string EntryName, byte[] Content)> icons)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(outputPath)!);
        var temporary = outputPath + ".tmp";
        try
        {
            using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None))
            using (var zip = new ZipArchive(stream, ZipArchiveMode.Create))
            {
                var json = manifest.ToJsonString(WriteOptions) + "\n";
                AddEntry(zip, ManifestFileName, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(json));
                foreach (var (entryName, content) in icons)
                {
                    AddEntry(zip, entryName, content);
                }
            }

            File.Move(temporary, outputPath, overwrite: true);
        }
        finally
        {
            File.Delete(temporary);
        }
    }

    private static void AddEntry(ZipArchive zip, string name, byte[] content)
    {
        var entry = zip.CreateEntry(name, CompressionLevel.Optimal);
        entry.LastWriteTime = EntryTimestamp;
        using var target = entry.Open();
        target.Write(content);
    }
}
