using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Postgres
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
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    TopicId = table.Column<int>(type: "integer", nullable: false),
                    Spike = table.Column<int>(type: "integer", nullable: false),
                    Role = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    CardId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    ChannelId = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    ServiceUrl = table.Column<string>(type: "character varying(1024)", maxLength: 1024, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    PostedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_TopicCardPosts", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "TopicCards",
                columns: table => new
                {
                    TopicId = table.Column<int>(type: "integer", nullable: false),
                    ProductKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Title = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    State = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Severity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    Spike = table.Column<int>(type: "integer", nullable: false),
                    ContentJson = table.Column<string>(type: "text", nullable: false),
                    RenderVersion = table.Column<int>(type: "integer", nullable: false),
                    SentVersion = table.Column<int>(type: "integer", nullable: false),
                    LastSentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    PostedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    HotSince = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    MutedUntil = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    MutedById = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    MutedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    MutedAtSeverity = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    ResolvedAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    ResolvedById = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    ResolvedByName = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: true),
                    MergedIntoTopicId = table.Column<int>(type: "integer", nullable: true),
                    MergedIntoTitle = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: true),
                    IsFinal = table.Column<bool>(type: "boolean", nullable: false),
                    UnboundNoticeAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
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
