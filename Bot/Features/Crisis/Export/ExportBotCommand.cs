using System.Globalization;
using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.Crisis.Export;

/// <summary>
/// <c>export crisis &lt;id&gt;</c> in Teams (admins): says how to download the zip (the endpoint and the CLI); no file is attached
/// to the chat. Others are refused and the attempt is audited.
/// </summary>
internal sealed class ExportBotCommand(CrisisExporter exporter, AdminPolicy admins, IDbContextFactory<CrisisDbContext> contexts, TimeProvider time) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.OnCommand("export", ExportAsync);
    }

    public async Task ExportAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var parts = command.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (parts.Length != 2 || !string.Equals(parts[0], "crisis", StringComparison.OrdinalIgnoreCase))
        {
            await turn.ReplyAsync(Plain("Usage: export crisis <number>, e.g. 'export crisis 3' (admins)."), ct);
            return;
        }

        if (!await admins.IsAdminAsync(turn.Activity, ct))
        {
            var from = turn.Activity.From;
            var actor = string.IsNullOrWhiteSpace(from?.AadObjectId) ? from?.Id ?? "unknown" : from.AadObjectId;
            await using var db = await contexts.CreateDbContextAsync(ct);
            db.Add(AuditEntry.Create(time.GetUtcNow(), "crisis.export.refused", actor, from?.Name, "crisis:" + parts[1], "not an admin"));
            await db.SaveChangesAsync(ct);
            await turn.ReplyAsync(Plain("Only admins (Bot:Admins) can export a crisis. Your attempt was recorded."), ct);
            return;
        }

        if (!int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
        {
            await turn.ReplyAsync(Plain($"'{parts[1]}' is not a crisis number. Usage: export crisis <number>."), ct);
            return;
        }

        if (await exporter.FindAsync(id, ct) is not { } crisis)
        {
            await turn.ReplyAsync(Plain($"There is no crisis #{id}. The crisis card shows its number."), ct);
            return;
        }

        await turn.ReplyAsync(Plain(
            $"Crisis #{id} '{crisis.Name}' export (zip of JSON lines and CSV with manifest.json): download GET {CrisisExportApi.PathFor(id)} " +
            $"with an admin key (Export:Keys) as 'Authorization: Bearer <key>', e.g. curl -H \"Authorization: Bearer $KEY\" -o crisis-{id}.zip <bot url>{CrisisExportApi.PathFor(id)}. " +
            $"On the server: dotnet Bot.dll export crisis {id} --out crisis-{id}.zip."), ct);
    }

    private static OutgoingActivity Plain(string text) => new() { Text = text, TextFormat = "plain" };
}
