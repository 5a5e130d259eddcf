using System.Data;
using System.IO.Compression;
using System.Text.Json;
using System.Text.Json.Serialization;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.Crisis.Export;

/// <summary>manifest.json: the crisis, its window, and every file with its row count.</summary>
public sealed record ExportManifest(
    int CrisisId,
    string CrisisName,
    string Status,
    string WindowFrom,
    string WindowTo,
    string GeneratedAt,
    IReadOnlyList<ExportFile> Files,
    IReadOnlyList<string> Notes);

internal static class ExportJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
        Converters = { new JsonStringEnumConverter() },
    };
}

/// <summary>
/// Writes the crisis export zip: every <see cref="IExportSection"/> in one read transaction (REPEATABLE READ on
/// PostgreSQL, a read transaction on SQLite: a consistent snapshot), then manifest.json. Rows stream from the database
/// into the zip; the zip goes to a seekable stream (a file).
/// </summary>
public sealed class CrisisExporter(IDbContextFactory<CrisisDbContext> contexts, IEnumerable<IExportSection> sections, TimeProvider time, ILogger<CrisisExporter> logger)
{
    private readonly IExportSection[] _sections = [.. sections.OrderBy(s => s.Order)];

    /// <summary>The crisis, or null when no crisis has that id.</summary>
    public async Task<CrisisRecord?> FindAsync(int crisisId, CancellationToken ct = default)
    {
        await using var db = await contexts.CreateDbContextAsync(ct);
        return await db.Set<CrisisRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == crisisId, ct);
    }

    /// <summary>Writes the zip for the crisis to <paramref name="output"/>; null (nothing written) when the crisis does not exist.</summary>
    public async Task<ExportManifest?> WriteAsync(int crisisId, Stream output, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        await using var db = await contexts.CreateDbContextAsync(ct);
        await db.Database.OpenConnectionAsync(ct);
        await using var transaction = await db.Database.BeginTransactionAsync(db.Database.IsNpgsql() ? IsolationLevel.RepeatableRead : IsolationLevel.Serializable, ct);
        var crisis = await db.Set<CrisisRecord>().AsNoTracking().SingleOrDefaultAsync(c => c.Id == crisisId, ct);
        if (crisis is null)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var window = new ExportWindow(crisis.Id, crisis.Name, crisis.DeclaredAt, crisis.StoodDownAt ?? now, crisis.IsActive)
        {
            PostSeqFrom = crisis.PostSeqAtDeclare,
            PostSeqTo = crisis.IsActive ? null : crisis.PostSeqAtStandDown,
        };
        ExportManifest manifest;
        await using (var zip = new ZipArchive(output, ZipArchiveMode.Create, leaveOpen: true))
        {
            var context = new CrisisExportContext(db, window, crisis, zip);
            foreach (var section in _sections)
            {
                await section.WriteAsync(context, ct);
            }

            manifest = new ExportManifest(
                crisis.Id,
                crisis.Name,
                crisis.IsActive ? "active" : "stood down",
                ExportValues.Time(window.From),
                ExportValues.Time(window.To),
                ExportValues.Time(now),
                [.. context.Files],
                [.. context.Notes]);
            await context.WriteManifestAsync(manifest, ct);
        }

        await transaction.CommitAsync(ct);
        ExportLog.Exported(logger, crisis.Id, manifest.Files.Count, manifest.Files.Where(f => f.Name.EndsWith(".jsonl", StringComparison.Ordinal)).Sum(f => f.Rows));
        return manifest;
    }
}

internal static partial class ExportLog
{
    [LoggerMessage(EventId = 1811, Level = LogLevel.Information, Message = "Crisis {CrisisId} exported: {Files} files, {Rows} table rows")]
    public static partial void Exported(ILogger logger, int crisisId, int files, long rows);

    [LoggerMessage(EventId = 1812, Level = LogLevel.Warning, Message = "Crisis export refused ({Status}) for {Remote}")]
    public static partial void Refused(ILogger logger, int status, string remote);

    [LoggerMessage(EventId = 1813, Level = LogLevel.Error, Message = "Crisis {CrisisId} export failed")]
    public static partial void Failed(ILogger logger, int crisisId, Exception exception);
}
