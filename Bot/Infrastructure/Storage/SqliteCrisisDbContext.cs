using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>SQLite flavour of <see cref="CrisisDbContext"/>; migrations in <c>Migrations/Sqlite</c>.</summary>
public sealed class SqliteCrisisDbContext(DbContextOptions<SqliteCrisisDbContext> options) : CrisisDbContext(options)
{
    protected override void ConfigureConventions(ModelConfigurationBuilder configurationBuilder)
    {
        ArgumentNullException.ThrowIfNull(configurationBuilder);
        // SQLite cannot compare or order DateTimeOffset stored as text; a 64-bit binary form keeps ORDER BY and range queries in SQL.
        configurationBuilder.Properties<DateTimeOffset>().HaveConversion<DateTimeOffsetToBinaryConverter>();
    }
}
