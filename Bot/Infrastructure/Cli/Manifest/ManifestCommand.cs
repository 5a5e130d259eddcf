using System.CommandLine;

namespace CrisisBot.Infrastructure.Cli.Manifest;

/// <summary><c>manifest pack</c>: builds the Teams app package from the manifest sources shipped with the build.</summary>
public static class ManifestCommand
{
    /// <summary>The configuration key used when --bot-id is not given (the server's app id).</summary>
    public const string BotIdConfigurationKey = "MicrosoftAppId";

    public static Command Create(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var manifest = new Command("manifest", "Work with the Teams app manifest (manifest/ in the build output).");
        manifest.Subcommands.Add(CreatePack(host));
        return manifest;
    }

    private static Command CreatePack(CliHost host)
    {
        var botId = new Option<string>("--bot-id")
        {
            Description = $"The bot's Microsoft App ID (a GUID); replaces ${{{{BOT_ID}}}}. Default: the {BotIdConfigurationKey} setting.",
            HelpName = "guid",
        };
        var output = new Option<string>("--out", "-o")
        {
            Description = "Where to write the app package, e.g. crisisbot.zip (folders are created; an existing file is replaced).",
            HelpName = "file.zip",
            Required = true,
        };
        var version = new Option<string>("--version")
        {
            Description = "App version to stamp into the manifest (semver, e.g. 1.0.1). Default: the version in manifest.json.",
            HelpName = "semver",
        };
        var source = new Option<string>("--source")
        {
            Description = "Folder with manifest.json and its icons. Default: manifest/ next to Bot.dll.",
            HelpName = "dir",
        };

        var pack = new Command(
            "pack",
            "Write a Teams app package (manifest.json, color.png, outline.png at the zip root) with the tokens replaced, " +
            "ready to upload in Teams (Apps > Manage your apps > Upload an app).")
        {
            botId,
            output,
            version,
            source,
        };

        pack.SetAction(parseResult =>
        {
            var stdout = parseResult.InvocationConfiguration.Output;
            var stderr = parseResult.InvocationConfiguration.Error;
            var id = parseResult.GetValue(botId);
            if (string.IsNullOrWhiteSpace(id))
            {
                id = host.BuildConfiguration(parseResult)[BotIdConfigurationKey];
                if (string.IsNullOrWhiteSpace(id))
                {
                    stderr.WriteLine(
                        $"error: no bot id. Pass --bot-id <guid>, or set {BotIdConfigurationKey} (appsettings.json, the " +
                        $"{BotIdConfigurationKey} environment variable, or --set {BotIdConfigurationKey}=<guid>).");
                    return CliExitCodes.UsageError;
                }
            }

            var request = new ManifestPackRequest(
                parseResult.GetValue(source) ?? Path.Combine(host.BaseDirectory, "manifest"),
                id,
                parseResult.GetRequiredValue(output),
                parseResult.GetValue(version));
            var result = ManifestPackager.Pack(request);
            (result.Succeeded ? stdout : stderr).WriteLine(result.Succeeded ? result.Message : "error: " + result.Message);
            return result.ExitCode;
        });
        return pack;
    }
}
