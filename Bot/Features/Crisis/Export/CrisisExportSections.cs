using CrisisBot.Features.HotTopics.Routing;

namespace CrisisBot.Features.Crisis.Export;

/// <summary>
/// The built-in sections: posts per topic, topics, alarms (event time in the window); questions asked or acted on in the
/// window with their answer versions, library entries, waiting agents and recipients; the expert audit (approvals,
/// refusals) and its "I used this" rows; the outbox and card posts created in the window; the audit trail; the crisis,
/// roles, proposals, decisions and status updates. Optional tables of other features (acknowledgements, FAQ) are
/// included when this installation has them.
/// </summary>
internal sealed class TableSections : IExportSection
{
    /// <summary>Questions of the window: asked in it, or with an expert-loop audit row in it.</summary>
    internal static readonly string WindowQuestions =
        $"(SELECT q.\"Id\" FROM \"ExpertQuestions\" q WHERE {CrisisPostRule.InPeriod("q.\"AskedAt\"")} OR q.\"Id\" IN (SELECT a.\"QuestionId\" FROM \"ExpertAudit\" a WHERE {CrisisPostRule.InPeriod("a.\"At\"")} AND a.\"QuestionId\" IS NOT NULL))";

    private const string Posts = "\"HotTopicPosts\"";

    internal static readonly TableExport[] Tables =
    [
        // Posts, topics and alarms: the crisis rule shared with the stand-down report (CrisisPostRule).
        new("posts", "HotTopicPosts", CrisisPostRule.Post(Posts), "\"CurrentTopicId\", \"Seq\" ",
            [
                ("CurrentTopicId", CrisisPostRule.CurrentTopic(Posts)),
                ("ArrivedDuringCrisis", $"CASE WHEN {CrisisPostRule.Arrived(Posts)} THEN 1 ELSE 0 END"),
                ("CreatedInWindow", $"CASE WHEN {CrisisPostRule.CreatedInWindow(Posts)} THEN 1 ELSE 0 END"),
            ]),
        new("topics", "HotTopics", CrisisPostRule.Topic("\"HotTopics\"")),
        new("alarms", "HotTopicAlarms", CrisisPostRule.Alarm("\"HotTopicAlarms\"")),
        new("questions", "ExpertQuestions", $"\"Id\" IN {WindowQuestions}"),
        new("answer-versions", "ExpertAnswers", $"\"QuestionId\" IN {WindowQuestions}"),
        new("library-entries", "LibraryEntries", $"\"QuestionId\" IN {WindowQuestions}"),
        new("approvals-audit", "ExpertAudit", CrisisPostRule.InPeriod("\"At\"")),
        new("usage", "ExpertAudit", $"\"Action\" = 'answer.used' AND {CrisisPostRule.InPeriod("\"At\"")}"),
        new("waiting-agents", "ExpertQuestionWaiters", $"\"QuestionId\" IN {WindowQuestions}"),
        new("answer-recipients", "LibraryRecipients", $"\"EntryId\" IN (SELECT e.\"Id\" FROM \"LibraryEntries\" e WHERE e.\"QuestionId\" IN {WindowQuestions})"),
        new("deliveries-outbox", "OutboxMessages", CrisisOutboxRule.Sql),
        new("card-posts", "CardMessages", $"{CrisisPostRule.InPeriod("\"PostedAt\"")} OR {CrisisOutboxRule.OwnCards}"),
        new("audit", "AuditEntries", CrisisPostRule.InPeriod("\"At\"")),
        new("crisis", "Crises", "\"Id\" = @crisis"),
        new("crisis-roles", "CrisisRoles", "\"CrisisId\" = @crisis"),
        new("crisis-proposals", "CrisisProposals", $"\"CrisisId\" = @crisis OR {CrisisPostRule.InPeriod("\"ProposedAt\"")}"),
        new("decisions", "CrisisDecisions", $"\"CrisisId\" = @crisis OR {CrisisPostRule.InPeriod("\"RaisedAt\"")}"),
        new("status-updates", "CrisisStatusUpdates", "\"CrisisId\" = @crisis"),
    ];

    public int Order => 100;

    public async Task WriteAsync(CrisisExportContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        foreach (var table in Tables)
        {
            if (context.HasTable(table.Table))
            {
                await context.WriteTableAsync(table, ct);
            }
            else
            {
                context.Note($"{table.File}: table {table.Table} does not exist on this installation");
            }
        }

        // Tables of features that may not be installed (leadership summaries and their acknowledgements, FAQ versions):
        // whole tables, since their time columns are not known here. A feature that wants a windowed file registers its own
        // section. Never SummaryKeys: it holds the chart-URL signing key.
        var optional = context.Tables().Where(t => t.Contains("Acknowledg", StringComparison.OrdinalIgnoreCase) || t.StartsWith("Faq", StringComparison.OrdinalIgnoreCase)
            || t.Equals("Summaries", StringComparison.OrdinalIgnoreCase)).Order(StringComparer.Ordinal).ToList();
        foreach (var table in optional)
        {
            await context.WriteTableAsync(new TableExport(Kebab(table), table, null), ct);
        }

        context.Note(context.Window.PostSeqFrom is null
            ? "posts: this crisis predates the arrival marks; posts, topics and alarms are those of the window by event time (createdAt) only"
            : $"posts: {CrisisPostRule.Description} (ArrivedDuringCrisis = 1: ingested between declaration and stand-down; CreatedInWindow = 1: createdAt in the window); topics: those of the window by event time plus the topics of the arrived posts (and their survivors); alarms: those of the window plus the alarms of those topics within the event-time span of the arrived posts. The stand-down report counts with the same rule: its posts are the rows of posts in the crisis's products, its topics their distinct CurrentTopicId, its peak the busiest UTC clock hour of their createdAt, its alarms the rows of alarms in those products");

        context.Note($"deliveries-outbox: {CrisisOutboxRule.Description}");

        if (!optional.Any(t => t.Contains("Acknowledg", StringComparison.OrdinalIgnoreCase)))
        {
            context.Note("acknowledgements: no acknowledgement table on this installation (leadership summaries not installed)");
        }
    }

    private static string Kebab(string name) =>
        string.Concat(name.Select((c, i) => char.IsUpper(c) && i > 0 ? "-" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));
}

/// <summary>products.json/.csv from products.yaml (the catalog as configured now) and the crisis timeline.</summary>
internal sealed class CrisisInfoSections(IServiceProvider services, Microsoft.Extensions.Options.IOptions<ProductsOptions> options) : IExportSection
{
    public int Order => 50;

    public async Task WriteAsync(CrisisExportContext context, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(context);
        string[] productColumns = ["key", "displayName", "owners", "deputies", "approvers", "slaNormalMinutes", "slaCrisisMinutes", "channel", "inCrisisScope"];
        var products = (services.GetService<ProductCatalog>() ?? options.Value.LoadCatalog()).Products.ToList();
        await context.WriteRowsAsync("products", productColumns, "products.yaml (as configured at export time)", _ => Rows(products.Select(p => new object?[]
        {
            p.Key, p.DisplayName, string.Join(";", p.Owners), string.Join(";", p.Deputies), string.Join(";", p.Approvers),
            p.Sla.Normal, p.Sla.Crisis, p.Channel, context.Crisis.Products.Count == 0 || context.Crisis.Products.Contains(p.Key, StringComparer.OrdinalIgnoreCase),
        })), ct);

        var (timeline, _) = await CrisisService.TimelineAsync(context.Db, context.Crisis, ct);
        await context.WriteRowsAsync("timeline", ["at", "event"], "crisis timeline (proposal, declaration, decisions, status updates, stand-down)",
            _ => Rows(timeline.Select(t => new object?[] { t.At, t.Text })), ct);
    }

    private static async IAsyncEnumerable<object?[]> Rows(IEnumerable<object?[]> rows)
    {
        foreach (var row in rows)
        {
            yield return row;
        }

        await Task.CompletedTask;
    }
}
