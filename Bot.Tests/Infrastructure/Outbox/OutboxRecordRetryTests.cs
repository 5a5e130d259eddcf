using CrisisBot.Infrastructure.Outbox;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using Microsoft.Data.Sqlite;
using static CrisisBot.Tests.Infrastructure.Outbox.OutboxDeliveryTests;

namespace CrisisBot.Tests.Infrastructure.Outbox;

/// <summary>
/// The duplicate window: Teams accepted a send but the database is locked when the worker records it. The worker keeps
/// the result and retries instead of letting the lease expire and sending again.
/// </summary>
public sealed class OutboxRecordRetryTests
{
    [Fact]
    public async Task Worker_DatabaseLockedWhileRecordingASend_RetriesAndSendsOnce()
    {
        var directory = Path.Combine(Path.GetTempPath(), "crisisbot-tests", Guid.NewGuid().ToString("N"));
        var connector = new LockingConnector(Path.Combine(directory, "crisisbot.db"), hold: TimeSpan.FromMilliseconds(1500));
        await using (var host = await OutboxTestHost.StartAsync(new Dictionary<string, string?> { ["Storage:BusyTimeoutSeconds"] = "1" }, directory, connector))
        {
            await host.Outbox.EnqueueAsync(OutboxRequest.Send("https://smba.example.test/teams/", "tenant-1", "a:1personal", Card("once")));

            var row = Assert.Single(await host.DrainAsync());

            Assert.Equal(OutboxStatus.Sent, row.Status);
            Assert.Equal(1, connector.Sends);
            Assert.True(connector.LockTaken, "the test did not manage to lock the database during the send");
            Assert.Contains(host.Logs.Entries, e => e.EventId.Id == 712); // recording failed at least once, then retried
            Assert.DoesNotContain(host.Logs.Entries, e => e.EventId.Id == 709); // and never gave up
        }

        CrisisBot.Tests.Cli.TempDirectory.DeleteBestEffort(directory);
    }

    /// <summary>Answers the first send after taking SQLite's write lock from another connection for <c>hold</c>.</summary>
    private sealed class LockingConnector(string databasePath, TimeSpan hold) : IConnectorClient
    {
        private readonly RecordingConnectorClient _inner = new();
        private int _sends;

        public int Sends => _sends;

        public bool LockTaken { get; private set; }

        public async Task<ResourceResponse> SendAsync(string serviceUrl, string conversationId, OutgoingActivity activity, CancellationToken ct = default)
        {
            if (Interlocked.Increment(ref _sends) == 1)
            {
                var connection = new SqliteConnection($"Data Source={databasePath};Pooling=False");
                await connection.OpenAsync(ct);
                var command = connection.CreateCommand();
                command.CommandText = "BEGIN EXCLUSIVE;";
                await command.ExecuteNonQueryAsync(ct);
                LockTaken = true;
                _ = Task.Run(async () =>
                {
                    await Task.Delay(hold);
                    var rollback = connection.CreateCommand();
                    rollback.CommandText = "ROLLBACK;";
                    await rollback.ExecuteNonQueryAsync();
                    await connection.DisposeAsync();
                }, CancellationToken.None);
            }

            return await _inner.SendAsync(serviceUrl, conversationId, activity, ct);
        }

        public Task<ResourceResponse> ReplyAsync(string serviceUrl, string conversationId, string replyToId, OutgoingActivity activity, CancellationToken ct = default) =>
            _inner.ReplyAsync(serviceUrl, conversationId, replyToId, activity, ct);

        public Task<ResourceResponse> UpdateAsync(string serviceUrl, string conversationId, string activityId, OutgoingActivity activity, CancellationToken ct = default) =>
            _inner.UpdateAsync(serviceUrl, conversationId, activityId, activity, ct);

        public Task DeleteAsync(string serviceUrl, string conversationId, string activityId, CancellationToken ct = default) =>
            _inner.DeleteAsync(serviceUrl, conversationId, activityId, ct);

        public Task<ConversationResourceResponse> CreateConversationAsync(string serviceUrl, ConversationParameters parameters, CancellationToken ct = default) =>
            _inner.CreateConversationAsync(serviceUrl, parameters, ct);

        public Task<PagedMembersResult> GetPagedMembersAsync(string serviceUrl, string conversationId, int? pageSize = null, string? continuationToken = null, CancellationToken ct = default) =>
            _inner.GetPagedMembersAsync(serviceUrl, conversationId, pageSize, continuationToken, ct);

        public Task<TeamsChannelAccount> GetMemberAsync(string serviceUrl, string conversationId, string memberId, CancellationToken ct = default) =>
            _inner.GetMemberAsync(serviceUrl, conversationId, memberId, ct);

        public Task<TeamDetails> GetTeamDetailsAsync(string serviceUrl, string teamId, CancellationToken ct = default) =>
            _inner.GetTeamDetailsAsync(serviceUrl, teamId, ct);

        public Task<IReadOnlyList<TeamChannel>> GetTeamChannelsAsync(string serviceUrl, string teamId, CancellationToken ct = default) =>
            _inner.GetTeamChannelsAsync(serviceUrl, teamId, ct);
    }
}
