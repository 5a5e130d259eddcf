using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Sqlite
{
    /// <inheritdoc />
    public partial class AddTopicCards : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "TopicCardPosts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    TopicId = table.Column<int>(type: "INTEGER", nullable: false),
                    Spike = table.Column<int>(type: "INTEGER", nullable: false),
                    Role = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    CardId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    ChannelId = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    PostedAt = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TopicCardPosts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TopicCards",
                columns: table => new
                {
                    TopicId = table.Column<int>(type: "INTEGER", nullable: false),
                    ProductKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    State = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Severity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    Spike = table.Column<int>(type: "INTEGER", nullable: false),
                    ContentJson = table.Column<string>(type: "TEXT", nullable: false),
                    RenderVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    SentVersion = table.Column<int>(type: "INTEGER", nullable: false),
                    LastSentAt = table.Column<long>(type: "INTEGER", nullable: true),
                    PostedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    HotSince = table.Column<long>(type: "INTEGER", nullable: false),
                    MutedUntil = table.Column<long>(type: "INTEGER", nullable: true),
                    MutedById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    MutedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    MutedAtSeverity = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    ResolvedAt = table.Column<long>(type: "INTEGER", nullable: true),
                    ResolvedById = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    ResolvedByName = table.Column<string>(type: "TEXT", maxLength: 256, nullable: true),
                    MergedIntoTopicId = table.Column<int>(type: "INTEGER", nullable: true),
                    MergedIntoTitle = table.Column<string>(type: "TEXT", maxLength: 512, nullable: true),
                    IsFinal = table.Column<bool>(type: "INTEGER", nullable: false),
                    UnboundNoticeAt = table.Column<long>(type: "INTEGER", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TopicCards", x => x.TopicId);
                });

            migrationBuilder.CreateIndex(
                name: "IX_TopicCardPosts_CardId",
                table: "TopicCardPosts",
                column: "CardId",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_TopicCardPosts_TopicId_Spike",
                table: "TopicCardPosts",
                columns: new[] { "TopicId", "Spike" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "TopicCardPosts");

            migrationBuilder.DropTable(
                name: "TopicCards");
        }
    }
}
