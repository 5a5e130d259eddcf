namespace CrisisBot.Tests.Infrastructure.FakeConnector;

/// <summary>Failures the fake can inject.</summary>
public enum FaultKind
{
    /// <summary>429 Too Many Requests, with <c>Retry-After</c> when the rule has one.</summary>
    TooManyRequests,

    /// <summary>500 Internal Server Error.</summary>
    InternalServerError,

    /// <summary>502 Bad Gateway.</summary>
    BadGateway,

    /// <summary>No answer: the request hangs until the client gives up (or <see cref="FaultRule.HangFor"/>, then 504).</summary>
    Timeout,
}

/// <summary>
/// An injected fault for the next <see cref="Count"/> matching requests (-1: every matching request until cleared).
/// A request matches when its method equals <see cref="Method"/> (if set) and its decoded path contains
/// <see cref="PathContains"/> (if set). With <see cref="AfterApply"/> the operation is carried out first and only the answer
/// fails: the case where a post exists although the client saw an error (the source of duplicate posts).
/// </summary>
public sealed class FaultRule
{
    private int _remaining;
    private int _hits;

    internal FaultRule(FaultKind kind, int count, string? pathContains, string? method, TimeSpan? retryAfter, bool afterApply, TimeSpan? hangFor)
    {
        if (count is 0 or < -1)
        {
            throw new ArgumentOutOfRangeException(nameof(count), count, "count must be positive, or -1 for every matching request.");
        }

        if (retryAfter is { } r && (r < TimeSpan.Zero || kind != FaultKind.TooManyRequests))
        {
            throw new ArgumentException("retryAfter must be non-negative and only goes with TooManyRequests.", nameof(retryAfter));
        }

        if (hangFor is not null && kind != FaultKind.Timeout)
        {
            throw new ArgumentException("hangFor only goes with Timeout.", nameof(hangFor));
        }

        Kind = kind;
        _remaining = count;
        PathContains = pathContains;
        Method = method;
        RetryAfter = retryAfter;
        AfterApply = afterApply;
        HangFor = hangFor;
    }

    public FaultKind Kind { get; }

    public string? PathContains { get; }

    public string? Method { get; }

    public TimeSpan? RetryAfter { get; }

    public bool AfterApply { get; }

    public TimeSpan? HangFor { get; }

    /// <summary>How many requests this rule has failed so far.</summary>
    public int Hits => Volatile.Read(ref _hits);

    /// <summary>Requests still to fail (-1: unlimited).</summary>
    public int Remaining => Volatile.Read(ref _remaining);

    /// <summary>Called under the server's lock.</summary>
    internal bool TryTake(string method, string path)
    {
        if (_remaining == 0
            || (Method is not null && !string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
            || (PathContains is not null && !path.Contains(PathContains, StringComparison.Ordinal)))
        {
            return false;
        }

        if (_remaining > 0)
        {
            _remaining--;
        }

        _hits++;
        return true;
    }
}
