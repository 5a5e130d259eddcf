using Microsoft.Extensions.Options;

namespace CrisisBot.Infrastructure.Delivery;

/// <summary>
/// Decides when the next Connector operation for a conversation may be sent under Teams' limits (teams-protocol.md §6):
/// per bot per thread 7/1 s, 8/2 s, 60/30 s and 1,800/h as sliding windows, plus a per-tenant global limit
/// (default 50/s). A 429 blocks that conversation for <c>Retry-After</c> (or an exponential backoff with jitter) and slows
/// the whole tenant down for a short time. Other conversations keep flowing: a decision never waits.
/// </summary>
/// <remarks>
/// <para>
/// Conversation key: the channel id, i.e. the part of the conversation id before <c>;</c>. Teams counts per thread
/// (<c>19:x@thread.tacv2;messageid=1</c> and <c>…;messageid=2</c> are separate threads), but a new post
/// (<c>POST v3/conversations</c>) has no thread id yet and lands in the channel. Counting all threads of a channel
/// together is stricter than Teams and never exceeds a real limit; a channel rarely needs more than 7 operations a second.
/// </para>
/// <para>
/// Usage: the delivery worker calls <see cref="TryAcquireLease"/> (or <see cref="TryAcquire"/>) before each operation;
/// if not granted it leaves that item for <see cref="RateLimitDecision.RetryAfter"/> and sends other conversations'
/// items. <see cref="AcquireAsync"/> waits instead. Complete the <see cref="RateLimitLease"/> when the Connector answers:
/// while it is open the send counts as happening "now" (Teams may receive it at any moment), and once answered it counts
/// at the answer (an upper bound of when Teams saw it), never at the grant, so a request delayed on our side (cold start,
/// a slow commit before the call) cannot make the next window start too early. After the call: <see cref="OnSuccess"/> or
/// <see cref="On429"/>. A granted operation counts even if the call fails later (conservative).
/// Serve conversations fairly (round-robin, one item per conversation per pass): draining one conversation before the
/// next lets the first ones take the tenant budget and leaves a slow tail (1,000 posts over 50 channels end at 22 s
/// instead of the 19.95 s minimum).
/// </para>
/// <para>
/// Thread-safe with one lock: a decision is a few reads of sorted lists, cheap next to the 50/s the tenant allows.
/// Memory is bounded: a conversation keeps at most the largest window limit of timestamps (1,800), and conversations
/// and tenants with no send in the longest window and no pending backoff are evicted every
/// <see cref="TeamsRateLimitOptions.EvictionInterval"/>. An evicted entry carries no information any window still needs.
/// </para>
/// </remarks>
public sealed class TeamsRateLimiter
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConversationState> _conversations = new(StringComparer.Ordinal);
    private readonly Dictionary<string, TenantState> _tenants = new(StringComparer.Ordinal);
    private readonly TeamsRateLimitOptions _options;
    private readonly IReadOnlyList<RateWindow> _threadWindows;
    private readonly RateWindow _tenantWindow;
    private readonly int _threadCapacity;
    private readonly TimeSpan _longestWindow;
    private readonly TimeProvider _time;
    private readonly long _origin;
    private readonly Func<double> _random01;
    private TimeSpan _nextSweep;

    public TeamsRateLimiter(IOptions<TeamsRateLimitOptions> options, TimeProvider time)
        : this(options, time, null)
    {
    }

    /// <param name="random01">Source of jitter in [0, 1); tests pass a fixed value.</param>
    internal TeamsRateLimiter(IOptions<TeamsRateLimitOptions> options, TimeProvider time, Func<double>? random01)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _options = options.Value;
        var validation = new TeamsRateLimitOptionsValidator().Validate(null, _options);
        if (validation.Failed)
        {
            throw new OptionsValidationException(TeamsRateLimitOptions.SectionName, typeof(TeamsRateLimitOptions), validation.Failures);
        }

        _threadWindows = _options.ThreadWindows;
        _tenantWindow = _options.TenantWindow;
        _threadCapacity = _threadWindows.Max(w => w.Limit);
        _longestWindow = _threadWindows.Max(w => w.Length) + _options.SafetyMargin;
        _time = time;
        _origin = time.GetTimestamp();
#pragma warning disable CA5394 // Jitter, not security.
        _random01 = random01 ?? (() => Random.Shared.NextDouble());
#pragma warning restore CA5394
        _nextSweep = _options.EvictionInterval;
    }

    /// <summary>Conversations currently held in memory (for tests and metrics).</summary>
    public int TrackedConversations
    {
        get
        {
            lock (_gate)
            {
                return _conversations.Count;
            }
        }
    }

    /// <summary>Tenants currently held in memory.</summary>
    public int TrackedTenants
    {
        get
        {
            lock (_gate)
            {
                return _tenants.Count;
            }
        }
    }

    /// <summary>
    /// The rate-limit key of a conversation id: the channel id before <c>;</c> (see remarks on <see cref="TeamsRateLimiter"/>).
    /// </summary>
    public static string ConversationKey(string conversationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(conversationId);
        var cut = conversationId.IndexOf(';', StringComparison.Ordinal);
        var key = cut < 0 ? conversationId : conversationId[..cut];
        return key.Length == 0
            ? throw new ArgumentException($"Conversation id '{conversationId}' has no channel part before ';'.", nameof(conversationId))
            : key;
    }

    /// <summary>
    /// Grants and counts one operation for <paramref name="conversationId"/> now if every limit allows it; otherwise
    /// returns how long until the binding limit frees up. Never blocks.
    /// </summary>
    public RateLimitDecision TryAcquire(string tenantId, string conversationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var key = ConversationKey(conversationId);
        lock (_gate)
        {
            return Acquire(tenantId, key, open: false, out _);
        }
    }

    private RateLimitDecision Acquire(string tenantId, string key, bool open, out TimeSpan now)
    {
        now = Now();
        Sweep(now);
        var conversation = Conversation(key);
        var tenant = Tenant(tenantId);

        var (ready, reason) = ReadyAt(conversation, tenant, now);
        if (ready > now)
        {
            return new RateLimitDecision(false, ready - now, reason);
        }

        if (open)
        {
            conversation.History.BeginOpen();
            tenant.History.BeginOpen();
        }
        else
        {
            conversation.History.Add(now);
            tenant.History.Add(now);
        }

        return RateLimitDecision.Grant;
    }

    /// <summary>How long until <see cref="TryAcquire"/> would grant for this conversation (zero = now). Counts nothing.</summary>
    public TimeSpan DelayFor(string tenantId, string conversationId)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var key = ConversationKey(conversationId);
        lock (_gate)
        {
            var now = Now();
            _conversations.TryGetValue(key, out var conversation);
            _tenants.TryGetValue(tenantId, out var tenant);
            var (ready, _) = ReadyAt(conversation, tenant, now);
            return ready > now ? ready - now : TimeSpan.Zero;
        }
    }

    /// <summary>
    /// Waits (on the injected clock) until an operation is granted and returns it counted, as a lease to
    /// <see cref="RateLimitLease.Complete"/> when the Connector answers.
    /// </summary>
    public async Task<RateLimitLease> AcquireAsync(string tenantId, string conversationId, CancellationToken ct = default)
    {
        while (true)
        {
            ct.ThrowIfCancellationRequested();
            var lease = TryAcquireLease(tenantId, conversationId, out var decision);
            if (lease is not null)
            {
                return lease;
            }

            await Task.Delay(decision.RetryAfter, _time, ct);
        }
    }

    /// <summary>Like <see cref="TryAcquire"/>, and when granted returns a lease to complete when the Connector answers.</summary>
    public RateLimitLease? TryAcquireLease(string tenantId, string conversationId, out RateLimitDecision decision)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var key = ConversationKey(conversationId);
        lock (_gate)
        {
            decision = Acquire(tenantId, key, open: true, out var at);
            return decision.Granted ? new RateLimitLease(this, tenantId, key, at) : null;
        }
    }

    /// <summary>Records a send in progress at its answer time, now (see <see cref="RateLimitLease"/>).</summary>
    internal void Complete(RateLimitLease lease)
    {
        lock (_gate)
        {
            var now = Now();
            if (_conversations.TryGetValue(lease.ConversationKey, out var conversation))
            {
                conversation.History.CompleteOpen(now);
            }

            if (_tenants.TryGetValue(lease.TenantId, out var tenant))
            {
                tenant.History.CompleteOpen(now);
            }
        }
    }

    /// <summary>
    /// The Connector answered 429 for this conversation. Blocks the conversation for <paramref name="retryAfter"/> when the
    /// response had one (clamped to <see cref="TeamsRateLimitOptions.MaxRetryAfter"/>), otherwise for an exponential backoff
    /// with jitter that grows with each consecutive 429; and slows the tenant down for
    /// <see cref="TeamsRateLimitOptions.GlobalSlowdownDuration"/>. Returns the conversation's wait.
    /// </summary>
    public TimeSpan On429(string tenantId, string conversationId, TimeSpan? retryAfter)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(tenantId);
        var key = ConversationKey(conversationId);
        lock (_gate)
        {
            var now = Now();
            var conversation = Conversation(key);
            var tenant = Tenant(tenantId);
            conversation.Consecutive429++;

            var wait = retryAfter is { } given
                ? Clamp(given, TimeSpan.Zero, _options.MaxRetryAfter)
                : Backoff(conversation.Consecutive429, _options, _random01());

            if (now + wait > conversation.BlockedUntil)
            {
                conversation.BlockedUntil = now + wait;
            }

            var slowdownEnd = now + _options.GlobalSlowdownDuration;
            if (slowdownEnd > tenant.SlowdownUntil)
            {
                tenant.SlowdownUntil = slowdownEnd;
            }

            return wait;
        }
    }

    /// <summary>The operation went through: the conversation's backoff starts again from the base delay.</summary>
    public void OnSuccess(string conversationId)
    {
        var key = ConversationKey(conversationId);
        lock (_gate)
        {
            if (_conversations.TryGetValue(key, out var conversation))
            {
                conversation.Consecutive429 = 0;
            }
        }
    }

    /// <summary>
    /// Backoff after the <paramref name="consecutive429"/>-th 429 in a row (1 = first): <c>base · 2^(n-1)</c> capped at the
    /// maximum, then ± jitter from <paramref name="random01"/> (0..1), never above the maximum nor below zero.
    /// </summary>
    public static TimeSpan Backoff(int consecutive429, TeamsRateLimitOptions options, double random01)
    {
        ArgumentNullException.ThrowIfNull(options);
        var exponent = Math.Clamp(consecutive429 - 1, 0, 30);
        var raw = Math.Min(options.BackoffBase.TotalMilliseconds * Math.Pow(2, exponent), options.BackoffMax.TotalMilliseconds);
        var factor = 1 - options.BackoffJitter + (2 * options.BackoffJitter * Math.Clamp(random01, 0, 1));
        return TimeSpan.FromMilliseconds(Math.Clamp(raw * factor, 0, options.BackoffMax.TotalMilliseconds));
    }

    private (TimeSpan Ready, RateLimitReason Reason) ReadyAt(ConversationState? conversation, TenantState? tenant, TimeSpan now)
    {
        var ready = TimeSpan.Zero;
        var reason = RateLimitReason.None;

        if (conversation is not null)
        {
            if (conversation.BlockedUntil > ready)
            {
                ready = conversation.BlockedUntil;
                reason = RateLimitReason.ConversationBackoff;
            }

            foreach (var window in _threadWindows)
            {
                var at = conversation.History.NextAllowed(window, _options.SafetyMargin, now);
                if (at > ready)
                {
                    ready = at;
                    reason = RateLimitReason.ConversationWindow;
                }
            }
        }

        if (tenant is not null)
        {
            var slowed = tenant.SlowdownUntil > now;
            var window = slowed ? SlowedTenantWindow() : _tenantWindow;
            var at = tenant.History.NextAllowed(window, _options.SafetyMargin, now);
            if (at > ready)
            {
                ready = at;
                reason = slowed && tenant.History.NextAllowed(_tenantWindow, _options.SafetyMargin, now) < at
                    ? RateLimitReason.TenantSlowdown
                    : RateLimitReason.TenantLimit;
            }
        }

        return (ready, ready > now ? reason : RateLimitReason.None);
    }

    private RateWindow SlowedTenantWindow() =>
        _tenantWindow with { Limit = Math.Max(1, (int)Math.Floor(_tenantWindow.Limit * _options.GlobalSlowdownFactor)) };

    private ConversationState Conversation(string key)
    {
        if (!_conversations.TryGetValue(key, out var state))
        {
            state = new ConversationState(new SendHistory(_threadCapacity));
            _conversations.Add(key, state);
        }

        return state;
    }

    private TenantState Tenant(string tenantId)
    {
        if (!_tenants.TryGetValue(tenantId, out var state))
        {
            state = new TenantState(new SendHistory(_tenantWindow.Limit));
            _tenants.Add(tenantId, state);
        }

        return state;
    }

    /// <summary>Drops entries whose newest send is older than the longest window and that have no pending block.</summary>
    private void Sweep(TimeSpan now)
    {
        if (now < _nextSweep)
        {
            return;
        }

        _nextSweep = now + _options.EvictionInterval;
        List<string>? idle = null;
        foreach (var (key, state) in _conversations)
        {
            if (state.BlockedUntil <= now && IsIdle(state.History, now, _longestWindow))
            {
                (idle ??= []).Add(key);
            }
        }

        foreach (var key in idle ?? [])
        {
            _conversations.Remove(key);
        }

        idle = null;
        var tenantWindow = _tenantWindow.Length + _options.SafetyMargin;
        foreach (var (key, state) in _tenants)
        {
            if (state.SlowdownUntil <= now && IsIdle(state.History, now, tenantWindow))
            {
                (idle ??= []).Add(key);
            }
        }

        foreach (var key in idle ?? [])
        {
            _tenants.Remove(key);
        }
    }

    private static bool IsIdle(SendHistory history, TimeSpan now, TimeSpan window) =>
        history.Open == 0 && (history.Newest is not { } newest || now - newest >= window);

    private TimeSpan Now() => _time.GetElapsedTime(_origin);

    private static TimeSpan Clamp(TimeSpan value, TimeSpan min, TimeSpan max) =>
        value < min ? min : value > max ? max : value;

    private sealed class ConversationState(SendHistory history)
    {
        public SendHistory History { get; } = history;

        public TimeSpan BlockedUntil { get; set; }

        public int Consecutive429 { get; set; }
    }

    private sealed class TenantState(SendHistory history)
    {
        public SendHistory History { get; } = history;

        public TimeSpan SlowdownUntil { get; set; }
    }
}
