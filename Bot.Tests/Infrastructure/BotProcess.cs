using System.Diagnostics;

namespace CrisisBot.Tests.Infrastructure;

/// <summary>The bot as a process of its own: <c>dotnet Bot.dll</c> from the test output, with the shipped Bot.runtimeconfig.json.</summary>
internal static class BotProcess
{
    /// <summary>Start info for <c>dotnet Bot.dll [args]</c>: output and error redirected, the test output as working folder.</summary>
    public static ProcessStartInfo StartInfo(params string[] args)
    {
        var dotnet = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";
        var start = new ProcessStartInfo(dotnet)
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "Bot.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        return start;
    }
}
