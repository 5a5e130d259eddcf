using CrisisBot.Features.HotTopics.Intake;
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
}
