using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>Startup validation of <see cref="StorageOptions"/> with messages that name the configuration key to fix.</summary>
internal sealed class StorageOptionsValidator : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        var failures = new List<string>();
        if (!StorageOptions.TryParseProvider(options.Provider, out var provider))
        {
            failures.Add($"Storage:Provider '{options.Provider}' is not supported. Use 'Sqlite' (the default, an embedded file) or 'Postgres'.");
        }
        else if (provider == StorageProvider.Postgres && string.IsNullOrWhiteSpace(options.PostgresConnectionString))
        {
            failures.Add("Storage:Provider is 'Postgres' but ConnectionStrings:Postgres is empty. Set it with user-secrets or the " +
                "environment variable ConnectionStrings__Postgres, or use Storage:Provider=Sqlite.");
        }
        else if (provider == StorageProvider.Sqlite)
        {
            if (string.IsNullOrWhiteSpace(options.DataDirectory))
            {
                failures.Add("Storage:DataDirectory is empty. Give the folder for crisisbot.db (default ./data).");
            }
            else if (options.DataDirectory.IndexOfAny(Path.GetInvalidPathChars()) >= 0)
            {
                failures.Add($"Storage:DataDirectory '{options.DataDirectory}' contains characters that are not allowed in a path.");
            }
        }

        if (options.BusyTimeoutSeconds is < 1 or > 300)
        {
            failures.Add($"Storage:BusyTimeoutSeconds must be between 1 and 300 (got {options.BusyTimeoutSeconds}).");
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}
