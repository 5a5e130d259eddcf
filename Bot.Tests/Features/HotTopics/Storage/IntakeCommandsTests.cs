using CrisisBot.Features.HotTopics.Intake;
using CrisisBot.Features.HotTopics.Spikes;
using CrisisBot.Features.HotTopics.Storage;
using CrisisBot.Features.HotTopics.Topics;
using Microsoft.Data.Sqlite;

namespace CrisisBot.Tests.Features.HotTopics.Storage;

public sealed class IntakeCommandsTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private readonly SqliteConnection _connection = new("Data Source=:memory:");

    public IntakeCommandsTests()
    {
        _connection.Open();
        using var create = _connection.CreateCommand();
        create.CommandText =
            """
            CREATE TABLE "HotTopicPosts" ("Seq" INTEGER PRIMARY KEY AUTOINCREMENT, "Source" TEXT NOT NULL, "PostId" TEXT NOT NULL,
              "Text" TEXT NOT NULL, "AuthorHandle" TEXT NULL, "AuthorName" TEXT NULL, "CreatedAtMs" INTEGER NOT NULL,
              "Reach" INTEGER NOT NULL, "Url" TEXT NULL, "Product" TEXT NOT NULL, "TopicId" INTEGER NULL, "Abusive" INTEGER NOT NULL);
            CREATE UNIQUE INDEX "IX_HotTopicPosts_Source_PostId" ON "HotTopicPosts" ("Source", "PostId");
            CREATE TABLE "HotTopics" ("Id" INTEGER NOT NULL PRIMARY KEY, "Title" TEXT NOT NULL, "Product" TEXT NOT NULL,
              "State" INTEGER NOT NULL, "Severity" INTEGER NOT NULL, "Posts" INTEGER NOT NULL, "AbusivePosts" INTEGER NOT NULL,
              "Reach" INTEGER NOT NULL, "FirstSeenMs" INTEGER NOT NULL, "LastSeenMs" INTEGER NOT NULL,
              "BaselinePerHour" REAL NOT NULL, "RecentPerHour" REAL NOT NULL, "MergedInto" INTEGER NULL);
            """;
        create.ExecuteNonQuery();
    }

    public void Dispose() => _connection.Dispose();

    private static SocialPost Post(int id) =>
        new(id.ToString(System.Globalization.CultureInfo.InvariantCulture), "Twitter", $"post {id}", T0.AddMinutes(id), new PostAuthor("@a", "A", 10, null));

    private static (int, PostOutcome)[] Rows(int count) =>
        [.. Enumerable.Range(0, count).Select(i => (i, new PostOutcome(new TopicId(i + 1), "mail", i % 2 == 0, 0)))];

    private List<(string Id, string Product, long? Topic, long Abusive)> Stored()
    {
        using var command = _connection.CreateCommand();
        command.CommandText = """SELECT "PostId", "Product", "TopicId", "Abusive" FROM "HotTopicPosts" ORDER BY "Seq" """;
        using var reader = command.ExecuteReader();
        var rows = new List<(string, string, long?, long)>();
        while (reader.Read())
        {
            rows.Add((reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetInt64(2), reader.GetInt64(3)));
        }

        return rows;
    }

    [Fact]
    public void InsertPosts_ManyRows_AllStoredInOrderWithTheirOutcomes()
    {
        var posts = Enumerable.Range(0, 75).Select(Post).ToList();
        using var transaction = _connection.BeginTransaction();
        using var commands = new IntakeCommands(_connection, transaction);
        var conflicts = new List<int>();

        commands.InsertPosts(posts, Rows(75), conflicts);
        transaction.Commit();

        Assert.Empty(conflicts);
        var stored = Stored();
        Assert.Equal(Enumerable.Range(0, 75).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), stored.Select(s => s.Id));
        Assert.Equal(1L, stored[0].Topic);
        Assert.Equal(75L, stored[74].Topic);
        Assert.Equal(1L, stored[0].Abusive);
        Assert.Equal(0L, stored[73].Abusive);
        Assert.All(stored, s => Assert.Equal("mail", s.Product));
    }

    [Fact]
    public void InsertPosts_SomeKeysAlreadyStored_DatabaseReportsThoseAndStoresTheRest()
    {
        var posts = Enumerable.Range(0, 40).Select(Post).ToList();
        using var transaction = _connection.BeginTransaction();
        using var commands = new IntakeCommands(_connection, transaction);
        var conflicts = new List<int>();
        Assert.True(commands.InsertPost(posts[3], new PostOutcome(null, "triage", false, 0)));   // stored by "another writer"
        Assert.True(commands.InsertPost(posts[35], new PostOutcome(null, "triage", false, 0)));

        commands.InsertPosts(posts, Rows(40), conflicts);
        transaction.Commit();

        Assert.Equal([3, 35], conflicts);
        var stored = Stored();
        Assert.Equal(40, stored.Count); // each key once
        Assert.Equal(40, stored.Select(s => s.Id).Distinct().Count());
        Assert.Equal("triage", stored.Single(s => s.Id == "3").Product); // the earlier row was kept, not replaced
    }

    private static TopicSnapshot Snapshot(int id, string title, int posts, TopicId? mergedInto = null) =>
        new(new TopicId(id), title, "mail", TopicState.Hot, AlarmSeverity.High, posts, posts / 3, 1_000_000_007L * posts,
            T0, T0.AddMinutes(posts), 0.25 * posts, Math.PI * posts, mergedInto);

    /// <summary>Every stored topic row, each value with its SQLite storage class (typeof), in id order.</summary>
    private List<string> StoredTopics()
    {
        using var command = _connection.CreateCommand();
        command.CommandText =
            """
            SELECT "Id", quote("Title"), typeof("Title"), "Product", "State", "Severity", "Posts", "AbusivePosts", "Reach",
              "FirstSeenMs", "LastSeenMs", quote("BaselinePerHour"), typeof("BaselinePerHour"), quote("RecentPerHour"),
              quote("MergedInto"), typeof("State"), typeof("MergedInto")
            FROM "HotTopics" ORDER BY "Id"
            """;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }

    public static TheoryData<string> Titles => new()
    {
        "parcel · delivered · tracking",
        "émoji 📦 colis · 配達 · ça",
        new string('x', 700), // clipped to 512 on both paths
        "",
    };

    [Theory]
    [MemberData(nameof(Titles))]
    public void UpsertTopic_SqliteHandlePath_SameRowsAsTheParameterPath_InsertThenUpdate(string title)
    {
        var writes = new[]
        {
            Snapshot(1, title, 1),
            Snapshot(2, "other", 5),
            Snapshot(1, title + " again", 9),                // update of an existing row
            Snapshot(2, "other", 6, mergedInto: new TopicId(1)), // merged: MergedInto set
            Snapshot(2, "other", 6),                         // and cleared again (NULL)
        };

        List<string> Write(Action<IntakeCommands, TopicSnapshot> upsert)
        {
            using (var clear = _connection.CreateCommand())
            {
                clear.CommandText = """DELETE FROM "HotTopics" """;
                clear.ExecuteNonQuery();
            }

            using var transaction = _connection.BeginTransaction();
            using (var commands = new IntakeCommands(_connection, transaction))
            {
                foreach (var w in writes)
                {
                    upsert(commands, w);
                }
            }

            transaction.Commit();
            return StoredTopics();
        }

        var viaHandle = Write((c, t) => c.UpsertTopic(t));
        var viaParameters = Write((c, t) => c.UpsertTopicWithParameters(t));

        Assert.Equal(viaParameters, viaHandle);
        Assert.Equal(2, viaHandle.Count);
        Assert.Contains("|9|", viaHandle[0], StringComparison.Ordinal);        // the update's post count
        Assert.EndsWith("|NULL|integer|null", viaHandle[1], StringComparison.Ordinal);
    }

    [Fact]
    public void UpsertTopic_SqliteHandlePath_RolledBackWithTheTransaction()
    {
        using (var transaction = _connection.BeginTransaction())
        using (var commands = new IntakeCommands(_connection, transaction))
        {
            commands.UpsertTopic(Snapshot(7, "gone", 3));
            transaction.Rollback();
        }

        Assert.Empty(StoredTopics());
    }

    [Fact]
    public void UpsertTopic_SqliteHandlePath_ConstraintError_IsASqliteExceptionAndTheStatementStaysUsable()
    {
        using (var drop = _connection.CreateCommand())
        {
            drop.CommandText = """CREATE TRIGGER "no_negative" BEFORE INSERT ON "HotTopics" WHEN NEW."Posts" < 0 BEGIN SELECT RAISE(ABORT, 'negative posts'); END""";
            drop.ExecuteNonQuery();
        }

        using var transaction = _connection.BeginTransaction();
        using var commands = new IntakeCommands(_connection, transaction);

        var error = Assert.Throws<SqliteException>(() => commands.UpsertTopic(Snapshot(8, "bad", -3)));
        commands.UpsertTopic(Snapshot(9, "good", 3));
        transaction.Commit();

        Assert.Contains("negative posts", error.Message, StringComparison.Ordinal);
        Assert.Single(StoredTopics());
    }
}
