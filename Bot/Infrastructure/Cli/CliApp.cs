using System.CommandLine;
using System.CommandLine.Invocation;
using CrisisBot.Features.HotTopics.Cli;
using CrisisBot.Infrastructure.Cli.Cards;
using CrisisBot.Infrastructure.Cli.Manifest;

namespace CrisisBot.Infrastructure.Cli;

/// <summary>The command-line side of the Bot executable (System.CommandLine).</summary>
/// <remarks>
/// Each command lives in its own class with a <c>static Command Create(CliHost host)</c> factory, and is listed once in
/// <see cref="CommandFactories"/>. Commands write to <c>parseResult.InvocationConfiguration.Output/Error</c> and return
/// a <see cref="CliExitCodes"/> value.
/// </remarks>
public static class CliApp
{
    /// <summary>Every top-level command. Add later commands (cards export, import, replay, …) here.</summary>
    private static readonly Func<CliHost, Command>[] CommandFactories =
    [
        ManifestCommand.Create,
        CardsCommand.Create,
        ImportCommand.Create,
        ReplayCommand.Create,
        ExportCommands.CreateTopics,
        ExportCommands.CreateAlarms,
        Features.Crisis.Export.CrisisExportCommand.Create,
    ];

    private static readonly HashSet<string> CliOnlyFirstArguments = new(StringComparer.Ordinal)
    {
        "-h", "--help", "-?", "/?", "/h", "--version",
    };

    /// <summary>
    /// True when the arguments are meant for the CLI: a command word first, or a help/version request. Host options
    /// (<c>--urls …</c>, <c>/key value</c>) and configuration overrides (<c>Key=Value</c>) start the server.
    /// </summary>
    public static bool IsCliInvocation(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length == 0)
        {
            return false;
        }

        var first = args[0];
        if (CliOnlyFirstArguments.Contains(first))
        {
            return true;
        }

        return first.Length > 0 && first[0] != '-' && first[0] != '/' && !first.Contains('=', StringComparison.Ordinal);
    }

    /// <summary>
    /// The dependency-injection container's switch that keeps it on its reflection-based resolver. By default every service
    /// resolved twice gets an IL-emitted resolver, compiled on a thread-pool thread (EF Core's internal container alone
    /// emits about a hundred): worth it for a server that resolves them millions of times, pure start-up cost for a
    /// command that exits after a few resolutions (README "Performance": import fixed cost).
    /// </summary>
    internal const string DisableDynamicServiceResolutionSwitch = "Microsoft.Extensions.DependencyInjection.DisableDynamicEngine";

    /// <summary>Runs the CLI with the real base directory, clock and console (the process is the command's own).</summary>
    public static Task<int> RunAsync(string[] args)
    {
        // Read once, when the process's first service provider is built: none is built before the command runs.
        AppContext.SetSwitch(DisableDynamicServiceResolutionSwitch, true);
        return RunAsync(args, new CliHost(AppContext.BaseDirectory, TimeProvider.System) { OwnsProcess = true });
    }

    /// <summary>Runs the CLI; <paramref name="output"/>/<paramref name="error"/> default to the console.</summary>
    public static async Task<int> RunAsync(
        string[] args, CliHost host, TextWriter? output = null, TextWriter? error = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(host);
        var parseResult = CreateRootCommand(host).Parse(args);
        var invocation = new InvocationConfiguration
        {
            Output = output ?? Console.Out,
            Error = error ?? Console.Error,
        };
        var exitCode = await parseResult.InvokeAsync(invocation, ct);

        // System.CommandLine answers parse errors with 1; ours says "usage error" with 2, like every bad input.
        return parseResult.Action is ParseErrorAction ? CliExitCodes.UsageError : exitCode;
    }

    /// <summary>The root command with the global options and every command.</summary>
    public static RootCommand CreateRootCommand(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var root = new RootCommand(
            "CrisisBot: the Teams bot server and its command line. Without a command, Bot starts the server; " +
            "with one, it runs that command and exits.")
        {
            host.SetOption,
            host.EnvironmentOption,
        };
        foreach (var factory in CommandFactories)
        {
            root.Subcommands.Add(factory(host));
        }

        return root;
    }
}
