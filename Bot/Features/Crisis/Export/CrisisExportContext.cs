using System.Data.Common;
using System.Globalization;
using System.IO.Compression;
using System.Text;
using System.Text.Json;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata;
using Microsoft.EntityFrameworkCore.Storage;

namespace CrisisBot.Features.Crisis.Export;

/// <summary>A table dump: every mapped column of <see cref="Table"/> (plus <see cref="Extra"/> SQL expressions) where <see cref="Where"/> holds.</summary>
/// <param name="File">Base file name: <c>File.jsonl</c> and <c>File.csv</c> are written.</param>
/// <param name="Table">The table (as mapped by EF Core).</param>
/// <param name="Where">SQL condition; may use <c>@from</c>/<c>@to</c> (DateTimeOffset columns), <c>@fromMs</c>/<c>@toMs</c> (Unix ms columns), <c>@seqFrom</c>/<c>@seqTo</c> (post arrival marks, see <see cref="ExportWindow.PostSeqFrom"/>) and <c>@crisis</c>. Null: every row.</param>
/// <param name="OrderBy">SQL ORDER BY list; null: the primary key.</param>
/// <param name="Extra">Additional computed columns (name, SQL expression).</param>
public sealed record TableExport(string File, string Table, string? Where, string? OrderBy = null, IReadOnlyList<(string Name, string Sql)>? Extra = null);

/// <summary>
/// What sections write with: the window, the database (inside the export's read transaction) and the zip. Row sources are
/// read twice (once for JSON lines, once for CSV) from the same snapshot; nothing is held in memory beyond one row.
/// </summary>
public sealed class CrisisExportContext
{
    private readonly ZipArchive _zip;
    private readonly List<ExportFile> _files = [];
    private readonly List<string> _notes = [];

    internal CrisisExportContext(CrisisDbContext db, ExportWindow window, CrisisRecord crisis, ZipArchive zip)
    {
        Db = db;
        Window = window;
        Crisis = crisis;
        _zip = zip;
    }

    public CrisisDbContext Db { get; }

    public ExportWindow Window { get; }

    public CrisisRecord Crisis { get; }

    public IReadOnlyList<ExportFile> Files => _files;

    public IReadOnlyList<string> Notes => _notes;

    /// <summary>A remark for manifest.json (e.g. an optional table that does not exist on this installation).</summary>
    public void Note(string note) => _notes.Add(note);

    /// <summary>True when EF Core maps a table of that name.</summary>
    public bool HasTable(string table) => FindEntity(table) is not null;

    /// <summary>Table names mapped by EF Core.</summary>
    public IEnumerable<string> Tables() => Db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct(StringComparer.Ordinal);

    /// <summary>Writes <c>File.jsonl</c> and <c>File.csv</c> from the table (typed values; times as ISO 8601 UTC).</summary>
    public async Task<long> WriteTableAsync(TableExport export, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(export);
        var entity = FindEntity(export.Table) ?? throw new InvalidOperationException($"No table '{export.Table}' is mapped.");
        var table = StoreObjectIdentifier.Table(export.Table, entity.GetSchema());
        var properties = entity.GetProperties().Where(p => p.GetColumnName(table) is not null).ToList();
        var columns = properties.Select(p => p.GetColumnName(table)!).ToList();
        var extra = export.Extra ?? [];
        var select = string.Join(", ", columns.Select(Quote).Concat(extra.Select(e => $"{e.Sql} AS {Quote(e.Name)}")));
        var orderBy = export.OrderBy ?? string.Join(", ", (entity.FindPrimaryKey()?.Properties ?? []).Select(p => Quote(p.GetColumnName(table)!)));
        var sql = $"SELECT {select} FROM {Quote(export.Table)}" + (export.Where is null ? "" : $" WHERE {export.Where}") + (orderBy.Length == 0 ? "" : $" ORDER BY {orderBy}");
        var names = columns.Concat(extra.Select(e => e.Name)).ToList();
        var source = export.Where is null ? $"{export.Table} (all rows)" : $"{export.Table} where {export.Where}";
        return await WriteRowsAsync(export.File, names, source, ct => ReadAsync(sql, properties, extra.Count, ct), ct);
    }

    /// <summary>Writes <c>File.jsonl</c> and <c>File.csv</c> from any row source (called twice; it must give the same rows).</summary>
    public async Task<long> WriteRowsAsync(string file, IReadOnlyList<string> columns, string source, Func<CancellationToken, IAsyncEnumerable<object?[]>> rows, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(rows);
        ArgumentNullException.ThrowIfNull(columns);
        long jsonRows = 0;
        var entry = _zip.CreateEntry(file + ".jsonl", CompressionLevel.Fastest);
        await using (var stream = entry.Open())
        {
            await using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { SkipValidation = true });
            await foreach (var row in rows(ct).WithCancellation(ct))
            {
                json.WriteStartObject();
                for (var i = 0; i < columns.Count; i++)
                {
                    json.WritePropertyName(columns[i]);
                    WriteJson(json, row[i]);
                }

                json.WriteEndObject();
                await json.FlushAsync(ct);
                stream.WriteByte((byte)'\n');
                json.Reset();
                jsonRows++;
            }
        }

        long csvRows = 0;
        entry = _zip.CreateEntry(file + ".csv", CompressionLevel.Fastest);
        await using (var stream = entry.Open())
        {
            await using var writer = new StreamWriter(stream, new UTF8Encoding(false), 1 << 16);
            var line = new StringBuilder();
            ExportCsv.AppendRow(line, columns.ToArray());
            await foreach (var row in rows(ct).WithCancellation(ct))
            {
                ExportCsv.AppendRow(line, row);
                csvRows++;
                if (line.Length > 1 << 15)
                {
                    await writer.WriteAsync(line, ct);
                    line.Clear();
                }
            }

            await writer.WriteAsync(line, ct);
        }

        if (csvRows != jsonRows)
        {
            throw new InvalidOperationException($"{file}: the JSON pass read {jsonRows} rows and the CSV pass {csvRows}; the snapshot changed.");
        }

        _files.Add(new ExportFile(file + ".jsonl", jsonRows, source));
        _files.Add(new ExportFile(file + ".csv", csvRows, source));
        return jsonRows;
    }

    /// <summary>Writes one JSON document (small data: timeline, products, summaries).</summary>
    public async Task WriteJsonAsync<T>(string file, T value, long rows, string source, CancellationToken ct)
    {
        var entry = _zip.CreateEntry(file, CompressionLevel.Fastest);
        await using (var stream = entry.Open())
        {
            await JsonSerializer.SerializeAsync(stream, value, ExportJson.Options, ct);
        }

        _files.Add(new ExportFile(file, rows, source));
    }

    internal async Task WriteManifestAsync(ExportManifest manifest, CancellationToken ct)
    {
        var entry = _zip.CreateEntry("manifest.json", CompressionLevel.Fastest);
        await using var stream = entry.Open();
        await JsonSerializer.SerializeAsync(stream, manifest, ExportJson.Options, ct);
    }

    private async IAsyncEnumerable<object?[]> ReadAsync(string sql, List<IProperty> properties, int extra, [System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken ct)
    {
        var connection = Db.Database.GetDbConnection();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.Transaction = Db.Database.CurrentTransaction?.GetDbTransaction();
        AddParameters(command);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = new object?[properties.Count + extra];
            for (var i = 0; i < properties.Count; i++)
            {
                row[i] = reader.IsDBNull(i) ? null : Normalize(reader.GetValue(i), properties[i]);
            }

            for (var i = 0; i < extra; i++)
            {
                var o = properties.Count + i;
                row[o] = reader.IsDBNull(o) ? null : reader.GetValue(o);
            }

            yield return row;
        }
    }

    private void AddParameters(DbCommand command)
    {
        var extra = CrisisOutboxRule.Parameters(Window.CrisisId);
        extra["crisis"] = Window.CrisisId;
        CrisisPostRule.AddParameters(command, Window.Period, Db.Database.IsNpgsql(), extra);
    }

    /// <summary>Turns a provider value back into the model's type (enums, times, booleans).</summary>
    private static object? Normalize(object raw, IProperty property)
    {
        var clr = Nullable.GetUnderlyingType(property.ClrType) ?? property.ClrType;
        if (property.GetTypeMapping().Converter is { } converter)
        {
            var providerType = Nullable.GetUnderlyingType(converter.ProviderClrType) ?? converter.ProviderClrType;
            if (raw.GetType() != providerType && raw is IConvertible)
            {
                raw = Convert.ChangeType(raw, providerType, CultureInfo.InvariantCulture);
            }

            return converter.ConvertFromProvider(raw);
        }

        if (clr == typeof(DateTimeOffset))
        {
            return raw switch
            {
                DateTimeOffset t => t,
                DateTime d => new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)),
                string s => DateTimeOffset.Parse(s, CultureInfo.InvariantCulture),
                _ => raw,
            };
        }

        if (clr == typeof(bool) && raw is not bool)
        {
            return Convert.ToInt64(raw, CultureInfo.InvariantCulture) != 0;
        }

        if (clr.IsEnum && raw is not string)
        {
            return Enum.ToObject(clr, Convert.ToInt64(raw, CultureInfo.InvariantCulture));
        }

        return raw;
    }

    private static void WriteJson(Utf8JsonWriter json, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case DateTimeOffset t:
                json.WriteStringValue(ExportValues.Time(t));
                break;
            case Enum e:
                json.WriteStringValue(e.ToString());
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case short sh:
                json.WriteNumberValue(sh);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumberValue(d);
                break;
            case float f when float.IsFinite(f):
                json.WriteNumberValue(f);
                break;
            case decimal m:
                json.WriteNumberValue(m);
                break;
            case byte[] bytes:
                json.WriteBase64StringValue(bytes);
                break;
            default:
                json.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                break;
        }
    }

    private IEntityType? FindEntity(string table) =>
        Db.Model.GetEntityTypes().FirstOrDefault(e => string.Equals(e.GetTableName(), table, StringComparison.Ordinal) && e.FindPrimaryKey() is not null);

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

}
