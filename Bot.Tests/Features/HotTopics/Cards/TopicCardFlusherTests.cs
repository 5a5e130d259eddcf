using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Outbox;
using static CrisisBot.Tests.Features.HotTopics.Cards.TopicBatches;
using H = CrisisBot.Tests.Features.HotTopics.Cards.TopicCardsTestHost;

namespace CrisisBot.Tests.Features.HotTopics.Cards;

/// <summary>
/// The flusher's background loop on the fake clock: it is woken by the commit of a transaction with card changes (one
/// pass sees the rows), and finds a card that was not yet due at a later pass once the clock says it is due. The clock
/// only moves when a test advances it, so a card sent without advancing it was sent by the wake-up, not by polling.
/// </summary>
public sealed class TopicCardFlusherTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);
    private H _host = null!;

    public async Task InitializeAsync()
    {
        _host = await H.StartAsync(settings: new Dictionary<string, string?> { ["TopicCards:FlusherEnabled"] = "true" });
        await _host.LinkAsync(ChannelRole.Product, H.ProductChannel, "mail-parcels");
        await _host.Flusher.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _host.Flusher.StopAsync(CancellationToken.None);
        await _host.DisposeAsync();
        H.Delete(_host.DataDirectory);
    }

    [Fact]
    public async Task ExecuteAsync_CardDueAfterACommit_SentByTheCommitsWakeUpWithoutPolling()
    {
        // The first pass found nothing; the loop now waits for a wake-up or its poll interval on the fake clock.
        await WaitUntilAsync(() => Task.FromResult(_host.Flusher.LoopPasses >= 1));
        var clock = _host.Time.GetUtcNow();

        await _host.ApplyAsync(Onset(7)); // saves, then commits: the commit is the only wake-up

        var rows = await WaitForCardRowsAsync(1);
        var post = Assert.Single(rows);
        Assert.Equal(OutboxKind.ChannelPost, post.Kind);
        Assert.Equal("topic:7:1", post.CardId);
        Assert.Equal(clock, _host.Time.GetUtcNow());
    }

    [Fact]
    public async Task ExecuteAsync_ChangeNotYetDue_SentByALaterPassOnceDue()
    {
        await _host.ApplyAsync(Onset(7));
        await WaitForCardRowsAsync(1);
        var passes = _host.Flusher.LoopPasses;

        await _host.ApplyAsync(More(7, 40)); // within the card's minute: woken, nothing due yet
        await WaitUntilAsync(() => Task.FromResult(_host.Flusher.LoopPasses > passes));
        Assert.Single(await CardRowsAsync());

        _host.Time.Advance(TimeSpan.FromMinutes(1));
        var rows = await WaitForCardRowsAsync(2, advance: true);

        Assert.Equal([OutboxKind.ChannelPost, OutboxKind.Update], rows.Select(r => r.Kind));
        Assert.Contains("40", TextOf(rows[1]), StringComparison.Ordinal);
    }

    private async Task<List<OutboxMessage>> CardRowsAsync() =>
        [.. (await _host.OutboxAsync()).Where(r => r.CardId is not null && r.CardId.StartsWith("topic:", StringComparison.Ordinal))];

    /// <summary>
    /// Waits (real time, bounded) for <paramref name="count"/> card rows. With <paramref name="advance"/> the fake clock
    /// moves on by the poll interval between checks, since the loop may register its poll timer after the test's advance.
    /// </summary>
    private async Task<List<OutboxMessage>> WaitForCardRowsAsync(int count, bool advance = false)
    {
        List<OutboxMessage> rows = [];
        await WaitUntilAsync(async () =>
        {
            rows = await CardRowsAsync();
            if (rows.Count < count && advance)
            {
                _host.Time.Advance(TimeSpan.FromSeconds(1));
            }

            return rows.Count >= count;
        });
        return rows;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the flusher did not get there in time");
            await Task.Delay(10);
        }
    }
}
