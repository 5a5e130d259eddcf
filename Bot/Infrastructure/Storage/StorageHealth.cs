using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Storage;

/// <summary>Whether the database answers right now. Used by <c>GET /healthz</c> and the <c>status</c> command.</summary>
public sealed class StorageHealth(IDbContextFactory<CrisisDbContext> contexts, IOptions<StorageOptions> options, ILogger<StorageHealth> logger)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>Lower-case provider name as shown to users: <c>sqlite</c> or <c>postgres</c>.</summary>
    public string ProviderName => options.Value.ParsedProvider.ToString().ToLowerInvariant();

    /// <returns>True when a connection opens and <c>SELECT 1</c> runs within 5 seconds.</returns>
    public async Task<bool> IsReachableAsync(CancellationToken ct = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(Timeout);
        try
        {
            await using var db = await contexts.CreateDbContextAsync(cts.Token);
            if (!await db.Database.CanConnectAsync(cts.Token))
            {
                StorageLog.StorageUnreachable(logger, ProviderName, "cannot connect (database missing or refused)");
                return false;
            }

            await db.Database.ExecuteSqlRawAsync("SELECT 1", cts.Token);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            StorageLog.StorageUnreachable(logger, ProviderName, ex.GetType().Name + ": " + ex.Message);
            return false;
        }
    }
}
