using System.Data.Common;
using System.Globalization;
using System.Text.RegularExpressions;
using CrisisBot.Infrastructure.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace CrisisBot.Features.Crisis;

/// <summary>
/// A crisis's period: [<see cref="From"/>, <see cref="To"/>) in event time, and the arrival marks: posts with
/// <c>HotTopicPosts.Seq</c> in (<see cref="PostSeqFrom"/>, <see cref="PostSeqTo"/>] arrived while it was active. Null
/// <see cref="PostSeqFrom"/>: unknown (a crisis declared before the marks existed; only event time counts). Null
/// <see cref="PostSeqTo"/>: still active, every later arrival counts.
/// </summary>
public sealed record CrisisPeriod(DateTimeOffset From, DateTimeOffset To, long? PostSeqFrom = null, long? PostSeqTo = null)
{
    /// <summary>The period of <paramref name="crisis"/>: declaration to stand-down, or to <paramref name="now"/> while active.</summary>
    public static CrisisPeriod Of(CrisisRecord crisis, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(crisis);
        return new CrisisPeriod(crisis.DeclaredAt, crisis.StoodDownAt ?? now, crisis.PostSeqAtDeclare, crisis.IsActive ? null : crisis.PostSeqAtStandDown);
    }

    /// <summary>False for a crisis declared before the arrival marks existed (its posts are those of the window by event time).</summary>
    public bool HasArrivalMarks => PostSeqFrom is not null;
}

/// <summary>
/// The one rule of which posts, topics and alarms belong to a crisis, as SQL over <c>HotTopicPosts</c>,
/// <c>HotTopics</c> and <c>HotTopicAlarms</c>: the crisis export selects its rows with it and the stand-down report counts
/// with it, so every number on the report can be recounted from the export. Parameters (<see cref="Parameters"/>):
/// <c>@fromMs</c>/<c>@toMs</c> (event-time window, Unix ms) and <c>@seqFrom</c>/<c>@seqTo</c> (arrival marks).
/// <list type="bullet">
/// <item><b>Posts</b>: every post that arrived while the crisis was active (ingested between the declaration and the
/// stand-down, whatever its <c>createdAt</c>) and every post created in the window (including late arrivals).</item>
/// <item><b>Current topic</b> of a post: the topic it was merged into, else its own.</item>
/// <item><b>Alarms</b>: those raised in the window, plus the alarms of the arrived posts' topics (and the topics those
/// merged into) within the event-time span of the arrived posts.</item>
/// </list>
/// </summary>
public static partial class CrisisPostRule
{
    /// <summary>The rule in words (report card, export manifest, README).</summary>
    public const string Description =
        "posts that arrived while the crisis was active (whatever their createdAt) and posts created in the crisis window (also when they arrived later)";

    /// <summary>
    /// <paramref name="column"/> (a <c>DateTimeOffset</c> column) is in the crisis period: from the declaration to the
    /// stand-down, both included (or to now while active). Every time-windowed file of the export uses it, as the
    /// event-time rules below use the same bounds in Unix ms, so every file ends at the same instant.
    /// </summary>
    public static string InPeriod(string column) => $"({column} >= @from AND {column} <= @to)";

    /// <summary>The post of <paramref name="posts"/> (a <c>HotTopicPosts</c> alias) arrived while the crisis was active.</summary>
    public static string Arrived(string posts) => $"({posts}.\"Seq\" > @seqFrom AND {posts}.\"Seq\" <= @seqTo)";

    /// <summary>The post of <paramref name="posts"/> was created (event time) in the window.</summary>
    public static string CreatedInWindow(string posts) => $"({posts}.\"CreatedAtMs\" >= @fromMs AND {posts}.\"CreatedAtMs\" <= @toMs)";

    /// <summary>The post of <paramref name="posts"/> belongs to the crisis.</summary>
    public static string Post(string posts) => $"({CreatedInWindow(posts)} OR {Arrived(posts)})";

    /// <summary>The current topic id (after a merge) of the post of <paramref name="posts"/>; NULL without a topic.</summary>
    public static string CurrentTopic(string posts) =>
        $"(SELECT COALESCE(t.\"MergedInto\", t.\"Id\") FROM \"HotTopics\" t WHERE t.\"Id\" = {posts}.\"TopicId\")";

    /// <summary>The topics of the arrived posts and the topics those merged into (a sub-select of ids).</summary>
    public static readonly string ArrivedTopics =
        $"(SELECT a.\"TopicId\" FROM \"HotTopicPosts\" a WHERE {Arrived("a")} AND a.\"TopicId\" IS NOT NULL " +
        $"UNION SELECT t.\"MergedInto\" FROM \"HotTopics\" t WHERE t.\"MergedInto\" IS NOT NULL AND t.\"Id\" IN (SELECT a.\"TopicId\" FROM \"HotTopicPosts\" a WHERE {Arrived("a")}))";

    /// <summary>The topic of <paramref name="topics"/> (a <c>HotTopics</c> alias) was seen in the window or holds an arrived post.</summary>
    public static string Topic(string topics) =>
        $"(({topics}.\"FirstSeenMs\" <= @toMs AND {topics}.\"LastSeenMs\" >= @fromMs) OR {topics}.\"Id\" IN {ArrivedTopics})";

    /// <summary>The alarm of <paramref name="alarms"/> (a <c>HotTopicAlarms</c> alias) belongs to the crisis.</summary>
    public static string Alarm(string alarms)
    {
        var span = $"(SELECT {{0}}(a.\"CreatedAtMs\") FROM \"HotTopicPosts\" a WHERE {Arrived("a")})";
        return $"(({alarms}.\"AtMs\" >= @fromMs AND {alarms}.\"AtMs\" <= @toMs) OR ({alarms}.\"TopicId\" IN {ArrivedTopics} " +
               $"AND {alarms}.\"AtMs\" >= {string.Format(CultureInfo.InvariantCulture, span, "MIN")} AND {alarms}.\"AtMs\" <= {string.Format(CultureInfo.InvariantCulture, span, "MAX")}))";
    }

    /// <summary>
    /// The parameter values of the rule (and <c>@from</c>/<c>@to</c> for <c>DateTimeOffset</c> columns, stored as EF stores
    /// them on the provider). A missing arrival mark makes "arrived" false (declaration) or open-ended (stand-down).
    /// </summary>
    public static Dictionary<string, object> Parameters(CrisisPeriod period, bool npgsql)
    {
        ArgumentNullException.ThrowIfNull(period);
        return new Dictionary<string, object>(StringComparer.Ordinal)
        {
            ["from"] = npgsql ? period.From.ToUniversalTime() : BinaryTime(period.From),
            ["to"] = npgsql ? period.To.ToUniversalTime() : BinaryTime(period.To),
            ["fromMs"] = period.From.ToUnixTimeMilliseconds(),
            ["toMs"] = period.To.ToUnixTimeMilliseconds(),
            ["seqFrom"] = period.PostSeqFrom ?? long.MaxValue,
            ["seqTo"] = period.PostSeqTo ?? long.MaxValue,
        };
    }

    /// <summary>
    /// The volumes the stand-down report shows, counted with the rule: posts of the crisis (in the products of
    /// <paramref name="productKeys"/>; all when empty), the busiest clock hour (UTC, by <c>createdAt</c>) among them, their
    /// distinct current topics, and the alarms of the crisis in those products. Null when the crisis has no post.
    /// </summary>
    public static async Task<CrisisVolumes?> CountAsync(CrisisDbContext db, CrisisPeriod period, IReadOnlyList<string> productKeys, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        ArgumentNullException.ThrowIfNull(productKeys);
        if (period.To <= period.From && !period.HasArrivalMarks)
        {
            return null;
        }

        var products = productKeys.Count == 0 ? "" : $" AND {{0}}.\"Product\" IN ({string.Join(", ", productKeys.Select((_, i) => $"@product{i}"))})";
        string Scope(string alias) => string.Format(CultureInfo.InvariantCulture, products, alias);
        var posts = $"FROM \"HotTopicPosts\" p WHERE {Post("p")}{Scope("p")}";
        // One statement: the posts and their topics, the busiest hour, the alarms.
        var values = await ReadAsync(db, period, productKeys,
            $"SELECT c.n, c.topics, (SELECT COALESCE(MAX(h.n), 0) FROM (SELECT COUNT(*) AS n {posts} GROUP BY p.\"CreatedAtMs\" / 3600000) h), " +
            $"(SELECT COUNT(*) FROM \"HotTopicAlarms\" al WHERE {Alarm("al")}{Scope("al")}) " +
            $"FROM (SELECT COUNT(*) AS n, COUNT(DISTINCT {CurrentTopic("p")}) AS topics {posts}) c", ct);
        return values[0] == 0 ? null : new CrisisVolumes((int)values[0], (int)values[2], (int)values[1], (int)values[3]);
    }

    /// <summary>Adds the rule's parameters that <paramref name="command"/>'s SQL uses (plus any of <paramref name="extra"/>).</summary>
    public static void AddParameters(DbCommand command, CrisisPeriod period, bool npgsql, IReadOnlyDictionary<string, object>? extra = null)
    {
        ArgumentNullException.ThrowIfNull(command);
        var values = Parameters(period, npgsql);
        foreach (var (name, value) in extra ?? new Dictionary<string, object>())
        {
            values[name] = value;
        }

        foreach (Match match in ParameterName().Matches(command.CommandText))
        {
            var name = match.Groups[1].Value;
            if (values.TryGetValue(name, out var value) && !command.Parameters.Contains(name))
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value;
                command.Parameters.Add(parameter);
            }
        }
    }

    private static async Task<long[]> ReadAsync(CrisisDbContext db, CrisisPeriod period, IReadOnlyList<string> productKeys, string sql, CancellationToken ct)
    {
        var connection = db.Database.GetDbConnection();
        var opened = connection.State != System.Data.ConnectionState.Open;
        if (opened)
        {
            await db.Database.OpenConnectionAsync(ct);
        }

        try
        {
            await using var command = connection.CreateCommand();
            command.CommandText = sql;
            command.Transaction = db.Database.CurrentTransaction?.GetDbTransaction();
            var products = productKeys.Select((key, i) => (Name: $"product{i}", Value: (object)key)).ToDictionary(p => p.Name, p => p.Value);
            AddParameters(command, period, db.Database.IsNpgsql(), products);
            await using var reader = await command.ExecuteReaderAsync(ct);
            await reader.ReadAsync(ct);
            var values = new long[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = Convert.ToInt64(reader.GetValue(i), CultureInfo.InvariantCulture);
            }

            return values;
        }
        finally
        {
            if (opened)
            {
                await db.Database.CloseConnectionAsync();
            }
        }
    }

    private static long BinaryTime(DateTimeOffset time) => (long)new DateTimeOffsetToBinaryConverter().ConvertToProvider(time)!;

    /// <summary>A parameter's name where the SQL uses it (<c>@fromMs</c>, <c>@product0</c>).</summary>
    [GeneratedRegex(@"@([A-Za-z][A-Za-z0-9]*)\b", RegexOptions.CultureInvariant)]
    private static partial Regex ParameterName();
}
