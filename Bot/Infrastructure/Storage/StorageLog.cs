namespace CrisisBot.Infrastructure.Storage;

/// <summary>Storage log messages; event ids 560–579.</summary>
internal static partial class StorageLog
{
    [LoggerMessage(EventId = 560, Level = LogLevel.Information, Message = "Storage: {Provider} at {Location}; applying migrations")]
    public static partial void Migrating(ILogger logger, string provider, string location);

    [LoggerMessage(EventId = 561, Level = LogLevel.Information, Message = "Storage: applied {Count} migration(s): {Migrations}")]
    public static partial void Migrated(ILogger logger, int count, string migrations);

    [LoggerMessage(EventId = 562, Level = LogLevel.Warning, Message = "Storage ({Provider}) is unreachable: {Reason}")]
    public static partial void StorageUnreachable(ILogger logger, string provider, string reason);

    [LoggerMessage(EventId = 564, Level = LogLevel.Warning, Message = "Storage: removed a stale SQLite migration lock taken at {TakenAt} (a process was killed while migrating)")]
    public static partial void StaleMigrationLock(ILogger logger, string takenAt);

    [LoggerMessage(EventId = 565, Level = LogLevel.Information, Message = "Storage: created the schema of a new SQLite database from the migrations' script ({Count} migrations)")]
    public static partial void CreatedFromScript(ILogger logger, int count);

    [LoggerMessage(EventId = 563, Level = LogLevel.Information, Message = "Storage: SQLite journal mode is {JournalMode}")]
    public static partial void JournalMode(ILogger logger, string journalMode);
}
