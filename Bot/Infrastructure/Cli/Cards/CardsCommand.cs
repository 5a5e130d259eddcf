using System.CommandLine;
using CrisisBot.Cards.Samples;

namespace CrisisBot.Infrastructure.Cli.Cards;

/// <summary><c>cards export &lt;dir&gt;</c>: writes every sample card, so anyone can check them with their own tools.</summary>
public static class CardsCommand
{
    public static Command Create(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var cards = new Command("cards", "Work with CrisisBot's Adaptive Cards.");
        cards.Subcommands.Add(CreateExport());
        return cards;
    }

    private static Command CreateExport()
    {
        var directory = new Argument<string>("dir")
        {
            Description = "Folder to write the cards to (created if missing; existing files of the same name are replaced).",
        };
        var export = new Command(
            "export",
            "Write every sample card (each card in its typical, empty and worst-case variant, and each role view) as " +
            "<name>.<variant>.json, Adaptive Card 1.5 as the bot sends it.")
        {
            directory,
        };
        export.SetAction(parseResult =>
        {
            var dir = parseResult.GetRequiredValue(directory);
            try
            {
                var paths = CardSamples.ExportAll(Path.GetFullPath(dir));
                parseResult.InvocationConfiguration.Output.WriteLine($"Wrote {paths.Count} cards to {Path.GetFullPath(dir)}");
                return CliExitCodes.Success;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                parseResult.InvocationConfiguration.Error.WriteLine($"error: cannot write cards to '{dir}': {ex.Message}");
                return CliExitCodes.Failure;
            }
        });
        return export;
    }
}
