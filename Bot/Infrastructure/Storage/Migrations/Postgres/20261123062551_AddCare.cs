using System;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Postgres
{
    /// <inheritdoc />
    public partial class AddCare : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "CareCursor",
                columns: table => new
                {
                    Id = table.Column<int>(type: "integer", nullable: false),
                    LastSeq = table.Column<long>(type: "bigint", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CareCursor", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CareEngagements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AgentId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    UserId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    ServiceUrl = table.Column<string>(type: "character varying(512)", maxLength: 512, nullable: false),
                    TenantId = table.Column<string>(type: "character varying(128)", maxLength: 128, nullable: false),
                    TopicId = table.Column<int>(type: "integer", nullable: false),
                    ProductKey = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    QuestionId = table.Column<long>(type: "bigint", nullable: true),
                    EntryId = table.Column<long>(type: "bigint", nullable: true),
                    CrisisId = table.Column<int>(type: "integer", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CareEngagements", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CareExposures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    AgentId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    PostSeq = table.Column<long>(type: "bigint", nullable: false),
                    TopicId = table.Column<int>(type: "integer", nullable: false),
                    CrisisId = table.Column<int>(type: "integer", nullable: true),
                    At = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CareExposures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CarePrompts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "bigint", nullable: false)
                        .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                    Key = table.Column<string>(type: "character varying(64)", maxLength: 64, nullable: false),
                    AgentId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    UserId = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    Name = table.Column<string>(type: "character varying(256)", maxLength: 256, nullable: false),
                    CrisisId = table.Column<int>(type: "integer", nullable: true),
                    SentAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    Exposures = table.Column<int>(type: "integer", nullable: false),
                    Answer = table.Column<string>(type: "character varying(24)", maxLength: 24, nullable: false),
                    AnsweredAt = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    BreakMinutes = table.Column<int>(type: "integer", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CarePrompts", x => x.Id);
                });

            migrationBuilder.CreateIndex(
                name: "IX_CareEngagements_AgentId_At",
                table: "CareEngagements",
                columns: new[] { "AgentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CareEngagements_At",
                table: "CareEngagements",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_CareExposures_AgentId_At",
                table: "CareExposures",
                columns: new[] { "AgentId", "At" });

            migrationBuilder.CreateIndex(
                name: "IX_CareExposures_At",
                table: "CareExposures",
                column: "At");

            migrationBuilder.CreateIndex(
                name: "IX_CareExposures_PostSeq",
                table: "CareExposures",
                column: "PostSeq");

            migrationBuilder.CreateIndex(
                name: "IX_CarePrompts_AgentId_SentAt",
                table: "CarePrompts",
                columns: new[] { "AgentId", "SentAt" });

            migrationBuilder.CreateIndex(
                name: "IX_CarePrompts_Key",
                table: "CarePrompts",
                column: "Key",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "IX_CarePrompts_SentAt",
                table: "CarePrompts",
                column: "SentAt");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "CareCursor");

            migrationBuilder.DropTable(
                name: "CareEngagements");

            migrationBuilder.DropTable(
                name: "CareExposures");

            migrationBuilder.DropTable(
                name: "CarePrompts");
        }
    }
}
