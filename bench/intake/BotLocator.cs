namespace CrisisBot.Bench.Intake;

/// <summary>
/// The bot executable the benchmark runs: <c>BENCH_BOT_DLL</c> when set (bench/run.sh exports the ReadyToRun publish
/// there), else the Release build <c>Bot/bin/Release/net10.0/Bot.dll</c> of this repository.
/// </summary>
internal static class BotLocator
{
    public static string? Find()
    {
        if (Environment.GetEnvironmentVariable("BENCH_BOT_DLL") is { Length: > 0 } fromEnvironment && File.Exists(fromEnvironment))
        {
            return fromEnvironment;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "CrisisBot.sln")))
            {
                var path = Path.Combine(dir.FullName, "Bot", "bin", "Release", "net10.0", "Bot.dll");
                return File.Exists(path) ? path : null;
            }
        }

        return null;
    }

    public static string Describe(string dll) =>
        File.Exists(Path.Combine(Path.GetDirectoryName(dll)!, "Bot.r2rmap")) || dll.Contains("/out/", StringComparison.Ordinal)
            ? $"the published bot {dll}"
            : $"the Release build {dll}";
}
