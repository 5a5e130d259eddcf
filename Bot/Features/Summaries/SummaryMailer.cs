using System.Globalization;
using System.Net;
using System.Text;
using CrisisBot.Cards.Templates;
using CrisisBot.Infrastructure.Graph;
using Microsoft.Extensions.Options;

namespace CrisisBot.Features.Summaries;

/// <summary>Outcome of the e-mail copy: sent, or why not (for the log and the person who asked).</summary>
public sealed record SummaryMailOutcome(bool Sent, string Note, int Recipients = 0);

/// <summary>
/// The e-mail copy of a summary through Microsoft Graph <c>sendMail</c> (app-only, <c>Mail.Send</c>): HTML with the chart
/// inline as a CID attachment. Only when Graph is configured and <c>Summaries:MailTo</c>/<c>Summaries:MailFrom</c> are set.
/// </summary>
public sealed class SummaryMailer(ITeamsGraph graph, IOptions<SummaryOptions> options)
{
    public const string ChartContentId = "volume-chart";

    public async Task<SummaryMailOutcome> SendAsync(LeadershipSummaryCardInput input, byte[]? chartPng, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        var settings = options.Value;
        if (!settings.MailConfigured)
        {
            return new SummaryMailOutcome(false, "no e-mail copy: Summaries:MailTo and Summaries:MailFrom are not set.");
        }

        if (!graph.IsConfigured)
        {
            return new SummaryMailOutcome(false,
                "no e-mail copy: Microsoft Graph is not configured (set Graph:TenantId, Graph:ClientId and a secret or certificate, and grant Mail.Send).");
        }

        var to = settings.MailTo.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToList();
        var attachments = chartPng is null ? Array.Empty<GraphInlineAttachment>() : [new GraphInlineAttachment("volume.png", "image/png", ChartContentId, chartPng)];
        var mail = new GraphMail(Subject(input), Html(input, chartPng is not null), to, attachments);
        var result = await graph.SendMailAsync(settings.MailFrom!.Trim(), mail, ct);
        return result.Succeeded
            ? new SummaryMailOutcome(true, $"e-mail copy sent to {to.Count} recipient{(to.Count == 1 ? "" : "s")}.", to.Count)
            : new SummaryMailOutcome(false, "the e-mail copy failed: " + result.Failure!.AdminMessage);
    }

    public static string Subject(LeadershipSummaryCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var crisis = string.IsNullOrWhiteSpace(input.CrisisName) ? "" : $" ({input.CrisisName})";
        return $"CrisisBot summary{crisis}: {input.PeriodLabel ?? "period"} to {input.PeriodEnd.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)}";
    }

    /// <summary>Self-contained HTML (inline styles only; the chart is <c>cid:volume-chart</c>). Every value is HTML-encoded.</summary>
    public static string Html(LeadershipSummaryCardInput input, bool withChart)
    {
        ArgumentNullException.ThrowIfNull(input);
        static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
        static string D(TimeSpan? span) => span is { } s ? SummaryBuilder.FormatDuration(s) : "n/a";
        var html = new StringBuilder();
        html.Append("<!DOCTYPE html><html><body style=\"font-family:Segoe UI,Arial,sans-serif;color:#222\">");
        html.Append("<h1 style=\"font-size:20px\">").Append(E(Subject(input))).Append("</h1>");
        html.Append("<p>").Append(E($"{input.PeriodStart:yyyy-MM-dd HH:mm} to {input.PeriodEnd:yyyy-MM-dd HH:mm} (UTC{input.PeriodEnd:zzz})")).Append("</p>");
        html.Append("<table cellpadding=\"4\" style=\"border-collapse:collapse\">");
        void Row(string name, string value) => html.Append("<tr><th align=\"left\">").Append(E(name)).Append("</th><td>").Append(E(value)).Append("</td></tr>");
        Row("Posts", $"{input.Posts} (same period a week before: {input.BaselinePosts:0})");
        Row("Questions", $"{input.Questions.Asked} asked, {input.Questions.Answered} answered, {input.Questions.Pending} pending, {input.Questions.Overdue} overdue");
        Row("Time to approved answer", $"median {D(input.Timings.ApprovedAnswerMedian)}, p90 {D(input.Timings.ApprovedAnswerP90)}");
        Row("Customer first response", $"median {D(input.Timings.FirstResponseMedian)}; {input.Timings.RecoveryEstimate}");
        Row("FAQ changes", $"{input.FaqChanges.Added} added, {input.FaqChanges.Updated} updated, {input.FaqChanges.Withdrawn} withdrawn");
        html.Append("</table>");
        if (withChart)
        {
            html.Append("<p><img src=\"cid:").Append(ChartContentId).Append("\" alt=\"Posts per interval against the baseline\" width=\"")
                .Append(SummaryChartRenderer.Width).Append("\"></p>");
        }

        html.Append("<h2 style=\"font-size:16px\">Top topics</h2>");
        if (input.TopTopics.Count == 0)
        {
            html.Append("<p>No hot topics in this period.</p>");
        }
        else
        {
            html.Append("<ul>");
            foreach (var topic in input.TopTopics)
            {
                html.Append("<li>").Append(E($"{topic.Title} ({topic.Product}): {topic.Posts} posts, {topic.State}, {topic.Trend}")).Append("</li>");
            }

            html.Append("</ul>");
        }

        html.Append("<h2 style=\"font-size:16px\">Decisions needed</h2>");
        html.Append(input.DecisionsNeeded.Count == 0 ? "<p>None right now.</p>" : "<ul>" + string.Concat(input.DecisionsNeeded.Select(d => "<li>" + E(d) + "</li>")) + "</ul>");
        if (input.LatestStatusUpdate is { } status)
        {
            html.Append("<h2 style=\"font-size:16px\">Latest status update</h2><p>").Append(E(status.Text)).Append("<br><small>")
                .Append(E($"{status.Author}, {status.At:yyyy-MM-dd HH:mm}")).Append("</small></p>");
        }

        if (input.TeamLoad is { } load)
        {
            html.Append("<h2 style=\"font-size:16px\">Team load</h2><p>")
                .Append(E($"{load.AgentsActive} agents active, {load.AgentsExposed} exposed to {load.AbusiveExposures} abusive posts, {load.BreakPrompts} break prompts sent."))
                .Append("</p>");
        }

        html.Append("<p style=\"color:#666\">Acknowledge the summary on its card in Teams.</p></body></html>");
        return html.ToString();
    }
}
