using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace CrisisBot.Infrastructure.Storage.Migrations.Sqlite
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
                    Id = table.Column<int>(type: "INTEGER", nullable: false),
                    LastSeq = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CareCursor", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CareEngagements",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AgentId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    ServiceUrl = table.Column<string>(type: "TEXT", maxLength: 512, nullable: false),
                    TenantId = table.Column<string>(type: "TEXT", maxLength: 128, nullable: false),
                    TopicId = table.Column<int>(type: "INTEGER", nullable: false),
                    ProductKey = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    Kind = table.Column<string>(type: "TEXT", maxLength: 16, nullable: false),
                    QuestionId = table.Column<long>(type: "INTEGER", nullable: true),
                    EntryId = table.Column<long>(type: "INTEGER", nullable: true),
                    CrisisId = table.Column<int>(type: "INTEGER", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CareEngagements", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CareExposures",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    AgentId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    PostSeq = table.Column<long>(type: "INTEGER", nullable: false),
                    TopicId = table.Column<int>(type: "INTEGER", nullable: false),
                    CrisisId = table.Column<int>(type: "INTEGER", nullable: true),
                    At = table.Column<long>(type: "INTEGER", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_CareExposures", x => x.Id);
                });

            migrationBuilder.CreateTable(
                name: "CarePrompts",
                columns: table => new
                {
                    Id = table.Column<long>(type: "INTEGER", nullable: false)
                        .Annotation("Sqlite:Autoincrement", true),
                    Key = table.Column<string>(type: "TEXT", maxLength: 64, nullable: false),
                    AgentId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    UserId = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    Name = table.Column<string>(type: "TEXT", maxLength: 256, nullable: false),
                    CrisisId = table.Column<int>(type: "INTEGER", nullable: true),
                    SentAt = table.Column<long>(type: "INTEGER", nullable: false),
                    Exposures = table.Column<int>(type: "INTEGER", nullable: false),
                    Answer = table.Column<string>(type: "TEXT", maxLength: 24, nullable: false),
                    AnsweredAt = table.Column<long>(type: "INTEGER", nullable: true),
                    BreakMinutes = table.Column<int>(type: "INTEGER", nullable: true)
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
