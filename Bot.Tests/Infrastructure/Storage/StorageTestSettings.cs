using Microsoft.Extensions.Configuration;

namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>A unique temporary data directory per test, removed afterwards.</summary>
internal sealed class StorageTestSettings : IDisposable
{
    public string DataDirectory { get; } = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"), "data");

    public IConfiguration Configuration(params (string Key, string? Value)[] overrides)
    {
        var values = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "Sqlite",
            ["Storage:DataDirectory"] = DataDirectory,
        };
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(values).Build();
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        var root = Path.GetDirectoryName(DataDirectory)!;
        if (Directory.Exists(root))
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
