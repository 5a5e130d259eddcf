namespace CrisisBot.Infrastructure.Cli;

/// <summary>Exit codes shared by every CLI command.</summary>
public static class CliExitCodes
{
    /// <summary>The command did what was asked.</summary>
    public const int Success = 0;

    /// <summary>The command failed for a reason outside the user's input (I/O, unexpected error).</summary>
    public const int Failure = 1;

    /// <summary>Bad usage or bad input: unknown command, missing or invalid option, invalid source files.</summary>
    public const int UsageError = 2;
}
