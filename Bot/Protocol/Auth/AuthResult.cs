namespace CrisisBot.Protocol.Auth;

/// <summary>Outcome of inbound authentication: success, or the HTTP status (401/403) and a reason for the log.</summary>
public sealed record AuthResult(bool Succeeded, int StatusCode, string? Reason, string? Issuer)
{
    public static AuthResult Anonymous { get; } = new(true, StatusCodes.Status200OK, null, null);

    public static AuthResult Accepted(string issuer) => new(true, StatusCodes.Status200OK, null, issuer);

    public static AuthResult Unauthorized(string reason) => new(false, StatusCodes.Status401Unauthorized, reason, null);

    public static AuthResult Forbidden(string reason) => new(false, StatusCodes.Status403Forbidden, reason, null);
}
