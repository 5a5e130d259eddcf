using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>PostgreSQL flavour of <see cref="CrisisDbContext"/>; migrations in <c>Migrations/Postgres</c>.</summary>
public sealed class PostgresCrisisDbContext(DbContextOptions<PostgresCrisisDbContext> options) : CrisisDbContext(options);
