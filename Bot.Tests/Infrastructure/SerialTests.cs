namespace CrisisBot.Tests.Infrastructure;

/// <summary>
/// Tests that measure the whole process (GC heap size) or drive many timed deliveries run in this collection: xunit
/// runs it on its own, after the parallel collections, so other tests' allocations and CPU load cannot skew them.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTests
{
    public const string Name = "Serial (whole-process measurements)";
}
