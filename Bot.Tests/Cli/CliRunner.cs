using CrisisBot.Infrastructure.Cli;

namespace CrisisBot.Tests.Cli;

/// <summary>Runs the real CLI entry (<see cref="CliApp.RunAsync(string[], CliHost, TextWriter?, TextWriter?, CancellationToken)"/>) and captures its output.</summary>
internal static class CliRunner
{
    public sealed record CliRun(int ExitCode, string Output, string Error);

    /// <summary>Runs with the test's own build output as base directory (it ships manifest/ and appsettings.json).</summary>
    public static Task<CliRun> RunAsync(params string[] args) =>
        RunAsync(new CliHost(AppContext.BaseDirectory, TimeProvider.System), args);

    public static async Task<CliRun> RunAsync(CliHost host, params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exitCode = await CliApp.RunAsync(args, host, output, error);
        return new CliRun(exitCode, output.ToString(), error.ToString());
    }
}
