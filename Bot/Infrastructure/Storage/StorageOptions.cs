namespace CrisisBot.Infrastructure.Storage;

/// <summary>The <c>Storage</c> configuration section (plus <c>ConnectionStrings:Postgres</c>).</summary>
public sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>File name of the SQLite database inside <see cref="DataDirectory"/>.</summary>
    public const string SqliteFileName = "crisisbot.db";

    /// <summary>
    /// <c>Sqlite</c> or <c>Postgres</c>, case-insensitive.
    /// <value>Default <c>Sqlite</c>.</value>
    /// </summary>
    public string Provider { get; set; } = nameof(StorageProvider.Sqlite);

    /// <summary>
    /// Folder of the SQLite file, relative to the working directory unless absolute. Created at startup.
    /// <value>Default <c>./data</c>.</value>
    /// </summary>
    public string DataDirectory { get; set; } = "./data";

    /// <summary>
    /// How long SQLite waits for a lock held by another connection before failing (PRAGMA busy_timeout).
    /// <value>Default 5 seconds; 1 to 300.</value>
    /// </summary>
    public int BusyTimeoutSeconds { get; set; } = 5;

    /// <summary>
    /// <c>ConnectionStrings:Postgres</c>; filled in by <see cref="StorageExtensions.AddStorage"/>, not bound from the
    /// <c>Storage</c> section.
    /// </summary>
    public string? PostgresConnectionString { get; set; }

    /// <summary>The parsed <see cref="Provider"/>; only meaningful once the options passed validation.</summary>
    public StorageProvider ParsedProvider =>
        TryParseProvider(Provider, out var provider) ? provider : throw new InvalidOperationException(
            $"Storage:Provider '{Provider}' is not supported. Use 'Sqlite' or 'Postgres'.");

    /// <summary>Absolute path of the SQLite database file.</summary>
    public string SqliteDatabasePath => Path.Combine(Path.GetFullPath(DataDirectory), SqliteFileName);

    internal static bool TryParseProvider(string? value, out StorageProvider provider)
    {
        provider = default;
        return !string.IsNullOrWhiteSpace(value)
            && !value.Trim().All(char.IsDigit)
            && Enum.TryParse(value.Trim(), ignoreCase: true, out provider)
            && Enum.IsDefined(provider);
    }
}
