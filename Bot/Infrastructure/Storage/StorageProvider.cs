namespace CrisisBot.Infrastructure.Storage;

/// <summary>The database behind <see cref="CrisisDbContext"/>, chosen by <c>Storage:Provider</c>.</summary>
public enum StorageProvider
{
    /// <summary>Embedded SQLite file <c>crisisbot.db</c> under <c>Storage:DataDirectory</c> (the default).</summary>
    Sqlite = 0,

    /// <summary>PostgreSQL through Npgsql; the connection string is <c>ConnectionStrings:Postgres</c>.</summary>
    Postgres = 1,
}
