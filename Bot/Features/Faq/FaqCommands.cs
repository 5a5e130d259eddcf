using System.Globalization;
using CrisisBot.Features.Channels;
using CrisisBot.Infrastructure.Storage;
using CrisisBot.Protocol.Activities;
using CrisisBot.Protocol.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using IRouteBuilder = CrisisBot.Protocol.Routing.IRouteBuilder;

namespace CrisisBot.Features.Faq;

/// <summary><c>faq</c> (anyone): the public URL and the current version; <c>faq publish</c> (admins): publish now.</summary>
public sealed class FaqCommands(
    FaqStore store,
    FaqPublisher publisher,
    FaqLinks links,
    IDbContextFactory<CrisisDbContext> contextFactory,
    AdminPolicy admins,
    IOptionsMonitor<FaqOptions> options,
    TimeProvider time,
    ILogger<FaqCommands> logger)
{
    public const string Usage = "faq (the public FAQ's address and version) or faq publish (admins: publish the approved answers now)";

    public async Task FaqAsync(TurnContext turn, Command command, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(turn);
        ArgumentNullException.ThrowIfNull(command);
        var argument = command.Arguments.Trim();
        if (argument.Length == 0)
        {
            await turn.ReplyAsync(Plain(await DescribeAsync(ct)), ct);
        }
        else if (string.Equals(argument, "publish", StringComparison.OrdinalIgnoreCase))
        {
            await turn.ReplyAsync(Plain(await PublishAsync(turn.Activity, ct)), ct);
        }
        else
        {
            await turn.ReplyAsync(Plain($"I don't know 'faq {argument}'. Use {Usage}."), ct);
        }
    }

    /// <summary>The reply to <c>faq</c>.</summary>
    public async Task<string> DescribeAsync(CancellationToken ct = default)
    {
        var latest = await store.LatestAsync(ct);
        if (latest is null)
        {
            return $"The public FAQ is at {links.Page()}. Nothing has been published yet: approved answers marked \"add to FAQ\" appear there. Admins can run 'faq publish'.";
        }

        return string.Create(CultureInfo.InvariantCulture,
            $"The public FAQ is at {links.Page()}: version {latest.Number}, as of {FaqFormat.Time(latest.PublishedAt, options.CurrentValue.ResolveTimeZone())}, {Answers(latest.EntryCount)}. Earlier versions: {links.History()}.");
    }

    private async Task<string> PublishAsync(Activity activity, CancellationToken ct)
    {
        var actorId = activity.From?.AadObjectId ?? activity.From?.Id ?? "unknown";
        var actorName = activity.From?.Name;
        var now = time.GetUtcNow();
        if (!await admins.IsAdminAsync(activity, ct))
        {
            FaqLog.PublishRefused(logger, actorId);
            await AuditAsync(AuditEntry.Create(now, "faq.publish.refused", actorId, actorName, "faq", "not in Bot:Admins"), ct);
            return "Only CrisisBot admins (Bot:Admins) can publish the FAQ. Nothing was published.";
        }

        var result = await publisher.PublishAsync(FaqTrigger.Admin, $"admin {actorName ?? actorId}",
            r => AuditEntry.Create(now, "faq.publish", actorId, actorName, "faq",
                r.Created ? string.Create(CultureInfo.InvariantCulture, $"version {r.Version!.Number}: {FaqContent.Describe(r.Changes)}") : "unchanged"), ct);
        var zone = options.CurrentValue.ResolveTimeZone();
        if (result.Created)
        {
            var version = result.Version!;
            return string.Create(CultureInfo.InvariantCulture,
                $"Published FAQ version {version.Number} ({Answers(version.EntryCount)}, as of {FaqFormat.Time(version.PublishedAt, zone)}): {FaqContent.Describe(result.Changes)}. {links.Page()}");
        }

        return result.Version is { } unchanged
            ? string.Create(CultureInfo.InvariantCulture,
                $"Nothing changed since version {unchanged.Number} (as of {FaqFormat.Time(unchanged.PublishedAt, zone)}), so no new version was made. {links.Page()}")
            : "There are no approved answers marked \"add to FAQ\" yet, so nothing was published.";
    }

    private async Task AuditAsync(AuditEntry entry, CancellationToken ct)
    {
        await using var db = await contextFactory.CreateDbContextAsync(ct);
        db.Add(entry);
        await db.SaveChangesAsync(ct);
    }

    internal static string Answers(int count) => count == 1 ? "1 answer" : count.ToString(CultureInfo.InvariantCulture) + " answers";

    private static OutgoingActivity Plain(string text) => new() { Text = text, TextFormat = "plain" };
}

internal sealed class FaqRoutes(FaqCommands commands) : IBotRoutes
{
    public void Register(IRouteBuilder routes)
    {
        ArgumentNullException.ThrowIfNull(routes);
        routes.OnCommand("faq", commands.FaqAsync);
    }
}

/// <summary>Time formats shared by the pages and the command.</summary>
internal static class FaqFormat
{
    /// <summary>"22 Nov 2026 14:00 UTC" or "22 Nov 2026 15:00 UTC+01:00" in <paramref name="zone"/>.</summary>
    public static string Time(DateTimeOffset at, TimeZoneInfo zone)
    {
        var local = TimeZoneInfo.ConvertTime(at, zone);
        var offset = local.Offset == TimeSpan.Zero
            ? "UTC"
            : "UTC" + (local.Offset < TimeSpan.Zero ? "-" : "+") + local.Offset.ToString(@"hh\:mm", CultureInfo.InvariantCulture);
        return local.ToString("d MMM yyyy HH:mm", CultureInfo.InvariantCulture) + " " + offset;
    }

    /// <summary>"22 Nov 2026" in <paramref name="zone"/>.</summary>
    public static string Date(DateTimeOffset at, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(at, zone).ToString("d MMM yyyy", CultureInfo.InvariantCulture);

    /// <summary>ISO 8601 UTC for machine-readable attributes.</summary>
    public static string Iso(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
