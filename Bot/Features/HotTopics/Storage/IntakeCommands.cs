using System.Data;
using System.Data.Common;
using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Topics;

namespace CrisisBot.Features.HotTopics.Storage;

/// <summary>
/// Prepared raw SQL for the ingest fast path, on the connection and transaction of a <c>CrisisDbContext</c>: one
/// prepared statement per kind, reused for every row (no change tracker per post). The SQL is the same on SQLite and
/// PostgreSQL (quoted identifiers, <c>ON CONFLICT</c>, Unix-millisecond times).
/// </summary>
internal sealed class IntakeCommands : IDisposable
{
    private const string InsertPostSql =
        """
        INSERT INTO "HotTopicPosts" ("Source", "PostId", "Text", "AuthorHandle", "AuthorName", "CreatedAtMs", "Reach", "Url", "Product", "TopicId", "Abusive")
        VALUES (@source, @id, @text, @handle, @name, @created, @reach, @url, @product, @topic, @abusive)
        ON CONFLICT ("Source", "PostId") DO NOTHING
        """;

    private const string ExistsSql =
        """SELECT 1 FROM "HotTopicPosts" WHERE "Source" = @source AND "PostId" = @id""";

    private const string UpsertTopicSql =
        """
        INSERT INTO "HotTopics" ("Id", "Title", "Product", "State", "Severity", "Posts", "AbusivePosts", "Reach", "FirstSeenMs", "LastSeenMs", "BaselinePerHour", "RecentPerHour", "MergedInto")
        VALUES (@id, @title, @product, @state, @severity, @posts, @abusive, @reach, @first, @last, @baseline, @recent, @merged)
        ON CONFLICT ("Id") DO UPDATE SET "Title" = excluded."Title", "Product" = excluded."Product", "State" = excluded."State",
          "Severity" = excluded."Severity", "Posts" = excluded."Posts", "AbusivePosts" = excluded."AbusivePosts", "Reach" = excluded."Reach",
          "FirstSeenMs" = excluded."FirstSeenMs", "LastSeenMs" = excluded."LastSeenMs", "BaselinePerHour" = excluded."BaselinePerHour",
          "RecentPerHour" = excluded."RecentPerHour", "MergedInto" = excluded."MergedInto"
        """;

    /// <summary><see cref="UpsertTopicSql"/>'s parameters in the order of its VALUES list: position i is SQLite's parameter
    /// index i + 1 (numbered by first appearance), which the handle path binds by.</summary>
    private static readonly (string Name, DbType Type)[] UpsertTopicParameters =
    [
        ("id", DbType.Int32), ("title", DbType.String), ("product", DbType.String), ("state", DbType.Int32),
        ("severity", DbType.Int32), ("posts", DbType.Int32), ("abusive", DbType.Int32), ("reach", DbType.Int64),
        ("first", DbType.Int64), ("last", DbType.Int64), ("baseline", DbType.Double), ("recent", DbType.Double),
        ("merged", DbType.Int32),
    ];

    private const string RepointMergedSql =
        """UPDATE "HotTopics" SET "MergedInto" = @merged WHERE "Id" = @id""";

    private const string InsertAlarmSql =
        """
        INSERT INTO "HotTopicAlarms" ("TopicId", "Product", "Scope", "AtMs", "Severity", "Transition", "Count", "Expected", "PValue")
        VALUES (@topic, @product, @scope, @at, @severity, @transition, @count, @expected, @p)
        """;

    private readonly DbConnection _connection;
    private DbTransaction? _transaction;
    private DbCommand? _insertPost;
    private DbCommand? _exists;
    private DbCommand? _upsertTopic;
    private DbCommand? _insertAlarm;
    private DbCommand? _repointMerged;
    private RawUpsert? _rawUpsert;

    public IntakeCommands(DbConnection connection, DbTransaction? transaction)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _connection = connection;
        _transaction = transaction;
    }

    /// <summary>
    /// Moves every prepared statement to <paramref name="transaction"/> (a new transaction on the same connection), so one
    /// set of prepared statements serves many transactions (the import's writer keeps them for the whole import).
    /// </summary>
    public void UseTransaction(DbTransaction? transaction)
    {
        _transaction = transaction;
        foreach (var command in Commands())
        {
            command.Transaction = transaction;
        }
    }

    /// <summary>Rows per batched lookup in <see cref="FindStored"/>.</summary>
    public const int LookupChunk = 256;

    private readonly Dictionary<int, DbCommand> _lookups = [];

    /// <summary>The keys among <paramref name="keys"/> that are already stored (one query per 256 keys).</summary>
    public HashSet<PostKey> FindStored(IReadOnlyList<PostKey> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        var found = new HashSet<PostKey>();
        for (var start = 0; start < keys.Count; start += LookupChunk)
        {
            var count = Math.Min(LookupChunk, keys.Count - start);
            if (!_lookups.TryGetValue(count, out var command))
            {
                var values = string.Join(", ", Enumerable.Range(0, count).Select(i => $"(@s{i}, @i{i})"));
                var parameters = Enumerable.Range(0, count)
                    .SelectMany(i => new[] { ($"s{i}", DbType.String), ($"i{i}", DbType.String) }).ToArray();
                command = Prepare("SELECT \"Source\", \"PostId\" FROM \"HotTopicPosts\" WHERE (\"Source\", \"PostId\") IN (VALUES " + values + ")", parameters);
                _lookups[count] = command;
            }

            for (var i = 0; i < count; i++)
            {
                var key = keys[start + i];
                command.Parameters[2 * i].Value = key.Source;
                command.Parameters[(2 * i) + 1].Value = key.Id;
            }

            using var reader = command.ExecuteReader();
            while (reader.Read())
            {
                found.Add(new PostKey(reader.GetString(0), reader.GetString(1)));
            }
        }

        return found;
    }

    /// <summary>True when a post with this key is already stored (in this transaction's view).</summary>
    public bool Exists(PostKey key)
    {
        _exists ??= Prepare(ExistsSql, ("source", DbType.String), ("id", DbType.String));
        _exists.Parameters[0].Value = key.Source;
        _exists.Parameters[1].Value = key.Id;
        return _exists.ExecuteScalar() is not null;
    }

    /// <summary>Inserts a post; false when the key already exists (the database decides).</summary>
    public bool InsertPost(SocialPost post, in PostOutcome outcome)
    {
        _insertPost ??= Prepare(
            InsertPostSql,
            ("source", DbType.String), ("id", DbType.String), ("text", DbType.String), ("handle", DbType.String),
            ("name", DbType.String), ("created", DbType.Int64), ("reach", DbType.Int64), ("url", DbType.String),
            ("product", DbType.String), ("topic", DbType.Int32), ("abusive", DbType.Boolean));
        Bind(_insertPost.Parameters, 0, post, outcome);
        return _insertPost.ExecuteNonQuery() > 0;
    }

    /// <summary>
    /// Inserts many posts, one prepared single-row statement each; the indexes (into <paramref name="posts"/>) of those
    /// whose key already existed are added to <paramref name="conflicts"/> (the database decides every duplicate).
    /// </summary>
    /// <remarks>
    /// Not multi-row: Microsoft.Data.Sqlite binds every parameter by name on every execution, and SQLite finds a name
    /// by a linear scan of the statement's parameters: a 32-row statement (352 parameters) does about 30 times more name
    /// comparisons per row than a single-row one, which cost more than the statement overhead it saved (a profiled
    /// 100k import: binding was the largest part of the insert thread).
    /// </remarks>
    public void InsertPosts(IReadOnlyList<SocialPost> posts, ReadOnlySpan<(int Index, PostOutcome Outcome)> rows, List<int> conflicts)
    {
        ArgumentNullException.ThrowIfNull(posts);
        ArgumentNullException.ThrowIfNull(conflicts);
        foreach (var (index, outcome) in rows)
        {
            if (!InsertPost(posts[index], outcome))
            {
                conflicts.Add(index);
            }
        }
    }

    private static void Bind(DbParameterCollection p, int o, SocialPost post, in PostOutcome outcome)
    {
        var key = post.Key;
        p[o].Value = key.Source;
        p[o + 1].Value = key.Id;
        p[o + 2].Value = post.Text;
        p[o + 3].Value = (object?)Clip(post.Author?.Handle, 256) ?? DBNull.Value;
        p[o + 4].Value = (object?)Clip(post.Author?.Name, 256) ?? DBNull.Value;
        p[o + 5].Value = post.CreatedAt.ToUnixTimeMilliseconds();
        p[o + 6].Value = post.Reach;
        p[o + 7].Value = (object?)Clip(post.Url, 2048) ?? DBNull.Value;
        p[o + 8].Value = outcome.Product;
        p[o + 9].Value = outcome.TopicId is { } t ? t.Value : DBNull.Value;
        p[o + 10].Value = outcome.Abusive;
    }

    public void UpsertTopic(TopicSnapshot t)
    {
        ArgumentNullException.ThrowIfNull(t);
        if (_connection is Microsoft.Data.Sqlite.SqliteConnection sqlite)
        {
            // SQLite: the same statement, bound by index on the connection's handle (see RawSqliteStatement); the row is
            // the same as the parameter path below writes (IntakeCommandsTests compares them).
            (_rawUpsert ??= new RawUpsert(sqlite)).Execute(t);
            return;
        }

        UpsertTopicWithParameters(t);
    }

    /// <summary>The provider-neutral upsert (PostgreSQL; on SQLite only for the tests' comparison).</summary>
    internal void UpsertTopicWithParameters(TopicSnapshot t)
    {
        _upsertTopic ??= Prepare(UpsertTopicSql, UpsertTopicParameters);
        var p = _upsertTopic.Parameters;
        p[0].Value = t.Id.Value;
        p[1].Value = Clip(t.Title, 512)!;
        p[2].Value = t.Product;
        p[3].Value = (int)t.State;
        p[4].Value = (int)t.Severity;
        p[5].Value = t.Posts;
        p[6].Value = t.AbusivePosts;
        p[7].Value = t.Reach;
        p[8].Value = t.FirstSeen.ToUnixTimeMilliseconds();
        p[9].Value = t.LastSeen.ToUnixTimeMilliseconds();
        p[10].Value = t.BaselinePerHour;
        p[11].Value = t.RecentPerHour;
        p[12].Value = t.MergedInto is { } m ? m.Value : DBNull.Value;
        _upsertTopic.ExecuteNonQuery();
    }

    /// <summary>
    /// Points a merged topic's stored row at its current survivor (a later merge moved it). Nothing else of a merged
    /// topic's row changes after its merge, so this leaves the row exactly as a full upsert of its snapshot would.
    /// </summary>
    public void RepointMergedTopic(int id, int mergedInto)
    {
        _repointMerged ??= Prepare(RepointMergedSql, ("merged", DbType.Int32), ("id", DbType.Int32));
        _repointMerged.Parameters[0].Value = mergedInto;
        _repointMerged.Parameters[1].Value = id;
        _repointMerged.ExecuteNonQuery();
    }

    public void InsertAlarm(TopicAlarm a)
    {
        _insertAlarm ??= Prepare(
            InsertAlarmSql,
            ("topic", DbType.Int32), ("product", DbType.String), ("scope", DbType.Int32), ("at", DbType.Int64),
            ("severity", DbType.Int32), ("transition", DbType.Int32), ("count", DbType.Int32), ("expected", DbType.Double),
            ("p", DbType.Double));
        var p = _insertAlarm.Parameters;
        p[0].Value = a.TopicId is { } t ? t.Value : DBNull.Value;
        p[1].Value = a.Product;
        p[2].Value = (int)a.Scope;
        p[3].Value = a.At.ToUnixTimeMilliseconds();
        p[4].Value = (int)a.Severity;
        p[5].Value = (int)a.Transition;
        p[6].Value = a.Count;
        p[7].Value = a.Expected;
        p[8].Value = a.PValue;
        _insertAlarm.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _rawUpsert?.Dispose();
        _rawUpsert = null;
        foreach (var command in Commands())
        {
            command.Dispose();
        }
    }

    /// <summary><see cref="UpsertTopicSql"/> on a SQLite handle, bound by the indexes of <see cref="UpsertTopicParameters"/>.</summary>
    private sealed class RawUpsert : IDisposable
    {
        private readonly RawSqliteStatement _statement;

        public RawUpsert(Microsoft.Data.Sqlite.SqliteConnection connection)
        {
            _statement = new RawSqliteStatement(connection, UpsertTopicSql);
            for (var i = 0; i < UpsertTopicParameters.Length; i++)
            {
                if (_statement.IndexOf("@" + UpsertTopicParameters[i].Name) != i + 1)
                {
                    _statement.Dispose();
                    throw new InvalidOperationException($"UpsertTopicSql: parameter @{UpsertTopicParameters[i].Name} is not number {i + 1}");
                }
            }
        }

        public void Execute(TopicSnapshot t)
        {
            // Indexes as in UpsertTopicParameters (checked in the constructor).
            var s = _statement;
            s.Bind(1, t.Id.Value);
            s.Bind(2, Clip(t.Title, 512));
            s.Bind(3, t.Product);
            s.Bind(4, (int)t.State);
            s.Bind(5, (int)t.Severity);
            s.Bind(6, t.Posts);
            s.Bind(7, t.AbusivePosts);
            s.Bind(8, t.Reach);
            s.Bind(9, t.FirstSeen.ToUnixTimeMilliseconds());
            s.Bind(10, t.LastSeen.ToUnixTimeMilliseconds());
            s.Bind(11, t.BaselinePerHour);
            s.Bind(12, t.RecentPerHour);
            if (t.MergedInto is { } m)
            {
                s.Bind(13, m.Value);
            }
            else
            {
                s.BindNull(13);
            }

            s.Execute();
        }

        public void Dispose() => _statement.Dispose();
    }

    private IEnumerable<DbCommand> Commands()
    {
        foreach (var command in new[] { _insertPost, _exists, _upsertTopic, _insertAlarm, _repointMerged })
        {
            if (command is not null)
            {
                yield return command;
            }
        }

        foreach (var command in _lookups.Values)
        {
            yield return command;
        }
    }

    private static string? Clip(string? value, int max) => value is null || value.Length <= max ? value : value[..max];

    private DbCommand Prepare(string sql, params (string Name, DbType Type)[] parameters)
    {
        var command = _connection.CreateCommand();
#pragma warning disable CA2100 // constant SQL; values are parameters
        command.CommandText = sql;
#pragma warning restore CA2100
        command.Transaction = _transaction;
        foreach (var (name, type) in parameters)
        {
            var parameter = command.CreateParameter();
            // The SQL's own spelling (with "@"): Microsoft.Data.Sqlite binds such a name directly, while a bare name is
            // looked up with each prefix on every execution (a third of the import's lookup time in a profile).
            parameter.ParameterName = "@" + name;
            parameter.DbType = type;
            command.Parameters.Add(parameter);
        }

        command.Prepare();
        return command;
    }
}
