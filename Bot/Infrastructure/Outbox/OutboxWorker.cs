using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using CrisisBot.Infrastructure.Delivery;
using CrisisBot.Protocol;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Connector;
using Microsoft.Extensions.Options;
using Polly.Timeout;

namespace CrisisBot.Infrastructure.Outbox;

/// <summary>
/// Sends outbox rows. Each pass: supersede coalesced updates, lease due rows (see <see cref="OutboxStore"/> for the lease),
/// queue them per conversation in memory, then serve conversations round-robin, one call in flight per conversation,
/// each call granted by <see cref="TeamsRateLimiter"/>; a throttled conversation is skipped and the others keep flowing.
/// Wakes on <see cref="OutboxSignal"/> (a row was committed), when a call finishes, when the limiter frees a
/// conversation, and every <see cref="OutboxOptions.PollInterval"/>.
/// </summary>
/// <remarks>
/// Outcomes: success → Sent with the returned ids (and the card's post recorded); 429 → <see cref="TeamsRateLimiter.On429"/>
/// (Retry-After or backoff) and the row waits in memory; 5xx, timeouts, network errors → retry with exponential backoff,
/// dead after <see cref="OutboxOptions.MaxAttempts"/>; 400/401/403/404 and refused serviceUrls → dead at once.
/// The HTTP path is the keyed <see cref="IConnectorClient"/> <see cref="OutboxServiceCollectionExtensions.ConnectorKey"/>:
/// the Connector client without the HTTP retry pipeline (only the attempt timeout), so 429s reach the worker once and are
/// never retried twice. A new post is stamped in flight (committed) before the call and marked sent right after it: only
/// a crash between those two commits can duplicate a post, and the next claim logs and counts it.
/// </remarks>
public sealed class OutboxWorker : BackgroundService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConversationQueue> _queues = new(StringComparer.Ordinal);
    private readonly List<string> _order = [];
    private readonly Dictionary<string, CardMessage> _cards = new(StringComparer.Ordinal);
    private readonly OutboxSignal _completions = new();
    private readonly HashSet<Task> _sends = [];
    private readonly OutboxStore _store;
    private readonly Outbox _outbox;
    private readonly OutboxSignal _signal;
    private readonly TeamsRateLimiter _limiter;
    private readonly IServiceProvider _services;
    private readonly OutboxOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<OutboxWorker> _logger;
    private readonly DeliveryPartitions? _partitions;
    private readonly Dictionary<int, DateTimeOffset> _lastAnswer = [];
    private int _inFlight;
    private int _cursor;
    private DateTimeOffset _nextClaim;

    public OutboxWorker(
        Microsoft.EntityFrameworkCore.IDbContextFactory<Storage.CrisisDbContext> contexts,
        Outbox outbox,
        OutboxSignal signal,
        TeamsRateLimiter limiter,
        IServiceProvider services,
        IOptions<OutboxOptions> options,
        IOptions<Storage.StorageOptions> storage,
        IOptions<ConnectorOptions> connector,
        IOptions<TeamsRateLimitOptions> limits,
        TimeProvider time,
        ILogger<OutboxWorker> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(connector);
        ArgumentNullException.ThrowIfNull(limits);
        _store = new OutboxStore(contexts, time);
        _outbox = outbox;
        _signal = signal;
        _limiter = limiter;
        _services = services;
        _options = options.Value;
        _time = time;
        _logger = logger;
        Owner = string.IsNullOrWhiteSpace(_options.InstanceId)
            ? $"{Environment.MachineName}/{Environment.ProcessId}/{Guid.NewGuid().ToString("N")[..8]}"
            : _options.InstanceId;
        if (_options.ShareLimits ?? storage.Value.ParsedProvider == Storage.StorageProvider.Postgres)
        {
            // A partition changes hands only when the old owner's sends have left every window up to 30 s.
            var cooldown = limits.Value.ThreadWindows.Where(w => w.Length < TimeSpan.FromHours(1)).Max(w => w.Length) + limits.Value.SafetyMargin;
            _partitions = new DeliveryPartitions(contexts, time, Owner, _options, cooldown, connector.Value.AttemptTimeout);
        }
    }

    /// <summary>True when this worker shares the Teams limits with other instances (partition leases).</summary>
    public bool SharesLimits => _partitions is not null;

    /// <summary>Partitions this worker leases and may send to now (all of them when limits are not shared).</summary>
    public IReadOnlyList<int> UsablePartitions
    {
        get
        {
            lock (_gate)
            {
                return _partitions is null ? [.. Enumerable.Range(0, DeliveryPartitions.Count)] : _partitions.UsableNow(_time.GetUtcNow());
            }
        }
    }

    /// <summary>Live instances seen at the last heartbeat (1 when limits are not shared).</summary>
    public int LiveInstances => _partitions?.LiveInstances ?? 1;

    /// <summary>The lease owner name of this worker.</summary>
    public string Owner { get; }

    /// <summary>Rows leased by this worker and not finished yet (in memory or in flight).</summary>
    public int Held
    {
        get
        {
            lock (_gate)
            {
                return _queues.Values.Sum(q => q.Rows.Count) + _inFlight;
            }
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!_options.WorkerEnabled)
        {
            return;
        }

        await Task.Yield();
        OutboxLog.WorkerStarted(_logger, Owner);
        var claimNow = true;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                TimeSpan wait;
                try
                {
                    wait = await PassAsync(claimNow, stoppingToken);
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    OutboxLog.PassFailed(_logger, ex);
                    wait = _options.PollInterval;
                }

                claimNow = await WaitAsync(wait, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            // Let calls in flight finish their bookkeeping (they were cancelled with the stopping token), then release the rest.
            Task[] running;
            lock (_gate)
            {
                running = [.. _sends];
            }

            await Task.WhenAny(Task.WhenAll(running), Task.Delay(TimeSpan.FromSeconds(5), _time, CancellationToken.None));
            await ReleaseHeldAsync();
            if (_partitions is not null)
            {
                try
                {
                    using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
                    Dictionary<int, DateTimeOffset> answers;
                    lock (_gate)
                    {
                        answers = new Dictionary<int, DateTimeOffset>(_lastAnswer);
                    }

                    await _partitions.ReleaseAllAsync(p => answers.TryGetValue(p, out var at) ? at : null, cts.Token);
                }
                catch (Exception ex) when (ex is not OutOfMemoryException)
                {
                    // Best effort: the leases expire anyway.
                    OutboxLog.PassFailed(_logger, ex);
                }
            }
        }
    }

    /// <summary>
    /// Prepares the send path before the first real send, sending nothing: builds the Connector client (its HTTP handler
    /// chain), reads a sample payload and writes the channel-post request body as a send would (the HTTP exchange itself
    /// stays cold: nothing is sent), and runs a send's database statements against no row
    /// (<see cref="OutboxStore.WarmUpAsync"/>). Called by the hot-topic card warm-up after start.
    /// </summary>
    public async Task WarmUpAsync(CancellationToken ct)
    {
        _ = _services.GetKeyedService<IConnectorClient>(OutboxServiceCollectionExtensions.ConnectorKey) ?? _services.GetService<IConnectorClient>();
        var request = OutboxRequest.ChannelPost("http://127.0.0.1/warm-up", "warm-up", "19:warm-up@thread.tacv2", OutgoingActivity.Message("warm-up"), "warm-up");
        var sample = OutboxMessage.Create(request, JsonSerializer.Serialize(request.Activity, ProtocolJsonContext.Default.OutgoingActivity), _time.GetUtcNow());
        var activity = Marked(sample);
        _ = JsonSerializer.Serialize(ConversationParameters.ChannelPost(request.ConversationId!, request.TenantId, activity), ProtocolJsonContext.Default.ConversationParameters);
        _ = JsonSerializer.Deserialize("{\"id\":\"19:warm-up\",\"activityId\":\"1\"}", ProtocolJsonContext.Default.ConversationResourceResponse);
        await _store.WarmUpAsync(sample, Owner + "/warm-up", ct);
    }

    /// <summary>One pass: claim when due, then dispatch what the limiter allows. Returns how long to sleep at most.</summary>
    internal async Task<TimeSpan> PassAsync(bool claim, CancellationToken ct)
    {
        var now = _time.GetUtcNow();
        if (_partitions is not null && now >= _partitions.NextRefresh)
        {
            await RefreshPartitionsAsync(ct);
            claim = true;
        }

        if (claim || now >= _nextClaim)
        {
            _nextClaim = now + _options.PollInterval;
            var superseded = await _store.CoalesceAsync(ct);
            if (superseded > 0)
            {
                OutboxLog.Superseded(_logger, superseded);
            }

            await ClaimAsync(ct);
        }

        await ReleaseStaleAsync(ct);
        var wake = _nextClaim - _time.GetUtcNow();
        foreach (var (queue, row) in PickDispatchable(ref wake))
        {
            var send = Task.Run(() => SendAsync(queue, row.Held, row.Lease, ct), CancellationToken.None);
            lock (_gate)
            {
                _sends.Add(send);
            }

            _ = send.ContinueWith(
                done =>
                {
                    lock (_gate)
                    {
                        _sends.Remove(done);
                    }
                },
                CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        return wake < TimeSpan.Zero ? TimeSpan.Zero : wake;
    }

    private async Task RefreshPartitionsAsync(CancellationToken ct)
    {
        HashSet<int> busy;
        Dictionary<int, DateTimeOffset> answers;
        lock (_gate)
        {
            busy = [.. _queues.Values.Where(q => q.Busy).Select(q => q.Partition)];
            answers = new Dictionary<int, DateTimeOffset>(_lastAnswer);
        }

        await _partitions!.RefreshAsync(busy.Contains, p => answers.TryGetValue(p, out var at) ? at : null, ct);
        _limiter.SetInstanceCount(_partitions.LiveInstances);

        // Rows held for partitions no longer usable here go back to the table (their new owner claims them).
        var now = _time.GetUtcNow();
        List<long> drop = [];
        lock (_gate)
        {
            foreach (var queue in _queues.Values.Where(q => !_partitions.Usable(q.Partition, now)))
            {
                drop.AddRange(queue.Rows.Select(r => r.Message.Id));
                queue.Rows.Clear();
            }

            Prune();
        }

        await _store.ReleaseManyAsync(drop, Owner, ct);
    }

    private async Task ClaimAsync(CancellationToken ct)
    {
        Dictionary<string, int> held;
        int room;
        List<int>? partitions = null;
        if (_partitions is not null)
        {
            lock (_gate)
            {
                partitions = _partitions.UsableNow(_time.GetUtcNow());
            }

            if (partitions.Count == 0)
            {
                return;
            }
        }

        lock (_gate)
        {
            held = _queues.Values.GroupBy(q => q.ConversationKey, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Sum(q => q.Rows.Count + (q.Busy ? 1 : 0)), StringComparer.Ordinal);
            room = _options.BatchSize - held.Values.Sum();
        }

        if (room <= 0)
        {
            return;
        }

        var claimed = await _store.ClaimAsync(Owner, room, PerConversationHold, _options.LeaseDuration, held, partitions, ct);
        var at = _time.GetUtcNow();
        foreach (var row in claimed)
        {
            if (row.InFlightSince is { } since)
            {
                OutboxLog.InterruptedSend(_logger, row.Id, row.Kind, since);
                await _store.RecordInterruptedAsync(row.Id, Owner, ct);
            }
        }

        lock (_gate)
        {
            foreach (var row in claimed)
            {
                var key = QueueKey(row);
                if (!_queues.TryGetValue(key, out var queue))
                {
                    queue = new ConversationQueue(key, row.ConversationKey, row.Partition);
                    _queues.Add(key, queue);
                    _order.Add(key);
                }

                queue.Rows.AddLast(new HeldRow(row, at));
            }
        }
    }

    /// <summary>A conversation holds at most this many leased rows, so one busy channel cannot take the whole batch.</summary>
    private int PerConversationHold => Math.Max(8, _options.BatchSize / 10);

    /// <summary>
    /// Rows held in memory for half a lease without being sent go back to pending (another instance may take them). A
    /// conversation's held rows go back together: a later row claimed meanwhile would otherwise overtake the released one
    /// (an update before its card's post, replies in a thread swapped). The next claim takes them again in id order.
    /// </summary>
    private async Task ReleaseStaleAsync(CancellationToken ct)
    {
        var limit = _time.GetUtcNow() - (_options.LeaseDuration / 2);
        List<long> stale = [];
        lock (_gate)
        {
            foreach (var queue in _queues.Values)
            {
                if (queue.Rows.Any(h => h.ClaimedAt <= limit))
                {
                    stale.AddRange(queue.Rows.Select(h => h.Message.Id));
                    queue.Rows.Clear();
                }
            }

            Prune();
        }

        await _store.ReleaseManyAsync(stale, Owner, ct);
    }

    private List<(ConversationQueue Queue, (HeldRow Held, RateLimitLease Lease) Row)> PickDispatchable(ref TimeSpan wake)
    {
        var picked = new List<(ConversationQueue, (HeldRow, RateLimitLease))>();
        var now = _time.GetUtcNow();
        lock (_gate)
        {
            var count = _order.Count;
            for (var i = 0; i < count && _inFlight < _options.MaxConcurrency; i++)
            {
                var queue = _queues[_order[(_cursor + i) % count]];
                if (queue.Busy || queue.Rows.First is not { } first || (_partitions is not null && !_partitions.Usable(queue.Partition, now)))
                {
                    continue;
                }

                var row = first.Value.Message;
                var lease = _limiter.TryAcquireLease(row.TenantId, row.ConversationKey, out var decision);
                if (lease is null)
                {
                    if (decision.RetryAfter < wake)
                    {
                        wake = decision.RetryAfter;
                    }

                    continue;
                }

                queue.Rows.RemoveFirst();
                queue.Busy = true;
                _inFlight++;
                picked.Add((queue, (first.Value, lease)));
            }

            _cursor = count == 0 ? 0 : (_cursor + 1) % count;
        }

        return picked;
    }

    private async Task SendAsync(ConversationQueue queue, HeldRow held, RateLimitLease lease, CancellationToken ct)
    {
        var row = held.Message;
        var requeue = false;
        try
        {
            requeue = await DeliverAsync(queue, row, lease, ct);
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Bookkeeping failed (database unavailable): the lease expires and the row is claimed again.
            OutboxLog.CommitFailed(_logger, row.Id, ex);
        }
        catch (Exception) when (ct.IsCancellationRequested)
        {
            // Shutting down: the row is released with the other held rows, or its lease expires.
            requeue = true;
        }
        finally
        {
            lease.Complete();
            lock (_gate)
            {
                _lastAnswer[queue.Partition] = _time.GetUtcNow();
                if (requeue)
                {
                    // Keeps its claim time: the database lease was not renewed.
                    queue.Rows.AddFirst(held);
                }

                queue.Busy = false;
                _inFlight--;
            }

            _completions.Notify();
        }
    }

    /// <returns>True when the row stays held in memory (throttled), false when it is finished or released.</returns>
    private async Task<bool> DeliverAsync(ConversationQueue queue, OutboxMessage row, RateLimitLease lease, CancellationToken ct)
    {
        if (row.Kind == OutboxKind.Update && row.CoalesceKey is not null && HasNewerHeld(queue, row))
        {
            await _store.FinishAsync(row.Id, Owner, OutboxStatus.Superseded, failed: false, "superseded by a newer update of the same card", ct);
            return false;
        }

        string? conversationId = null;
        string? activityId = null;
        try
        {
            if (row.Kind is OutboxKind.ChannelPost or OutboxKind.NotifyPerson && !await _store.MarkInFlightAsync(row.Id, Owner, ct))
            {
                return false; // Lease lost: another instance owns the row now.
            }

            (conversationId, activityId) = await CallConnectorAsync(row, lease, ct);
        }
        catch (CardNotPostedException ex)
        {
            await HandleUnpostedCardAsync(row, ex, ct);
            return false;
        }
        catch (Exception ex) when (IsThrottle(ex, out var retryAfter))
        {
            var wait = _limiter.On429(row.TenantId, row.ConversationKey, retryAfter);
            OutboxLog.Throttled(_logger, row.Id, row.Kind, row.ConversationKey, wait);
            await _store.ReleaseInFlightAsync(row.Id, Owner, ct);
            return true;
        }
        catch (Exception ex) when (IsPermanent(ex, out var reason))
        {
            await DeadAsync(row, reason, ct);
            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !ct.IsCancellationRequested)
        {
            await RetryOrDeadAsync(row, Describe(ex), ct);
            return false;
        }

        lease.Complete();
        _limiter.OnSuccess(row.ConversationKey);
        await RecordSentAsync(row, conversationId, activityId);
        if (row.Kind == OutboxKind.ChannelPost && row.CardId is not null && conversationId is not null && activityId is not null)
        {
            lock (_gate)
            {
                if (_cards.Count > 10_000)
                {
                    _cards.Clear();
                }

                _cards[row.CardId] = CardMessage.Create(row.CardId, conversationId, activityId, row.ServiceUrl, row.Id, _time.GetUtcNow());
            }
        }

        OutboxLog.Sent(_logger, row.Id, row.Kind, row.ConversationKey);
        _outbox.Completed(row.Key, new OutboxDelivery(row.Id, OutboxStatus.Sent, conversationId, activityId, null));
        return false;
    }

    /// <summary>
    /// Records a send Teams accepted. This is the duplicate window: if recording fails, the lease expires and the row is
    /// sent again. A busy database (SQLite's write lock under load, a PostgreSQL failover) is usually over in seconds, so
    /// the result, which is only in memory now, is retried a few times (real time: locks clear in real time) before
    /// giving up.
    /// </summary>
    private async Task RecordSentAsync(OutboxMessage row, string? conversationId, string? activityId)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await _store.MarkSentAsync(row, Owner, conversationId, activityId, CancellationToken.None);
                return;
            }
            catch (Exception ex) when (attempt < RecordSentAttempts && ex is not OperationCanceledException)
            {
                OutboxLog.RecordRetry(_logger, row.Id, attempt, ex);
                await Task.Delay(TimeSpan.FromMilliseconds(200 * attempt), CancellationToken.None);
            }
        }
    }

    /// <summary>Tries to record a sent row; with SQLite's busy timeout (5 s by default) this keeps the result for about 30 s.</summary>
    internal const int RecordSentAttempts = 5;

    private async Task<(string? ConversationId, string? ActivityId)> CallConnectorAsync(OutboxMessage row, RateLimitLease lease, CancellationToken ct)
    {
        var connector = _services.GetKeyedService<IConnectorClient>(OutboxServiceCollectionExtensions.ConnectorKey)
                        ?? _services.GetRequiredService<IConnectorClient>();
        var activity = Marked(row);
        try
        {
            switch (row.Kind)
            {
                case OutboxKind.ChannelPost:
                {
                    var created = await connector.CreateConversationAsync(
                        row.ServiceUrl, ConversationParameters.ChannelPost(row.ConversationId!, row.TenantId, activity), ct);
                    return (created.Id, created.ActivityId);
                }

                case OutboxKind.Send:
                {
                    var sent = await connector.SendAsync(row.ServiceUrl, row.ConversationId!, activity, ct);
                    return (row.ConversationId, sent.Id);
                }

                case OutboxKind.Update:
                {
                    var (conversationId, activityId) = await UpdateTargetAsync(row, ct);
                    await connector.UpdateAsync(row.ServiceUrl, conversationId, activityId, activity, ct);
                    return (conversationId, activityId);
                }

                case OutboxKind.NotifyPerson:
                {
                    var chat = await connector.CreateConversationAsync(row.ServiceUrl, new ConversationParameters
                    {
                        IsGroup = false,
                        TenantId = row.TenantId,
                        Members = [new MentionedAccount(row.UserId!, "")],
                    }, ct);
                    if (string.IsNullOrEmpty(chat.Id))
                    {
                        throw new InvalidOperationException("The Connector returned no conversation id for the 1:1 chat.");
                    }

                    var sent = await connector.SendAsync(row.ServiceUrl, chat.Id, activity, ct);
                    return (chat.Id, sent.Id);
                }

                default:
                    throw new InvalidOperationException($"Unknown outbox kind {(int)row.Kind}.");
            }
        }
        finally
        {
            lease.Complete();
        }
    }

    private async Task<(string ConversationId, string ActivityId)> UpdateTargetAsync(OutboxMessage row, CancellationToken ct)
    {
        if (row.CardId is null)
        {
            return (row.ConversationId!, row.ActivityId!);
        }

        CardMessage? card;
        lock (_gate)
        {
            _cards.TryGetValue(row.CardId, out card);
        }

        card ??= await _store.FindCardAsync(row.CardId, ct);
        if (card is null)
        {
            throw new CardNotPostedException(row.CardId);
        }

        return (card.ConversationId, card.ActivityId);
    }

    private async Task HandleUnpostedCardAsync(OutboxMessage row, CardNotPostedException ex, CancellationToken ct)
    {
        if (await _store.HasPendingPostAsync(ex.CardId, ct))
        {
            await _store.ReleaseAsync(row.Id, Owner, _time.GetUtcNow() + _options.CardPostWait, failed: false, null, ct);
            return;
        }

        await DeadAsync(row, $"card '{ex.CardId}' has no post to update (its post is dead or was never enqueued)", ct);
    }

    private async Task RetryOrDeadAsync(OutboxMessage row, string error, CancellationToken ct)
    {
        var attempt = row.Attempts + 1;
        if (attempt >= _options.MaxAttempts)
        {
            await DeadAsync(row, $"gave up after {attempt} attempts; last error: {error}", ct, failed: true);
            return;
        }

#pragma warning disable CA5394 // Jitter, not security.
        var jitter = 0.8 + (0.4 * Random.Shared.NextDouble());
#pragma warning restore CA5394
        var delay = TimeSpan.FromMilliseconds(Math.Min(
            _options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt - 1, 20)) * jitter,
            _options.RetryMaxDelay.TotalMilliseconds));
        var next = _time.GetUtcNow() + delay;
        OutboxLog.Retrying(_logger, row.Id, row.Kind, attempt, next, error);
        await _store.ReleaseAsync(row.Id, Owner, next, failed: true, Truncate(error), ct);
    }

    private async Task DeadAsync(OutboxMessage row, string reason, CancellationToken ct, bool failed = true)
    {
        var attempts = row.Attempts + (failed ? 1 : 0);
        OutboxLog.DeadLettered(_logger, row.Id, row.Kind, attempts, reason);
        await _store.FinishAsync(row.Id, Owner, OutboxStatus.Dead, failed, Truncate(reason), ct);
        _outbox.Completed(row.Key, new OutboxDelivery(row.Id, OutboxStatus.Dead, null, null, reason));
    }

    private bool HasNewerHeld(ConversationQueue queue, OutboxMessage row)
    {
        lock (_gate)
        {
            return queue.Rows.Any(h => h.Message.Kind == OutboxKind.Update && h.Message.Id > row.Id
                                       && string.Equals(h.Message.CoalesceKey, row.CoalesceKey, StringComparison.Ordinal));
        }
    }

    private static bool IsThrottle(Exception ex, out TimeSpan? retryAfter)
    {
        switch (ex)
        {
            case ConnectorThrottledException throttled:
                retryAfter = throttled.RetryAfter;
                return true;
            case ConnectorException { StatusCode: HttpStatusCode.TooManyRequests }:
                retryAfter = null;
                return true;
            default:
                retryAfter = null;
                return false;
        }
    }

    private static bool IsPermanent(Exception ex, out string reason)
    {
        reason = ex switch
        {
            ConnectorException { StatusCode: HttpStatusCode.Forbidden } c =>
                $"403 Forbidden: the bot is not allowed in this conversation (uninstalled or blocked) ({c.ErrorCode ?? "no code"})",
            ConnectorException { StatusCode: HttpStatusCode.NotFound } c =>
                $"404 Not Found: the conversation or message no longer exists ({c.ErrorCode ?? "no code"})",
            ConnectorException { StatusCode: HttpStatusCode.BadRequest } c => $"400 Bad Request: Teams refused the payload: {Truncate(c.Body, 300)}",
            ConnectorException { StatusCode: HttpStatusCode.Unauthorized } => "401 Unauthorized: the Connector refused the bot's token",
            ConnectorRequestRefusedException r => "serviceUrl refused: " + r.Message,
            JsonException j => "the stored payload is not a valid activity: " + j.Message,
            _ => "",
        };
        return reason.Length > 0;
    }

    private static string Describe(Exception ex) => ex switch
    {
        ConnectorException c => $"{(int)c.StatusCode} {c.StatusCode}" + (c.ErrorCode is null ? "" : $" ({c.ErrorCode})"),
        TimeoutRejectedException => "timeout: the Connector did not answer in time",
        HttpRequestException h => "network error: " + h.Message,
        _ => ex.GetType().Name + ": " + ex.Message,
    };

    private static string Truncate(string value, int max = 1900) => value.Length <= max ? value : value[..max] + "…";

    /// <summary>The stored activity with the row key in <c>channelData.crisisBotKey</c> (the duplicate marker).</summary>
    private static OutgoingActivity Marked(OutboxMessage row)
    {
        var activity = JsonSerializer.Deserialize(row.Payload, ProtocolJsonContext.Default.OutgoingActivity)
                       ?? throw new JsonException("The payload is JSON null.");
        var channelData = activity.ChannelData is { ValueKind: JsonValueKind.Object } existing
            ? JsonNode.Parse(existing.GetRawText())!.AsObject()
            : [];
        channelData[DeliveryMarker.ChannelDataProperty] = row.Key;
        using var document = JsonDocument.Parse(channelData.ToJsonString());
        return activity with { ChannelData = document.RootElement.Clone() };
    }

    private static string QueueKey(OutboxMessage row) => row.TenantId + "|" + row.ConversationKey;

    private async Task<bool> WaitAsync(TimeSpan wait, CancellationToken ct)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var rows = _signal.WaitAsync(wait, _time, cts.Token);
        var done = _completions.WaitAsync(wait, _time, cts.Token);
        await Task.WhenAny(rows, done);
        await cts.CancelAsync();
        var claim = await Settled(rows);
        await Settled(done);
        ct.ThrowIfCancellationRequested();
        return claim;

        static async Task<bool> Settled(Task<bool> wait)
        {
            try
            {
                return await wait;
            }
            catch (OperationCanceledException)
            {
                return false;
            }
        }
    }

    private void Prune()
    {
        foreach (var key in _order.Where(k => _queues[k] is { Busy: false, Rows.Count: 0 }).ToList())
        {
            _queues.Remove(key);
            _order.Remove(key);
        }
    }

    private async Task ReleaseHeldAsync()
    {
        List<long> ids;
        lock (_gate)
        {
            ids = [.. _queues.Values.SelectMany(q => q.Rows).Select(h => h.Message.Id)];
            foreach (var queue in _queues.Values)
            {
                queue.Rows.Clear();
            }
        }

        try
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await _store.ReleaseManyAsync(ids, Owner, cts.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // Best effort: the leases expire anyway.
            OutboxLog.PassFailed(_logger, ex);
        }
    }

    private sealed class ConversationQueue(string key, string conversationKey, int partition)
    {
        public string Key { get; } = key;

        public int Partition { get; } = partition;

        public string ConversationKey { get; } = conversationKey;

        public LinkedList<HeldRow> Rows { get; } = new();

        public bool Busy { get; set; }
    }

    private readonly record struct HeldRow(OutboxMessage Message, DateTimeOffset ClaimedAt);

    private sealed class CardNotPostedException(string cardId) : Exception($"Card '{cardId}' is not posted yet.")
    {
        public string CardId { get; } = cardId;
    }
}
