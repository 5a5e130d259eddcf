using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddIntake : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "HotTopicAlarms",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TopicId = table.Column<int>(type: "integer", nullable: true),
                    Product = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Scope = table.Column<int>(type: "integer", nullable: false),
                    AtMs = table.Column<long>(type: "bigint", nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    Transition = table.Column<int>(type: "integer", nullable: false),
                    Count = table.Column<int>(type: "integer", nullable: false),
                    Expected = table.Column<double>(type: "double precision", nullable: false),
                    PValue = table.Column<double>(type: "double precision", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HotTopicAlarms", x => x.Seq);
                });

            migrationBuilder.CreateTable(
                name: "HotTopicPosts",
                columns: table => new
                {
                    Seq = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Source = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    PostId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Text = table.Column<string>(type: "text", nullable: false),
                    AuthorHandle = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    AuthorName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    CreatedAtMs = table.Column<long>(type: "bigint", nullable: false),
                    Reach = table.Column<long>(type: "bigint", nullable: false),
                    Url = table.Column<string>(type: "character varying(2048)", maxLength: 2048, nullable: true),
                    Product = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    TopicId = table.Column<int>(type: "integer", nullable: true),
                    Abusive = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HotTopicPosts", x => x.Seq);
                });

            migrationBuilder.CreateTable(
                name: "HotTopics",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    Title = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    Product = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    State = table.Column<int>(type: "integer", nullable: false),
                    Severity = table.Column<int>(type: "integer", nullable: false),
                    Posts = table.Column<int>(type: "integer", nullable: false),
                    AbusivePosts = table.Column<int>(type: "integer", nullable: false),
                    Reach = table.Column<long>(type: "bigint", nullable: false),
                    FirstSeenMs = table.Column<long>(type: "bigint", nullable: false),
                    LastSeenMs = table.Column<long>(type: "bigint", nullable: false),
                    BaselinePerHour = table.Column<double>(type: "double precision", nullable: false),
                    RecentPerHour = table.Column<double>(type: "double precision", nullable: false),
                    MergedInto = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_HotTopics", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_HotTopicAlarms_TopicId_Seq",
                table: "HotTopicAlarms",
                columns: new[] { "TopicId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_HotTopicPosts_Source_PostId",
                table: "HotTopicPosts",
                columns: new[] { "Source", "PostId" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_HotTopicPosts_TopicId_Seq",
                table: "HotTopicPosts",
                columns: new[] { "TopicId", "Seq" });

            migrationBuilder.CreateIndex(
                name: "IX_HotTopics_Product_State",
                table: "HotTopics",
                columns: new[] { "Product", "State" });
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "HotTopicAlarms");

            migrationBuilder.DropTable(
                name: "HotTopicPosts");

            migrationBuilder.DropTable(
                name: "HotTopics");
        }
    }
}
