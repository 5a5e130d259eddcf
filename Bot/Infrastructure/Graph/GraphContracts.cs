namespace CrisisBot.Infrastructure.Graph;

/// <summary>
/// The Microsoft Graph calls CrisisBot makes (application permissions, client credentials). Expected failures (not
/// configured, missing permission, throttling, unknown team) come back as a <see cref="GraphFailure"/>, never as an
/// exception, so features can degrade with a clear message.
/// </summary>
public interface ITeamsGraph
{
    /// <summary>True when <c>Graph:TenantId</c>, <c>Graph:ClientId</c> and a secret or certificate are configured.</summary>
    bool IsConfigured { get; }

    /// <summary><c>Graph:TeamId</c>: the Entra group id of the team crisis channels are created in; null when not set.</summary>
    string? TeamId { get; }

    /// <summary><c>POST /teams/{teamAadGroupId}/channels</c> (standard channel). Needs <c>Channel.Create</c> (or the RSC <c>Channel.Create.Group</c>).</summary>
    Task<GraphResult<GraphChannel>> CreateChannelAsync(string teamAadGroupId, string displayName, string description, CancellationToken ct = default);

    /// <summary>
    /// <c>POST /users/{sender}/sendMail</c>: an HTML message with inline attachments (referenced as <c>cid:</c> in the body),
    /// not saved to Sent Items. Needs the application permission <c>Mail.Send</c>.
    /// </summary>
    Task<GraphResult<GraphMailSent>> SendMailAsync(string sender, GraphMail mail, CancellationToken ct = default);
}

/// <summary>An HTML e-mail for <see cref="ITeamsGraph.SendMailAsync"/>.</summary>
public sealed record GraphMail(string Subject, string HtmlBody, IReadOnlyList<string> To, IReadOnlyList<GraphInlineAttachment> Attachments);

/// <summary>A file shown inline in the HTML body through <c>&lt;img src="cid:{ContentId}"&gt;</c>.</summary>
public sealed record GraphInlineAttachment(string Name, string ContentType, string ContentId, byte[] Content);

/// <summary>Graph accepted the message (202); <see cref="Recipients"/> is how many it was addressed to.</summary>
public sealed record GraphMailSent(int Recipients);

/// <summary>A channel as Graph returns it. <see cref="Id"/> is the <c>19:…@thread.tacv2</c> id the Bot Connector uses too.</summary>
public sealed record GraphChannel(string Id, string DisplayName, Uri? WebUrl);

public enum GraphFailureKind
{
    /// <summary>No Graph configuration: the feature degrades.</summary>
    NotConfigured = 1,

    /// <summary>403: the app lacks a permission (named in <see cref="GraphFailure.MissingPermission"/>).</summary>
    InsufficientPrivileges = 2,

    /// <summary>The token could not be obtained, or Graph rejected it (401).</summary>
    AuthenticationFailed = 3,

    /// <summary>404: the team (or resource) does not exist.</summary>
    NotFound = 4,

    /// <summary>A channel with that name already exists.</summary>
    NameConflict = 5,

    /// <summary>400: Graph refused the request (e.g. a bad channel name).</summary>
    BadRequest = 6,

    /// <summary>429 after the client's own retries.</summary>
    Throttled = 7,

    /// <summary>5xx, timeout or network failure.</summary>
    Unavailable = 8,
}

/// <summary>Why a Graph call failed, in words for users (<see cref="Message"/>) and admins (<see cref="AdminMessage"/>).</summary>
public sealed record GraphFailure(GraphFailureKind Kind, string Message, string AdminMessage)
{
    public int? StatusCode { get; init; }

    /// <summary>For <see cref="GraphFailureKind.InsufficientPrivileges"/>: the application permission to grant.</summary>
    public string? MissingPermission { get; init; }

    /// <summary>For <see cref="GraphFailureKind.Throttled"/>: Graph's Retry-After, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>Either a value or a failure.</summary>
public sealed record GraphResult<T>(T? Value, GraphFailure? Failure)
    where T : class
{
    public bool Succeeded => Failure is null && Value is not null;
}

/// <summary>Factory methods for <see cref="GraphResult{T}"/>.</summary>
public static class GraphResult
{
    public static GraphResult<T> Ok<T>(T value)
        where T : class => new(value, null);

    public static GraphResult<T> Failed<T>(GraphFailure failure)
        where T : class => new(null, failure);
}
