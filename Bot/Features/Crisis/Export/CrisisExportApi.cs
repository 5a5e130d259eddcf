using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using CrisisBot.Features.HotTopics.Api;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Crisis.Export;

/// <summary>
/// <c>GET /api/crisis/{id}/export</c>: the crisis export zip (admins only: a key from <c>Export:Keys</c>). 401 without or
/// with an unknown key, 403 for a read-API key that is not an export key, 400 for a malformed id, 404 for an unknown
/// crisis, 503 when no export key is configured; every error is <c>application/problem+json</c>.
/// </summary>
internal static class CrisisExportApi
{
    public const string Path = "/api/crisis/{id}/export";

    public static string PathFor(int id) => "/api/crisis/" + id.ToString(CultureInfo.InvariantCulture) + "/export";

    public static void Map(IEndpointRouteBuilder app) => app.MapGet(Path, HandleAsync);

    internal enum KeyCheck
    {
        Missing,
        Unknown,
        ReadOnly,
        Admin,
        NotConfigured,
    }

    /// <summary>Classifies the presented key (constant-time comparisons against every configured key).</summary>
    internal static KeyCheck Check(string? presented, IEnumerable<string> exportKeys, IEnumerable<string> readKeys)
    {
        var admin = exportKeys.Where(k => !string.IsNullOrWhiteSpace(k)).ToList();
        if (admin.Count == 0)
        {
            return KeyCheck.NotConfigured;
        }

        if (string.IsNullOrEmpty(presented))
        {
            return KeyCheck.Missing;
        }

        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(presented));
        var isAdmin = false;
        foreach (var key in admin)
        {
            isAdmin |= CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), hash);
        }

        var isReader = false;
        foreach (var key in readKeys.Where(k => !string.IsNullOrWhiteSpace(k)))
        {
            isReader |= CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(key)), hash);
        }

        return isAdmin ? KeyCheck.Admin : isReader ? KeyCheck.ReadOnly : KeyCheck.Unknown;
    }

    private static async Task<IResult> HandleAsync(
        HttpContext http, string id, CrisisExporter exporter, IOptions<ExportOptions> export, IOptions<ApiOptions> api, ILogger<CrisisExporter> logger, CancellationToken ct)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var presented = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header["Bearer ".Length..].Trim() : http.Request.Headers[TopicsApi.ApiKeyHeader].ToString();
        var check = Check(presented, export.Value.Keys, api.Value.Keys);
        if (check != KeyCheck.Admin)
        {
            ExportLog.Refused(logger, check switch { KeyCheck.ReadOnly => 403, KeyCheck.NotConfigured => 503, _ => 401 }, http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return check switch
            {
                KeyCheck.NotConfigured => ApiProblems.Result(StatusCodes.Status503ServiceUnavailable, "Crisis export not configured", "Set Export:Keys (admin keys) to enable GET /api/crisis/{id}/export."),
                KeyCheck.ReadOnly => ApiProblems.Result(StatusCodes.Status403Forbidden, "Not an admin key", "This key may use the read API (Api:Keys) but not export crises; use a key from Export:Keys."),
                KeyCheck.Missing => ApiProblems.Result(StatusCodes.Status401Unauthorized, "Admin key required", "Send an Export:Keys key as 'Authorization: Bearer <key>' (or in X-Api-Key)."),
                _ => ApiProblems.Result(StatusCodes.Status401Unauthorized, "Invalid key", "The key does not match any key in Export:Keys."),
            };
        }

        if (!int.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var crisisId) || crisisId <= 0)
        {
            return ApiProblems.Result(StatusCodes.Status400BadRequest, "Invalid crisis id", $"'{id}' is not a crisis number; crisis ids are positive integers (see the crisis card or 'crisis').");
        }

        if (await exporter.FindAsync(crisisId, ct) is null)
        {
            return ApiProblems.Result(StatusCodes.Status404NotFound, "Unknown crisis", $"There is no crisis #{crisisId}.");
        }

        // The zip goes to a temporary file first (deleted on close): constant memory, and a failure gives a 500, never a cut-off zip.
        var file = new FileStream(System.IO.Path.GetTempFileName(), FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            if (await exporter.WriteAsync(crisisId, file, ct) is null)
            {
                await file.DisposeAsync();
                return ApiProblems.Result(StatusCodes.Status404NotFound, "Unknown crisis", $"There is no crisis #{crisisId}.");
            }

            file.Position = 0;
            return Results.Stream(file, "application/zip", $"crisis-{crisisId}-export.zip");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            ExportLog.Failed(logger, crisisId, ex);
            await file.DisposeAsync();
            throw;
        }
    }
}
