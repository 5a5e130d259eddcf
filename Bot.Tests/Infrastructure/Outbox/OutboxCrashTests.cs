using System.Diagnostics;
using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Tests.Infrastructure.FakeConnector;
using Xunit.Abstractions;
using static CrisisBot.Tests.Infrastructure.Outbox.OutboxDeliveryTests;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>
/// Issue 4 crash test: the bot as a separate process (<c>dotnet Bot.dll</c>) on a file SQLite database and the loopback
/// fake Connector, killed with SIGKILL at random moments 20 times while it delivers a burst of card posts and updates,
/// restarted each time. Filter: <c>--filter Category=Crash</c>.
/// </summary>
[Collection(CrisisBot.Tests.Infrastructure.SerialTests.Name)]
[Trait("Category", "Crash")]
public sealed class OutboxCrashTests(ITestOutputHelper output)
{
    private const int Kills = 20;
    private const int CardsPerRound = 10;
    private const int Channels = 10;

    [Fact]
    public async Task BotKilledTwentyTimes_EveryCardExactlyOnceOutsideTheRecordedWindow()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        await using var fake = await FakeConnectorServer.StartAsync();
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));

        // The test process only writes rows (as the bot's features do) and reads the result; it never sends.
        await using var writer = await OutboxTestHost.StartAsync(directory: directory, startWorker: false);
        var watch = Stopwatch.StartNew();
        var killedAfter = new List<int>();
        var cards = 0;
        try
        {
            for (var round = 0; round < Kills; round++)
            {
                var first = cards;
                await writer.InContextAsync(db =>
                {
                    for (var i = first; i < first + CardsPerRound; i++)
                    {
                        writer.Outbox.Enqueue(db, OutboxRequest.ChannelPost(fake.ServiceUrl, Tenant, ChannelOf(i), Card($"card {i} v0"), $"card-{i}"));
                    }

                    for (var i = first - CardsPerRound; i >= 0 && i < first; i++)
                    {
                        writer.Outbox.Enqueue(db, OutboxRequest.UpdateCard(fake.ServiceUrl, Tenant, ChannelOf(i), $"card-{i}", Card($"card {i} v1")));
                    }

                    return 0;
                });
                cards += CardsPerRound;

                using var bot = StartBot(fake, directory);
                var alive = random.Next(400, 2500);
                await Task.Delay(alive);
                bot.Kill(); // SIGKILL: no shutdown, no lease release
                await bot.WaitForExitAsync();
                killedAfter.Add(alive);
            }

            var log = new System.Collections.Concurrent.ConcurrentQueue<string>();
            using (var last = StartBot(fake, directory, log))
            {
                try
                {
                    await writer.DrainAsync(TimeSpan.FromSeconds(60));
                }
                catch (TimeoutException ex)
                {
                    throw new TimeoutException($"{ex.Message}\nbot exited: {last.HasExited}; bot output:\n{string.Join('\n', log.TakeLast(40))}", ex);
                }
                finally
                {
                    last.Kill();
                    await last.WaitForExitAsync();
                }
            }
        }
        finally
        {
            watch.Stop();
        }

        var rows = await writer.RowsAsync();
        var posts = rows.Where(r => r.Kind == OutboxKind.ChannelPost).ToList();
        var duplicates = fake.Duplicates();
        var inWindow = duplicates.Keys.Where(key => posts.Single(p => p.Key == key).InterruptedSends > 0).ToList();
        var interrupted = posts.Sum(p => p.InterruptedSends);
        output.WriteLine($"seed {seed}; {Kills} kills after {string.Join(", ", killedAfter)} ms; total {watch.Elapsed.TotalSeconds:F1} s");
        output.WriteLine($"cards {cards}, rows {rows.Count} (sent {rows.Count(r => r.Status == OutboxStatus.Sent)}, superseded {rows.Count(r => r.Status == OutboxStatus.Superseded)}, dead {rows.Count(r => r.Status == OutboxStatus.Dead)})");
        output.WriteLine($"posts at the fake {fake.Messages.Count}; duplicates {duplicates.Count} (in the recorded window {inWindow.Count}); sends interrupted in the window {interrupted}; limit violations {fake.Violations.Count}");

        // Nothing lost: every row finished, every card posted, each showing its newest state.
        Assert.All(rows, r => Assert.Contains(r.Status, new[] { OutboxStatus.Sent, OutboxStatus.Superseded }));
        for (var i = 0; i < cards; i++)
        {
            var card = await writer.CardAsync($"card-{i}");
            Assert.NotNull(card);
            var message = fake.FindMessage(card.ActivityId);
            Assert.NotNull(message);
            var version = i < cards - CardsPerRound ? 1 : 0;
            Assert.Contains($"card {i} v{version}", message.Activity.GetRawText(), StringComparison.Ordinal);
        }

        // Exactly once, except a duplicate whose row records it was in flight when the process died (the window).
        Assert.Equal(cards + inWindow.Sum(key => duplicates[key] - 1), fake.Messages.Count);
        Assert.Equal(duplicates.Count, inWindow.Count);
        Assert.Empty(fake.Violations);
    }

    private static string ChannelOf(int card) => $"19:crash{card % Channels}@thread.tacv2";

    private static Process StartBot(FakeConnectorServer fake, string directory, System.Collections.Concurrent.ConcurrentQueue<string>? log = null)
    {
        var start = BotProcess.StartInfo();
        foreach (var (key, value) in fake.BotEnvironment)
        {
            start.Environment[key] = value;
        }

        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Storage__DataDirectory"] = directory;
        start.Environment["Outbox__PollInterval"] = "00:00:00.100";
        start.Environment["Outbox__LeaseDuration"] = "00:00:02";
        start.Environment["Outbox__RetryBaseDelay"] = "00:00:00.050";
        start.Environment["Outbox__RetryMaxDelay"] = "00:00:00.200";
        start.Environment["Connector__AttemptTimeout"] = "00:00:02";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start the bot");
        process.OutputDataReceived += (_, e) => Keep(e.Data);
        process.ErrorDataReceived += (_, e) => Keep(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;

        void Keep(string? line)
        {
            if (line is not null && log is not null)
            {
                log.Enqueue(line);
                while (log.Count > 200 && log.TryDequeue(out _))
                {
                }
            }
        }
    }
}
