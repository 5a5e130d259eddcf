using System.CommandLine;
using System.Globalization;
using CrisisBot.Features.DutyOfCare;
using CrisisBot.Features.HotTopics;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Storage;

namespace CrisisBot.Features.Crisis.Export;

/// <summary><c>export crisis &lt;id&gt; [--out file.zip]</c>: the crisis export zip from the configured database.</summary>
public static class CrisisExportCommand
{
    public static Command Create(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var id = new Argument<string>("id") { Description = "The crisis number (shown on the crisis card and in 'crisis')." };
        var output = new Option<string?>("--out") { Description = "Zip file to write (replaced if it exists); default crisis-<id>-export.zip." };
        var crisis = new Command("crisis", "Every post, topic, question, answer version, approval, delivery, usage, decision and audit row of a crisis window, as JSON lines and CSV in a zip with manifest.json.") { id, output };
        crisis.SetAction(async (parseResult, ct) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var text = parseResult.GetRequiredValue(id);
            if (!int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var crisisId) || crisisId <= 0)
            {
                await error.WriteLineAsync($"error: '{text}' is not a crisis number (a positive integer)");
                return CliExitCodes.UsageError;
            }

            await using var services = host.BuildServices(parseResult, (s, configuration) =>
            {
                s.AddStorage(configuration);
                s.AddHotTopicsCore(configuration);
                s.AddCrisisExport();
                s.AddDutyOfCareExport(configuration);
            });
            var path = parseResult.GetValue(output) ?? $"crisis-{crisisId}-export.zip";
            var temp = path + ".partial";
            try
            {
                await services.MigrateStorageAsync(ct);
                var exporter = services.GetRequiredService<CrisisExporter>();
                ExportManifest? manifest;
                await using (var file = new FileStream(temp, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 16, useAsync: true))
                {
                    manifest = await exporter.WriteAsync(crisisId, file, ct);
                }

                if (manifest is null)
                {
                    File.Delete(temp);
                    await error.WriteLineAsync($"error: there is no crisis #{crisisId}");
                    return CliExitCodes.UsageError;
                }

                File.Move(temp, path, overwrite: true);
                var rows = manifest.Files.Where(f => !f.Name.EndsWith(".csv", StringComparison.Ordinal)).Sum(f => f.Rows);
                await parseResult.InvocationConfiguration.Output.WriteLineAsync(
                    $"Wrote {Path.GetFullPath(path)}: crisis #{crisisId} '{manifest.CrisisName}', {manifest.WindowFrom} to {manifest.WindowTo}, {manifest.Files.Count} files, {rows:N0} rows (see manifest.json).");
                return CliExitCodes.Success;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Data.Common.DbException or InvalidOperationException)
            {
                File.Delete(temp);
                await error.WriteLineAsync($"error: export failed: {ex.Message}");
                return CliExitCodes.Failure;
            }
        });
        var export = new Command("export", "Export stored data.");
        export.Subcommands.Add(crisis);
        return export;
    }
}
