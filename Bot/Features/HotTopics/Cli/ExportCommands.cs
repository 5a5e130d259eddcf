using System.CommandLine;
using System.Text;
using System.Text.Json;
using CrisisBot.Features.HotTopics.Api;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Infrastructure.Cli;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;

namespace CrisisBot.Features.HotTopics.Cli;

/// <summary>
/// <c>topics export --format jsonl [--out file]</c>: one line per stored post <c>{id, source, topicId, topicTitle, product}</c>
/// (the topic it belongs to now, merges followed; product is the post's routed product).
/// <c>alarms export --format jsonl [--out file]</c>: one line per alarm that fired (onset or escalation)
/// <c>{topicId, product, at, severity}</c>, <c>at</c> being the event time; product and overall alarms have no topicId.
/// </summary>
public static class ExportCommands
{
    public static Command CreateTopics(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var topics = new Command("topics", "Work with stored hot topics.");
        topics.Subcommands.Add(CreateExport(host, "One line per post: {id, source, topicId, topicTitle, product}.", ExportPostsAsync));
        return topics;
    }

    public static Command CreateAlarms(CliHost host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var alarms = new Command("alarms", "Work with stored hot-topic alarms.");
        alarms.Subcommands.Add(CreateExport(host, "One line per alarm that fired: {topicId, product, at, severity} (at = event time).", ExportAlarmsAsync));
        return alarms;
    }

    private static Command CreateExport(CliHost host, string description, Func<CrisisDbContext, TextWriter, CancellationToken, Task<long>> export)
    {
        var format = new Option<string>("--format") { Description = "Output format; only jsonl (one JSON object per line).", Required = true };
        var output = new Option<string?>("--out") { Description = "File to write (replaced if it exists); standard output when omitted." };
        var command = new Command("export", description) { format, output };
        command.SetAction(async (parseResult, ct) =>
        {
            var error = parseResult.InvocationConfiguration.Error;
            var formatValue = parseResult.GetRequiredValue(format);
            if (!string.Equals(formatValue, "jsonl", StringComparison.OrdinalIgnoreCase))
            {
                await error.WriteLineAsync($"error: unsupported --format '{formatValue}'; only jsonl is supported");
                return CliExitCodes.UsageError;
            }

            await using var services = IntakeCli.BuildServices(host, parseResult);
            if (IntakeCli.CheckConfiguration(services) is { } configError)
            {
                await error.WriteLineAsync($"error: {configError}");
                return CliExitCodes.UsageError;
            }

            var path = parseResult.GetValue(output);
            try
            {
                await services.MigrateStorageAsync(ct);
                await using var db = await services.GetRequiredService<IDbContextFactory<CrisisDbContext>>().CreateDbContextAsync(ct);
                long lines;
                if (path is null)
                {
                    lines = await export(db, parseResult.InvocationConfiguration.Output, ct);
                }
                else
                {
                    await using var file = new StreamWriter(path, append: false, new UTF8Encoding(false), 1 << 16) { NewLine = "\n" };
                    lines = await export(db, file, ct);
                    await error.WriteLineAsync($"Wrote {lines:N0} lines to {Path.GetFullPath(path)}");
                }

                return CliExitCodes.Success;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or System.Data.Common.DbException or InvalidOperationException)
            {
                await error.WriteLineAsync($"error: export failed: {ex.Message}");
                return CliExitCodes.Failure;
            }
        });
        return command;
    }

    private static async Task<long> ExportPostsAsync(CrisisDbContext db, TextWriter output, CancellationToken ct)
    {
        var topics = await db.Set<StoredTopic>().AsNoTracking().Select(t => new { t.Id, t.Title, t.MergedInto }).ToListAsync(ct);
        var byId = topics.ToDictionary(t => t.Id);
        var lines = 0L;
        await foreach (var p in db.Set<StoredPost>().AsNoTracking().OrderBy(p => p.Seq)
                           .Select(p => new { p.PostId, p.Source, p.TopicId, p.Product }).AsAsyncEnumerable().WithCancellation(ct))
        {
            int? topicId = p.TopicId;
            string? title = null;
            for (var hops = 0; topicId is { } id && byId.TryGetValue(id, out var t) && hops < 10_000; hops++)
            {
                if (t.MergedInto is { } into && into != id)
                {
                    topicId = into;
                    continue;
                }

                title = t.Title;
                break;
            }

            await output.WriteAsync(JsonSerializer.Serialize(new PostTopicLine(p.PostId, p.Source, topicId, title, p.Product), IntakeJsonContext.Default.PostTopicLine));
            await output.WriteAsync('\n');
            lines++;
        }

        return lines;
    }

    private static async Task<long> ExportAlarmsAsync(CrisisDbContext db, TextWriter output, CancellationToken ct)
    {
        var lines = 0L;
        await foreach (var a in db.Set<StoredAlarm>().AsNoTracking()
                           .Where(a => a.Transition == AlarmTransition.Onset || a.Transition == AlarmTransition.Escalation)
                           .OrderBy(a => a.Seq).AsAsyncEnumerable().WithCancellation(ct))
        {
            await output.WriteAsync(JsonSerializer.Serialize(TopicsApi.ToDto(a, detailed: false), IntakeJsonContext.Default.AlarmDto));
            await output.WriteAsync('\n');
            lines++;
        }

        return lines;
    }
}
