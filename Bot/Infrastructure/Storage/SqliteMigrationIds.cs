using System.Reflection;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>
/// The ids of the SQLite migrations compiled into this assembly, in order, read from an assembly attribute the build
/// writes from the migrations' file names (Bot.csproj, <c>CrisisBot.SqliteMigrations</c>). What EF Core's
/// <c>Database.GetMigrations()</c> answers, without building a context (MigrationsTests compares the two).
/// </summary>
internal static class SqliteMigrationIds
{
    public const string MetadataKey = "CrisisBot.SqliteMigrations";

    private static readonly Lazy<IReadOnlyList<string>> Ids = new(() =>
    {
        var value = typeof(SqliteMigrationIds).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == MetadataKey)?.Value;
        return value is null ? [] : [.. value.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Order(StringComparer.Ordinal)];
    });

    /// <summary>Every migration id, in id order (empty if the build wrote none).</summary>
    public static IReadOnlyList<string> Known => Ids.Value;
}
