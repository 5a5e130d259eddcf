using CrisisBot.Protocol.Connector;

namespace CrisisBot.Tests.Protocol.Connector;

/// <summary>Counts calls and hands out numbered fake tokens.</summary>
internal sealed class FakeTokenProvider : IBotTokenProvider
{
    private int _calls;

    public int Calls => Volatile.Read(ref _calls);

    public Task<string> GetAccessTokenAsync(CancellationToken ct = default)
    {
        var n = Interlocked.Increment(ref _calls);
        return Task.FromResult($"fake-token-{n}");
    }
}
