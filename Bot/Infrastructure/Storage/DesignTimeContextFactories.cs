using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>
/// Lets <c>dotnet ef migrations add X --context SqliteCrisisDbContext --output-dir Infrastructure/Storage/Migrations/Sqlite</c>
/// build the model without starting the host. Never used at runtime.
/// </summary>
internal sealed class SqliteDesignTimeContextFactory : IDesignTimeDbContextFactory<SqliteCrisisDbContext>
{
    public SqliteCrisisDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<SqliteCrisisDbContext>().UseSqlite("Data Source=design-time.db").Options);
}

/// <summary>
/// Same for PostgreSQL (<c>--context PostgresCrisisDbContext --output-dir Infrastructure/Storage/Migrations/Postgres</c>).
/// Generating migrations needs no server; the connection string is never opened.
/// </summary>
internal sealed class PostgresDesignTimeContextFactory : IDesignTimeDbContextFactory<PostgresCrisisDbContext>
{
    public PostgresCrisisDbContext CreateDbContext(string[] args) =>
        new(new DbContextOptionsBuilder<PostgresCrisisDbContext>().UseNpgsql("Host=localhost;Database=crisisbot_design").Options);
}
