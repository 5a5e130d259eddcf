using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Tests.Infrastructure.Storage;

/// <summary>Each provider has its own migrations, and they must describe the current model.</summary>
public sealed class MigrationsTests
{
    private static SqliteCrisisDbContext Sqlite() =>
        new(new DbContextOptionsBuilder<SqliteCrisisDbContext>().UseSqlite("Data Source=:memory:").Options);

    private static PostgresCrisisDbContext Postgres() =>
        new(new DbContextOptionsBuilder<PostgresCrisisDbContext>().UseNpgsql("Host=127.0.0.1;Port=1;Database=never_opened").Options);

    [Fact]
    public void SqliteMigrations_MatchModel()
    {
        using var db = Sqlite();

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "Model changed without a SQLite migration: run dotnet ef migrations add (see Migrations/README.md).");
    }

    [Fact]
    public void SqliteMigrationIds_AreEfCoresMigrationsInOrder()
    {
        using var db = Sqlite();

        // The build's list (file names) is what the import's EF-free migration check trusts: it must be EF Core's.
        Assert.Equal(db.Database.GetMigrations(), SqliteMigrationIds.Known);
    }

    [Fact]
    public void PostgresMigrations_MatchModel()
    {
        using var db = Postgres();

        Assert.NotEmpty(db.Database.GetMigrations());
        Assert.False(db.Database.HasPendingModelChanges(), "Model changed without a PostgreSQL migration: run dotnet ef migrations add (see Migrations/README.md).");
    }

    [Fact]
    public void Migrations_AreSeparatedByProvider()
    {
        using var sqlite = Sqlite();
        using var postgres = Postgres();

        Assert.All(sqlite.Database.GetMigrations(), m => Assert.DoesNotContain(m, postgres.Database.GetMigrations()));
        Assert.Equal("Microsoft.EntityFrameworkCore.Sqlite", sqlite.Database.ProviderName);
        Assert.Equal("Npgsql.EntityFrameworkCore.PostgreSQL", postgres.Database.ProviderName);
    }

    [Fact]
    public async Task SqliteModel_OrdersDateTimeOffsetInSql()
    {
        await using var db = Sqlite();
        await db.Database.OpenConnectionAsync();
        await db.Database.MigrateAsync();
        var at = new DateTimeOffset(2026, 11, 22, 12, 0, 0, TimeSpan.Zero);
        db.AuditEntries.AddRange(
            AuditEntry.Create(at.AddMinutes(5), "channel.link", "a", null, "agents", null),
            AuditEntry.Create(at, "channel.unlink", "a", null, "agents", null));
        await db.SaveChangesAsync();

        var ordered = await db.AuditEntries.Where(e => e.At >= at).OrderBy(e => e.At).Select(e => e.Action).ToListAsync();

        Assert.Equal(["channel.unlink", "channel.link"], ordered);
    }
}
