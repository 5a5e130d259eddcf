using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>
/// The bot's database. Provider-neutral: each provider has a subclass (<see cref="SqliteCrisisDbContext"/>,
/// <see cref="PostgresCrisisDbContext"/>) that owns its own migrations. Features contribute their tables with
/// <see cref="IEntityTypeConfiguration{TEntity}"/> classes in this assembly and use <see cref="DbContext.Set{TEntity}()"/>,
/// so this class knows no feature.
/// </summary>
public abstract class CrisisDbContext : DbContext
{
    protected CrisisDbContext(DbContextOptions options)
        : base(options)
    {
    }

    /// <summary>The audit trail (who did what, when).</summary>
    public DbSet<AuditEntry> AuditEntries => Set<AuditEntry>();

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        ArgumentNullException.ThrowIfNull(modelBuilder);
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(CrisisDbContext).Assembly);
    }
}
