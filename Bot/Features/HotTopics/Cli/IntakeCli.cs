using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Routing;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
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
    public static string? CheckConfiguration(IServiceProvider services)
    {
        try
        {
            _ = services.GetRequiredService<ProductCatalog>();
            _ = services.GetRequiredService<IOptions<StorageOptions>>().Value;
            _ = services.GetRequiredService<IOptions<IntakeOptions>>().Value;
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

    /// <summary>
    /// Builds EF Core's first context on a thread of its own (its internal service provider and the compiled model: the
    /// largest single set-up cost of a command on the database) so the caller can do other set-up meanwhile. Opens no
    /// connection. Await it (through <see cref="QuietlyAsync"/>) before the first real use of storage: two first
    /// contexts built at once would both do the work.
    /// </summary>
    public static Task WarmUpStorageAsync(IServiceProvider services)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                using var db = services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContext();
                _ = db.Model;
                _ = db.Database.ProviderName;
                done.SetResult();
            }
            catch (Exception ex)
            {
                done.SetException(ex);
            }
        })
        {
            IsBackground = true,
            Name = "storage warm-up",
        }.Start();
        return done.Task;
    }

    /// <summary>Waits for <paramref name="task"/>, ignoring its failure (reported by whatever uses the same thing next).</summary>
    public static async Task QuietlyAsync(Task task)
    {
        try
        {
            await task;
        }
        catch (Exception)
        {
            // the configuration check or the migration reports the problem with its own message
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
