namespace CrisisBot.Infrastructure.Cli;

/// <summary>The command-line side of the Bot executable (System.CommandLine).</summary>
public static class CliApp
{
    /// <summary>True when the first argument is a command rather than a host option such as --urls.</summary>
    public static bool IsCliInvocation(string[] args) => args.Length > 0 && !args[0].StartsWith('-');

    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine($"Unknown command: {string.Join(' ', args)}");
        return Task.FromResult(2);
    }
}
