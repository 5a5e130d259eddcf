namespace CrisisBot.Features.Channels;

/// <summary>What the status card shows.</summary>
/// <param name="Counts">Null when storage could not be read.</param>
public sealed record StatusReport(string Version, string StorageProvider, bool StorageReachable, InstallCounts? Counts, bool LocalMode);
