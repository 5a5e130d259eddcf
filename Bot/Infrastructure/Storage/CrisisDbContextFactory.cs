using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>Hands out the configured provider's context as the provider-neutral <see cref="CrisisDbContext"/>.</summary>
internal sealed class CrisisDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<CrisisDbContext>
    where TContext : CrisisDbContext
{
    public CrisisDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<CrisisDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
