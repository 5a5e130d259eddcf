using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>What the intake commands share: services on the configured database, and reading a post file.</summary>
internal static class IntakeCli
{
    public static ServiceProvider BuildServices(CliHost host, System.CommandLine.ParseResult parseResult) =>
        host.BuildServices(parseResult, (services, configuration) =>
        {
            services.AddStorage(configuration);
            services.AddHotTopicsCore(configuration);
        });

    /// <summary>Checks that the configuration is usable (products file, storage, intake options); null when fine, else the message.</summary>
    public static string? CheckConfiguration(IServiceProvider services) => CheckOptions(services) ?? CheckProducts(services);

    /// <summary>The storage and intake options (cheap); null when valid, the message otherwise.</summary>
    public static string? CheckOptions(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = services.GetRequiredService<IOptions<IntakeOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Loads the products file (YAML and routing rules, tens of milliseconds); null when valid, the message otherwise.</summary>
    public static string? CheckProducts(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<ProductCatalog>();
            return null;
        }
        catch (ProductCatalogException ex)
        {
            return $"products file: {ex.Message}";
        }
        catch (OptionsValidationException ex)
        {
            return ex.Message;
        }
    }

    /// <summary>Opens a post file; null plus a message when it cannot be read.</summary>
    public static (FileStream? Stream, PostFormat Format, string? Error) Open(string path)
    {
        if (!File.Exists(path))
        {
            return (null, PostFormat.Auto, $"file '{path}' does not exist");
        }

        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.SequentialScan);
            return (stream, PostReader.FormatFromFileName(path), null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return (null, PostFormat.Auto, $"cannot read '{path}': {ex.Message}");
        }
    }

    public static string Describe(PostError error) =>
        error.Line is { } line ? $"item {error.Index} (line {line}): {error.Message}" : $"item {error.Index}: {error.Message}";
}
