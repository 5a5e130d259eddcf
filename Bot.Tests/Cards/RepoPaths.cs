namespace CrisisBot.Tests.Cards;

/// <summary>Locations in the source tree, found by walking up from the test binaries to CrisisBot.sln.</summary>
internal static class RepoPaths
{
    public const string SchemaEnvironmentVariable = "CRISISBOT_CARD_SCHEMA";

    public static string Root { get; } = FindRoot();

    public static string CardValidator => Path.Combine(Root, "tools", "card-validator");

    public static string Snapshots => Path.Combine(Root, "Bot.Tests", "Cards", "Snapshots");

    /// <summary>
    /// The official Adaptive Card 1.5 schema (not committed): $CRISISBOT_CARD_SCHEMA, else ../shared/schemas next to the
    /// repository, else /work/shared/schemas (worktrees). Null when none exists.
    /// </summary>
    public static string? Schema()
    {
        var candidates = new[]
        {
            Environment.GetEnvironmentVariable(SchemaEnvironmentVariable),
            Path.GetFullPath(Path.Combine(Root, "..", "shared", "schemas", "adaptive-card-1.5.json")),
            "/work/shared/schemas/adaptive-card-1.5.json",
        };
        return candidates.FirstOrDefault(c => !string.IsNullOrWhiteSpace(c) && File.Exists(c));
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisBot.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"CrisisBot.sln not found above {AppContext.BaseDirectory}.");
    }
}
