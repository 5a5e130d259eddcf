using System.Reflection;
using CrisisBot.Infrastructure.Storage;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Channels;

/// <summary>Collects the numbers for the status card.</summary>
public sealed class StatusService(StorageHealth health, ChannelStore store, IOptionsMonitor<ChannelsOptions> options, ILogger<StatusService> logger)
{
    /// <summary>The assembly informational version (e.g. <c>1.0.0+3c31d98</c>, commit shortened to 7 characters).</summary>
    public static string Version { get; } = ReadVersion();

    public async Task<StatusReport> GetAsync(CancellationToken ct = default)
    {
        var reachable = await health.IsReachableAsync(ct);
        InstallCounts? counts = null;
        if (reachable)
        {
            try
            {
                counts = await store.CountAsync(ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
            {
                ChannelsLog.CountFailed(logger, ex);
            }
        }

        return new StatusReport(Version, health.ProviderName, reachable, counts, options.CurrentValue.LocalMode);
    }

    private static string ReadVersion()
    {
        var assembly = typeof(StatusService).Assembly;
        var version = assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? assembly.GetName().Version?.ToString()
            ?? "unknown";
        var plus = version.IndexOf('+', StringComparison.Ordinal);
        return plus >= 0 && version.Length > plus + 8 ? version[..(plus + 8)] : version;
    }
}
