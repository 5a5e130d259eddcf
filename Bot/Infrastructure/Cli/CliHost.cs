using System.CommandLine;
using System.CommandLine.Parsing;
using System.Reflection;

namespace CrisisBot.Infrastructure.Cli;

/// <summary>
/// What every CLI command can rely on: the app base directory (where the build output ships the manifest sources and
/// appsettings.json), the clock, and the same configuration the server reads.
/// </summary>
/// <remarks>
/// Configuration is layered like the server's: appsettings.json, appsettings.{Environment}.json (both from the base
/// directory, so the CLI works from any working directory), user secrets in Development, environment variables, and
/// last the command line (<c>--set Key=Value</c>, the same keys, with ':' for sections).
/// </remarks>
public sealed class CliHost
{
    private const string DefaultEnvironment = "Production";
    private readonly Func<string, string?> _getEnvironmentVariable;

    public CliHost(string baseDirectory, TimeProvider timeProvider, Func<string, string?>? getEnvironmentVariable = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(baseDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        BaseDirectory = Path.GetFullPath(baseDirectory);
        TimeProvider = timeProvider;
        _getEnvironmentVariable = getEnvironmentVariable ?? Environment.GetEnvironmentVariable;

        SetOption = new Option<string[]>("--set")
        {
            Description = "Override a configuration key for this run, with the server's keys (e.g. --set MicrosoftAppId=<guid>, " +
                          "--set Storage:Provider=Sqlite). Repeatable.",
            HelpName = "key=value",
            Recursive = true,
            Arity = ArgumentArity.OneOrMore,
        };
        SetOption.Validators.Add(ValidateSetTokens);

        EnvironmentOption = new Option<string>("--environment")
        {
            Description = "Environment name used to pick appsettings.{Environment}.json " +
                          "(default: ASPNETCORE_ENVIRONMENT, then DOTNET_ENVIRONMENT, then Production).",
            HelpName = "name",
            Recursive = true,
        };
    }

    /// <summary>The folder holding Bot.dll and everything shipped with it (manifest/, appsettings.json).</summary>
    public string BaseDirectory { get; }

    public TimeProvider TimeProvider { get; }

    /// <summary>
    /// True when the command runs as the process itself (<c>dotnet Bot.dll &lt;command&gt;</c>), so it may change
    /// process-wide settings such as the GC heap limit of <c>import</c>; false for a host shared with anything else (tests).
    /// </summary>
    public bool OwnsProcess { get; init; }

    /// <summary>Global <c>--set key=value</c> configuration overrides.</summary>
    public Option<string[]> SetOption { get; }

    /// <summary>Global <c>--environment name</c>.</summary>
    public Option<string> EnvironmentOption { get; }

    /// <summary>The environment name for this invocation.</summary>
    public string GetEnvironmentName(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var fromOption = parseResult.GetValue(EnvironmentOption);
        if (!string.IsNullOrWhiteSpace(fromOption))
        {
            return fromOption;
        }

        foreach (var variable in (string[])["ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT"])
        {
            var value = _getEnvironmentVariable(variable);
            if (!string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        return DefaultEnvironment;
    }

    /// <summary>Builds the configuration for this invocation, layered like the server's.</summary>
    public IConfigurationRoot BuildConfiguration(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var environment = GetEnvironmentName(parseResult);
        var builder = new ConfigurationBuilder()
            .SetBasePath(BaseDirectory)
            .AddJsonFile("appsettings.json", optional: true, reloadOnChange: false)
            .AddJsonFile($"appsettings.{environment}.json", optional: true, reloadOnChange: false);
        if (string.Equals(environment, "Development", StringComparison.OrdinalIgnoreCase))
        {
            builder.AddUserSecrets(Assembly.GetExecutingAssembly(), optional: true, reloadOnChange: false);
        }

        builder.AddEnvironmentVariables();
        builder.AddInMemoryCollection(ParseOverrides(parseResult.GetValue(SetOption) ?? []));
        return builder.Build();
    }

    /// <summary>
    /// A service provider for commands that need the app's services (storage, cards, …): configuration, clock and
    /// logging (to standard error, so standard output stays clean for command output) are registered; the command adds
    /// its own through <paramref name="configure"/>, typically the same AddXxx extension methods the server calls.
    /// </summary>
    public ServiceProvider BuildServices(ParseResult parseResult, Action<IServiceCollection, IConfiguration>? configure = null)
    {
        var configuration = BuildConfiguration(parseResult);
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddSingleton(TimeProvider);
        services.AddLogging(logging => logging
            .AddConfiguration(configuration.GetSection("Logging"))
            .AddSimpleConsole(o => o.SingleLine = true));
        services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        configure?.Invoke(services, configuration);

        // Validating every registration up front (ValidateOnBuild) finds wiring mistakes, which the tests' hosts (not
        // OwnsProcess) still do for every command; a command run as its own process skips it and resolves only what it uses.
        return services.BuildServiceProvider(new ServiceProviderOptions { ValidateScopes = true, ValidateOnBuild = !OwnsProcess });
    }

    private static Dictionary<string, string?> ParseOverrides(IEnumerable<string> tokens)
    {
        var overrides = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        foreach (var token in tokens)
        {
            var separator = token.IndexOf('=', StringComparison.Ordinal);
            overrides[token[..separator].Trim()] = token[(separator + 1)..];
        }

        return overrides;
    }

    private static void ValidateSetTokens(OptionResult result)
    {
        foreach (var token in result.Tokens)
        {
            var separator = token.Value.IndexOf('=', StringComparison.Ordinal);
            if (separator <= 0 || string.IsNullOrWhiteSpace(token.Value[..separator]))
            {
                result.AddError($"--set expects key=value (e.g. --set MicrosoftAppId=<guid>), got '{token.Value}'.");
            }
        }
    }
}
